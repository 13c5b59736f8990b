"""The figures of a consultation as the pages show them: key figures and charts with tables.

Takes the records of figures.py and gives formatted key figures and charts.Chart objects,
ready for templates/statistics/_charts.html.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from consultation.statistics.charts import (
    CHANNEL_SERIES,
    Chart,
    Table,
    bar_chart,
    number_fr,
    percent_fr,
    share_bar,
    share_of,
    week_chart,
)
from consultation.statistics.figures import ChannelSplit, KeyFigures, Share, WeekCount


@dataclass(frozen=True)
class KeyFigure:
    value: str
    label: str
    detail: str = ""


def public_key_figures(figures: KeyFigures) -> list[KeyFigure]:
    """What the synthesis report opens with: audience, accounts, contributions, answers."""
    published = KeyFigure(
        number_fr(figures.published), "contributions publiées", _channels(figures)
    )
    return [*_audience(figures), published, _answered(figures)]


def staff_key_figures(figures: KeyFigures) -> list[KeyFigure]:
    """All contributions in the filters, whatever their state, and what only the team sees."""
    return [
        *_audience(figures),
        KeyFigure(number_fr(figures.contributions), "contributions reçues", _channels(figures)),
        _answered(figures),
        KeyFigure(number_fr(figures.published), "publiées"),
        KeyFigure(number_fr(figures.pending), "en attente de modération"),
        KeyFigure(number_fr(figures.rejected), "refusées"),
        KeyFigure(number_fr(figures.hidden), "masquées"),
        KeyFigure(number_fr(figures.duplicate_groups), "groupes de contributions similaires"),
    ]


def _audience(figures: KeyFigures) -> list[KeyFigure]:
    news = f"dont {number_fr(figures.accounts_news)} abonnés aux actualités"
    return [
        KeyFigure(number_fr(figures.visitors), "visiteurs uniques"),
        KeyFigure(number_fr(figures.accounts), "comptes créés", news),
        KeyFigure(number_fr(figures.contributors), "contributeurs et contributrices"),
    ]


def _answered(figures: KeyFigures) -> KeyFigure:
    detail = f"{number_fr(figures.answered)} sur {number_fr(figures.contributions)}"
    return KeyFigure(percent_fr(figures.answered_share), "ont reçu une réponse publiée", detail)


def _channels(figures: KeyFigures) -> str:
    return f"{number_fr(figures.web)} en ligne, {number_fr(figures.email)} par courriel"


def channel_chart(
    chart_id: str, title: str, header: str, splits: Sequence[ChannelSplit], stacked: bool = True
) -> Chart:
    """Bars per row (chapter, profile…), online and by email."""
    rows = [(split.label, (split.web, split.email)) for split in splits]
    table = _channel_table(title, header, rows)
    return bar_chart(chart_id, title, rows, CHANNEL_SERIES, table, stacked=stacked)


def _channel_table(caption: str, header: str, rows) -> Table:
    body = tuple((label, *map(number_fr, values), number_fr(sum(values))) for label, values in rows)
    web, email = (sum(values[index] for _, values in rows) for index in (0, 1))
    total = ("Total", number_fr(web), number_fr(email), number_fr(web + email))
    return Table(caption, (header, *CHANNEL_SERIES, "Total"), body, total)


def shares_chart(
    chart_id: str, title: str, header: str, unit: str, shares: Sequence[Share]
) -> Chart:
    """One bar per item (profile, disposition, theme…), with its share of the whole in the table."""
    rows = [(share.label, (share.count,)) for share in shares]
    return bar_chart(chart_id, title, rows, (unit,), shares_table(title, header, unit, shares))


def shares_table(caption: str, header: str, unit: str, shares: Sequence[Share]) -> Table:
    whole = sum(share.count for share in shares)
    body = tuple(
        (share.label, number_fr(share.count), percent_fr(share_of(share.count, whole)))
        for share in shares
    )
    total = ("Total", number_fr(whole), percent_fr(1.0 if whole else 0.0))
    return Table(caption, (header, unit.capitalize(), "Part"), body, total)


def channel_share_chart(chart_id: str, title: str, web: int, email: int) -> Chart:
    """Online against email, as parts of one bar."""
    parts = list(zip(CHANNEL_SERIES, (web, email), strict=True))
    body = tuple(
        (label, number_fr(count), percent_fr(share_of(count, web + email)))
        for label, count in parts
    )
    total = ("Total", number_fr(web + email), percent_fr(1.0 if web + email else 0.0))
    table = Table(title, ("Canal", "Contributions", "Part"), body, total)
    return share_bar(chart_id, title, parts, table)


def timeline_chart(chart_id: str, title: str, weeks: Sequence[WeekCount]) -> Chart:
    """Contributions per week, online and by email, stacked."""
    rows = [(week.week, (week.web, week.email)) for week in weeks]
    body = tuple(
        (f"Semaine du {monday:%d/%m/%Y}", *map(number_fr, values), number_fr(sum(values)))
        for monday, values in rows
    )
    web, email = (sum(values[index] for _, values in rows) for index in (0, 1))
    total = ("Total", number_fr(web), number_fr(email), number_fr(web + email))
    table = Table(title, ("Semaine", *CHANNEL_SERIES, "Total"), body, total)
    return week_chart(chart_id, title, rows, CHANNEL_SERIES, table)
