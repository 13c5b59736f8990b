"""Reading the statistics pages as a person does: the data tables by caption, the key figures."""

from __future__ import annotations

from html.parser import HTMLParser

NNBSP, NBSP = "\u202f", "\u00a0"


def tables(html: str) -> dict[str, list[list[str]]]:
    """Each table's rows (header, body and total rows alike), keyed by its caption."""
    reader = _Reader()
    reader.feed(html)
    return reader.tables


def key_figures(html: str) -> list[str]:
    """The key figures, each as one line: "42 visiteurs uniques", spaces made plain."""
    reader = _Reader()
    reader.feed(html)
    return reader.figures


def plain(text: str) -> str:
    return " ".join(text.replace(NNBSP, " ").replace(NBSP, " ").split())


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: list[str] = []
        self._caption: str | None = None
        self._text: list[str] | None = None
        self._rows: list[list[str]] = []
        self._figure_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "stat-key-figure" in classes:
            self._figure_depth, self._text = 1, []
        elif tag == "div" and self._figure_depth:
            self._figure_depth += 1
        elif tag == "table":
            self._rows, self._caption = [], None
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("caption", "th", "td"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._figure_depth:
            self._figure_depth -= 1
            if not self._figure_depth:
                self.figures.append(plain(" ".join(self._text or [])))
                self._text = None
        elif tag == "caption":
            self._caption = plain("".join(self._text or []))
        elif tag in ("th", "td") and self._rows:
            self._rows[-1].append(plain("".join(self._text or [])))
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption] = self._rows

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
