"""The one place where HTML from users or documents is cleaned; the only module importing bleach."""

from __future__ import annotations

from html import unescape

import bleach
from markupsafe import Markup, escape

DOCUMENT_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "strong",
        "em",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "a",
        "abbr",
        "sub",
        "sup",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
        "s",
        "del",
        "ins",
    }
)
DOCUMENT_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "h5": ["id"],
    "h6": ["id"],
    "th": ["scope", "colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
    "ol": ["start"],
}
PROTOCOLS = frozenset({"http", "https", "mailto"})


def clean_document(html: str) -> Markup:
    """Keep the structure of a rendered document (headings, lists, tables, links), drop the rest."""
    cleaned = bleach.clean(
        html,
        tags=DOCUMENT_TAGS,
        attributes=DOCUMENT_ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - bleach output is the sanitised HTML


def strip_tags(html: str) -> str:
    """Plain text of an HTML fragment, for titles, search snippets and mail."""
    return unescape(bleach.clean(html, tags=set(), strip=True, strip_comments=True))


def _nofollow(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


def render_plain_text(text: str) -> Markup:
    """Text typed by a person as HTML: escaped, paragraphs and line breaks kept, URLs clickable."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    html = "".join(
        "<p>" + "<br>\n".join(escape(line) for line in part.split("\n")) + "</p>"
        for part in paragraphs
        if part
    )
    linked = bleach.linkify(html, callbacks=[_nofollow], parse_email=False)
    return Markup(linked)  # noqa: S704 - escaped text whose only tags are p, br and a
