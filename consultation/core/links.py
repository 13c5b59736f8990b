"""Absolute links to the site, built from SITE_URL: in a request, a command or a job alike."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def site_url(endpoint: str, **values: object) -> str:
    """The absolute address of an endpoint on the public site, for mail and exports."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
