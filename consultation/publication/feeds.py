"""Machine-readable views of what is public: sitemap, robots.txt and the JSON API."""

from __future__ import annotations

from flask import Response, jsonify, render_template, url_for

from consultation.core.clock import now
from consultation.core.dates import format_iso
from consultation.publication import services
from consultation.publication.models import Batch, Chapter, Consultation
from consultation.publication.views import bp


@bp.get("/plan-du-site")
def sitemap_page():
    at = now()
    groups = services.consultations_by_status(at)
    chapters = {
        c.id: services.published_chapters(c, at) for group in groups.values() for c in group
    }
    return render_template("publication/sitemap.html", groups=groups, chapters=chapters)


@bp.get("/sitemap.xml")
def sitemap_xml():
    at = now()
    urls = [url_for(".home", _external=True)]
    for group in services.consultations_by_status(at).values():
        for consultation in group:
            urls.append(url_for(".consultation", slug=consultation.slug, _external=True))
            urls.extend(
                _chapter_url(chapter) for chapter in services.published_chapters(consultation, at)
            )
    xml = render_template("publication/sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /connexion",
        f"Sitemap: {url_for('.sitemap_xml', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/api/consultations")
def api_consultations():
    at = now()
    groups = services.consultations_by_status(at)
    return jsonify([_consultation_summary(c, at) for group in groups.values() for c in group])


@bp.get("/api/consultations/<slug>")
def api_consultation(slug: str):
    at = now()
    consultation = services.get_consultation_or_404(slug)
    document = _consultation_summary(consultation, at)
    document["batches"] = [_batch_document(batch, at) for batch in consultation.batches]
    document["chapters"] = [
        _chapter_document(c) for c in services.published_chapters(consultation, at)
    ]
    return jsonify(document)


def _consultation_summary(consultation: Consultation, at) -> dict[str, object]:
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "status": consultation.status(at).value,
        "opens_at": format_iso(consultation.opens_at),
        "closes_at": format_iso(consultation.closes_at),
        "url": url_for(".consultation", slug=consultation.slug, _external=True),
    }


def _batch_document(batch: Batch, at) -> dict[str, object]:
    """A future batch shows its date only: its title could announce what is not yet public."""
    document: dict[str, object] = {
        "number": batch.number,
        "publish_at": format_iso(batch.publish_at),
    }
    document["is_published"] = batch.is_published(at)
    if document["is_published"]:
        document["title"] = batch.title
    return document


def _chapter_document(chapter: Chapter) -> dict[str, object]:
    version = chapter.consultation_version
    return {
        "number": chapter.number,
        "slug": chapter.slug,
        "title": chapter.title,
        "batch": chapter.batch.number,
        "url": _chapter_url(chapter),
        "version": version.label,
        "body_markdown": version.body,
        "sections": [
            {"anchor": s.anchor, "level": s.level, "title": s.title} for s in version.sections
        ],
    }


def _chapter_url(chapter: Chapter) -> str:
    return url_for(
        ".chapter", slug=chapter.consultation.slug, number=chapter.number, _external=True
    )
