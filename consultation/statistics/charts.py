"""Accessible charts drawn on the server from plain numbers, each carrying its data table.

This module only lays out shapes (rectangles, rules, texts) in a fixed viewBox; the macro in
templates/statistics/_charts.html draws them with Jinja's autoescaping, so a label typed by an
admin or a contributor stays text. Colour never carries meaning alone: each series has its own
pattern (solid, hatched, dotted), a legend names it, values are written beside the bars, and the
table given with every chart holds each figure (RGAA 1.1, 3.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: Width of every chart's viewBox; charts scale to their column.
WIDTH = 720
#: Average width of a character of the charts' text, in viewBox units (14px sans-serif).
CHAR_WIDTH = 7.6
#: Room kept right of the longest bar for its value.
VALUE_ROOM = 90
LEGEND_HEIGHT = 30
CHANNEL_SERIES = ("En ligne", "Par courriel")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def number_fr(value: int) -> str:
    """1234567 → '1 234 567' with narrow no-break spaces, as French typography has it."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def percent_fr(share: float) -> str:
    """0.125 → '12,5 %' (one decimal, a no-break space before the sign)."""
    return f"{share * 100:.1f}".replace(".", ",") + f"{NBSP}%"


def share_of(count: int, total: int) -> float:
    return count / total if total else 0.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    #: Index of the series: picks the pattern and the colour.
    series: int
    #: Tooltip for pointer users; screen readers get the table.
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    is_strong: bool = False


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    #: Each row starts with its header cell; values are already formatted in French.
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    height: float
    series: tuple[str, ...]
    rects: tuple[Rect, ...]
    texts: tuple[Text, ...]
    rules: tuple[Rule, ...]
    table: Table
    is_empty: bool
    width: int = WIDTH


def clip(label: str, room: float) -> str:
    """The label, cut with an ellipsis past `room` units; the table holds it whole."""
    most = max(int(room / CHAR_WIDTH), 4)
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def legend(series: Sequence[str], y: float = 0) -> tuple[list[Rect], list[Text]]:
    """Swatches and names of the series on one line at the top, when there are several."""
    rects: list[Rect] = []
    texts: list[Text] = []
    if len(series) < 2:
        return rects, texts
    x = 0.0
    for index, name in enumerate(series):
        rects.append(Rect(x, y + 4, 18, 18, index, name))
        texts.append(Text(x + 24, y + 18, name))
        x += 24 + len(name) * CHAR_WIDTH + 24
    return rects, texts


def _scale(largest: int, room: float) -> float:
    return room / largest if largest > 0 else 0.0


# Horizontal bars -------------------------------------------------------------------------------

BAR = 20
GROUPED_BAR = 16
LABEL_LINE = 22


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[str],
    table: Table,
    stacked: bool = True,
) -> Chart:
    """One bar per row (several side by side when grouped), its label above it."""
    top = LEGEND_HEIGHT if len(series) > 1 else 0
    rects, texts = legend(series)
    largest = max((_bar_extent(values, stacked) for _, values in rows), default=0)
    scale = _scale(largest, WIDTH - VALUE_ROOM)
    y = float(top)
    for label, values in rows:
        texts.append(Text(0, y + 15, clip(label, WIDTH)))
        drawn = _stacked_row if stacked else _grouped_row
        row_rects, row_texts, y = drawn(label, values, series, y + LABEL_LINE, scale)
        rects += row_rects
        texts += row_texts
    description = _bars_description(rows, series, stacked)
    shapes = (tuple(rects), tuple(texts), ())
    return Chart(chart_id, title, description, y, tuple(series), *shapes, table, largest == 0)


def _bar_extent(values: Sequence[int], stacked: bool) -> int:
    return sum(values) if stacked else max(values, default=0)


def _stacked_row(label, values, series, y, scale):
    rects, x = [], 0.0
    for index, value in enumerate(values):
        width = value * scale
        if width:
            rects.append(Rect(x, y, width, BAR, index, _tooltip(label, series, index, value)))
        x += width
    return rects, [Text(x + 6, y + 15, number_fr(sum(values)), is_strong=True)], y + BAR + 14


def _grouped_row(label, values, series, y, scale):
    rects, texts = [], []
    for index, value in enumerate(values):
        width = value * scale
        if width:
            rects.append(
                Rect(0, y, width, GROUPED_BAR, index, _tooltip(label, series, index, value))
            )
        texts.append(Text(width + 6, y + 13, number_fr(value)))
        y += GROUPED_BAR + 4
    return rects, texts, y + 10


def _tooltip(label: str, series: Sequence[str], index: int, value: int) -> str:
    named = f" — {series[index]}" if len(series) > 1 else ""
    return f"{label}{named} : {number_fr(value)}"


