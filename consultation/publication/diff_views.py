"""Differences between the text put to consultation and the final text, on the site and as a file.

Registered on the publication blueprint: consultation.publication.views imports this module.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template, request

from consultation.core.clock import now
from consultation.publication import services
from consultation.publication.diff import chapter_diff
from consultation.publication.views import bp

#: The two ways of reading a chapter's differences, by the value of ?vue=.
VIEWS = {"en-ligne": "En ligne", "cote-a-cote": "Côte à côte"}


@bp.get("/consultations/<slug>/chapitres/<int:number>/differences")
def chapter_differences(slug: str, number: int):
    at = now()
    chapter = services.get_published_chapter_or_404(slug, number, at)
    view = request.args.get("vue", "en-ligne")
    return render_template(
        "publication/diff.html",
        chapter=chapter,
        consultation=chapter.consultation,
        diff=chapter_diff(chapter),
        view=view if view in VIEWS else "en-ligne",
        views=VIEWS,
    )


@bp.get("/consultations/<slug>/differences.html")
def differences_document(slug: str):
    """One standalone HTML file for the whole consultation, to keep or print."""
    consultation = services.get_consultation_or_404(slug)
    chapters = services.published_chapters(consultation, now())
    style = _document_style()
    html = render_template(
        "publication/diff_document.html",
        consultation=consultation,
        chapters=[(chapter, chapter_diff(chapter)) for chapter in chapters],
        style=style,
        generated_at=now(),
    )
    response = current_app.response_class(html, mimetype="text/html")
    response.headers["Content-Disposition"] = f'attachment; filename="differences-{slug}.html"'
    response.headers["Content-Security-Policy"] = _document_policy(style)
    return response


@lru_cache(maxsize=1)
def _document_style() -> str:
    return (Path(current_app.static_folder) / "css" / "diff.css").read_text(encoding="utf-8")


def _document_policy(style: str) -> str:
    """Nothing but the document's own style sheet, allowed by its hash; no script at all."""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
