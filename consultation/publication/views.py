"""Public reading pages: home, consultation, chapter, section permalinks and search."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from consultation.contributions import reading as contributions
from consultation.core.clock import now
from consultation.publication import services
from consultation.publication.sections import render_sections

bp = Blueprint("publication", __name__)


@bp.get("/")
def home():
    groups = services.consultations_by_status(now())
    return render_template("publication/home.html", groups=groups)


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    at = now()
    consultation = services.get_consultation_or_404(slug)
    return render_template(
        "publication/consultation.html",
        consultation=consultation,
        status=consultation.status(at),
        published_batches=consultation.published_batches(at),
        upcoming_batches=consultation.upcoming_batches(at),
        contribution_counts=contributions.counts_by_chapter(consultation),
    )


@bp.get("/consultations/<slug>/chapitres/<int:number>")
def chapter(slug: str, number: int):
    at = now()
    chapter = services.get_published_chapter_or_404(slug, number, at)
    version = chapter.consultation_version
    introduction, parts = render_sections(version.body)
    return render_template(
        "publication/chapter.html",
        chapter=chapter,
        consultation=chapter.consultation,
        status=chapter.consultation.status(at),
        version=version,
        sections=version.sections,
        introduction=introduction,
        parts=parts,
        siblings=services.published_chapters(chapter.consultation, at),
        contributions=contributions.chapter_contributions(chapter),
    )


@bp.get("/consultations/<slug>/chapitres/<int:number>/sections/<anchor>")
def section(slug: str, number: int, anchor: str):
    """A permanent address for one section, leading to its place in the chapter page."""
    chapter = services.get_published_chapter_or_404(slug, number, now())
    if services.find_section(chapter, anchor) is None:
        abort(404)
    return redirect(url_for(".chapter", slug=slug, number=number, _anchor=anchor))


@bp.get("/recherche")
def search():
    query = request.args.get("q", "").strip()[:200]
    hits = services.search_chapters(query, now()) if query else []
    return render_template("publication/search.html", query=query, hits=hits)


# The machine-readable routes live in their own module but belong to this blueprint.
from consultation.publication import diff_views, feeds  # noqa: E402, F401