def _bars_description(rows, series, stacked: bool) -> str:
    kind = "Barres horizontales"
    if len(series) > 1:
        kind += f" {'empilées' if stacked else 'côte à côte'} ({', '.join(series)})"
    text = f"{kind}, {len(rows)} ligne{'s' if len(rows) > 1 else ''}."
    if rows:
        label, values = max(rows, key=lambda row: sum(row[1]))
        text += f" Valeur la plus haute : « {label} », {number_fr(sum(values))}."
    return text + " Le tableau de données donne chaque valeur."


# Share of a whole ------------------------------------------------------------------------------


def share_bar(chart_id: str, title: str, parts: Sequence[tuple[str, int]], table: Table) -> Chart:
    """A single bar split in parts of a whole, each part named below with its count and share."""
    total = sum(count for _, count in parts)
    scale = _scale(total, WIDTH)
    rects, texts, x = [], [], 0.0
    for index, (label, count) in enumerate(parts):
        line = f"{label} : {number_fr(count)} ({percent_fr(share_of(count, total))})"
        if count:
            rects.append(Rect(x, 0, count * scale, 36, index, line))
        x += count * scale
        rects.append(Rect(0, 52 + 28 * index, 18, 18, index, label))
        texts.append(Text(24, 66 + 28 * index, line))
    height = 52 + 28 * len(parts)
    description = "Barre unique partagée : " + " ; ".join(text.text for text in texts) + "."
    series = tuple(label for label, _ in parts)
    shapes = (tuple(rects), tuple(texts), ())
    return Chart(chart_id, title, description, height, series, *shapes, table, total == 0)


# Weeks -----------------------------------------------------------------------------------------

PLOT_LEFT = 56
PLOT_HEIGHT = 220
AXIS_ROOM = 30
#: At most this many week labels under the axis, so that they never overlap.
MOST_WEEK_LABELS = 12


def nice_step(largest: int, most_ticks: int = 5) -> int:
    """A step of 1, 2 or 5 × 10^k giving at most `most_ticks` intervals up to `largest`."""
    if largest <= most_ticks:
        return 1
    raw = largest / most_ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def week_chart(
    chart_id: str,
    title: str,
    weeks: Sequence[tuple[date, Sequence[int]]],
    series: Sequence[str],
    table: Table,
) -> Chart:
    """Stacked columns, one per week, on a graduated axis; every few weeks named under it."""
    rects, texts = legend(series)
    top = LEGEND_HEIGHT if len(series) > 1 else 10
    largest = max((sum(values) for _, values in weeks), default=0)
    step = nice_step(largest)
    ceiling = max(step * math.ceil(largest / step), step)
    rules, tick_texts = _week_axis(top, ceiling, step)
    columns, labels = _week_columns(weeks, series, top, PLOT_HEIGHT / ceiling)
    description = _weeks_description(weeks)
    shapes = (tuple(rects + columns), tuple(texts + tick_texts + labels), tuple(rules))
    height = top + PLOT_HEIGHT + AXIS_ROOM
    return Chart(chart_id, title, description, height, tuple(series), *shapes, table, largest == 0)


def _week_axis(top: float, ceiling: int, step: int) -> tuple[list[Rule], list[Text]]:
    rules, texts = [], []
    for value in range(0, ceiling + 1, step):
        y = top + PLOT_HEIGHT - value * PLOT_HEIGHT / ceiling
        rules.append(Rule(PLOT_LEFT, y, WIDTH, y))
        texts.append(Text(PLOT_LEFT - 8, y + 5, number_fr(value), anchor="end"))
    return rules, texts


def _week_columns(weeks, series, top: float, scale: float) -> tuple[list[Rect], list[Text]]:
    slot = (WIDTH - PLOT_LEFT) / max(len(weeks), 1)
    every = math.ceil(len(weeks) / MOST_WEEK_LABELS) or 1
    rects, texts = [], []
    for position, (monday, values) in enumerate(weeks):
        x, y = PLOT_LEFT + position * slot + slot * 0.15, top + PLOT_HEIGHT
        for index, value in enumerate(values):
            if value:
                y -= value * scale
                title = f"Semaine du {monday:%d/%m/%Y} — {series[index]} : {number_fr(value)}"
                rects.append(Rect(x, y, slot * 0.7, value * scale, index, title))
        if position % every == 0:
            base = top + PLOT_HEIGHT + 20
            texts.append(Text(x + slot * 0.35, base, f"{monday:%d/%m}", anchor="middle"))
    return rects, texts


def _weeks_description(weeks) -> str:
    if not weeks:
        return "Aucune semaine à montrer."
    first, last = weeks[0][0], weeks[-1][0]
    busiest, values = max(weeks, key=lambda week: sum(week[1]))
    return (
        f"Colonnes empilées, une par semaine, du {first:%d/%m/%Y} au {last:%d/%m/%Y}."
        f" Semaine la plus chargée : celle du {busiest:%d/%m/%Y}, {number_fr(sum(values))}."
        " Le tableau de données donne chaque semaine."
    )
