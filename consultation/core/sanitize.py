"""The one place where HTML from users or documents is cleaned; the only module importing bleach."""

from __future__ import annotations

import re
from html import unescape

import bleach
from bleach import html5lib_shim
from bleach.linkifier import URL_RE
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


#: Elements whose content is never text a person wrote for the reader.
HIDDEN_ELEMENTS = frozenset({"script", "style", "title", "head", "template", "noscript"})
PARAGRAPH_ELEMENTS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"}
    | {"section", "article", "header", "footer", "address", "dl", "hr", "form", "fieldset"}
)
LINE_ELEMENTS = frozenset({"br", "li", "tr", "dt", "dd", "caption"})
CELL_ELEMENTS = frozenset({"td", "th"})


def html_to_text(html: str) -> str:
    """Readable text of an HTML document (an HTML-only mail): never rendered, only read.

    Script and style contents are dropped, block elements become line breaks, entities are decoded.
    """
    parser = html5lib_shim.BleachHTMLParser(
        tags=None, strip=False, consume_entities=True, namespaceHTMLElements=False
    )
    tokens = html5lib_shim.getTreeWalker("etree")(parser.parseFragment(html))
    pieces: list[str] = []
    hidden_depth = 0
    for token in tokens:
        name = token.get("name")
        if name in HIDDEN_ELEMENTS and token["type"] in {"StartTag", "EndTag"}:
            hidden_depth = max(0, hidden_depth + (1 if token["type"] == "StartTag" else -1))
        elif token["type"] in {"Characters", "SpaceCharacters"} and hidden_depth == 0:
            pieces.append(re.sub(r"\s+", " ", token["data"]))
        elif token["type"] in {"StartTag", "EndTag", "EmptyTag"}:
            pieces.append(_break_for(name, is_end=token["type"] == "EndTag"))
    return _tidy_lines("".join(pieces))


def _break_for(element: str | None, is_end: bool) -> str:
    if element in PARAGRAPH_ELEMENTS:
        return "\n\n"
    if element in LINE_ELEMENTS and not is_end:
        return "\n"
    return " " if element in CELL_ELEMENTS else ""


def _tidy_lines(text: str) -> str:
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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
    if not URL_RE.search(text):
        # Linkifying re-parses the HTML and costs ten times the rest: skip it when it finds nothing.
        return Markup(html)  # noqa: S704 - escaped text whose only tags are p and br
    linked = bleach.linkify(html, callbacks=[_nofollow], parse_email=False)
    return Markup(linked)  # noqa: S704 - escaped text whose only tags are p, br and a
