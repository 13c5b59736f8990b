"""What every page shares: date filters, security headers and error pages."""

from __future__ import annotations

from flask import Flask, Response

from consultation.core import dates
from consultation.core.errors import register_error_pages
from consultation.core.markdown import render_markdown
from consultation.core.sanitize import render_plain_text

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def register(app: Flask) -> None:
    app.add_template_filter(dates.format_date, "date_fr")
    app.add_template_filter(lambda value: dates.format_date(value, with_time=True), "datetime_fr")
    app.add_template_filter(dates.format_iso, "iso")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(render_plain_text, "plain_text")
    app.after_request(_security_headers)
    register_error_pages(app)
