"""Public open-data page of a consultation and its downloads, streamed as they are written."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, stream_with_context

from consultation.extensions import limiter
from consultation.publication.models import Consultation
from consultation.statistics import opendata
from consultation.statistics.opendata import FORMATS, OpendataRefused
from consultation.statistics.opendata_schema import COLUMNS, CSV_FORMAT, JSON_FORMAT, LICENCE

bp = Blueprint("opendata", __name__, url_prefix="/consultations/<slug>/donnees-ouvertes")

#: The files are the same for everyone: proxies and browsers may keep them a few minutes.
CACHE_SECONDS = 300
#: Each download reads every published contribution: a client may not ask for it in a loop.
DOWNLOAD_LIMIT = "20 per minute; 200 per hour"


def _consultation_or_404(slug: str) -> Consultation:
    try:
        return opendata.public_consultation(slug)
    except OpendataRefused:
        abort(404)


@bp.get("")
def page(slug: str):
    consultation = _consultation_or_404(slug)
    return render_template(
        "statistics/opendata.html",
        consultation=consultation,
        columns=COLUMNS,
        licence=LICENCE,
        csv_format=CSV_FORMAT,
        json_format=JSON_FORMAT,
        summary=opendata.published_summary(consultation),
    )


@bp.get("/contributions.<file_format>")
@limiter.limit(DOWNLOAD_LIMIT)
def download(slug: str, file_format: str):
    """The whole file, sent as it is written: the first rows leave before the last are read."""
    if file_format not in FORMATS:
        abort(404)
    consultation = _consultation_or_404(slug)
    chunks = opendata.file_chunks(consultation, file_format)
    name = f"contributions-{consultation.slug}.{FORMATS[file_format].extension}"
    return _attachment(stream_with_context(chunks), FORMATS[file_format].media_type, name)


@bp.get("/schema.json")
def schema(slug: str):
    consultation = _consultation_or_404(slug)
    body = opendata.schema_bytes(consultation)
    name = f"schema-contributions-{consultation.slug}.json"
    return _attachment(body, "application/json; charset=utf-8", name)


def _attachment(body, media_type: str, name: str) -> Response:
    response = Response(body, content_type=media_type)
    # The slug is [a-z0-9-]: the name needs no quoting beyond what werkzeug does.
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
