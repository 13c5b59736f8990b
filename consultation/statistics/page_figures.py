"""What the public statistics page and the analysts' dashboard show, read from figures.py.

The public page gets the published figures; the dashboard the same ones over every state, plus
what only the team reads (sections, themes, mail, chapters × profiles).
"""

from __future__ import annotations

from dataclasses import dataclass

from consultation.statistics import figures
from consultation.statistics.charts import Chart, Table, number_fr
from consultation.statistics.figure_charts import (
    KeyFigure,
    channel_chart,
    channel_share_chart,
    public_key_figures,
    shares_chart,
    shares_table,
    staff_key_figures,
    timeline_chart,
)
from consultation.statistics.figures import Scope


@dataclass(frozen=True)
class PageFigures:
    key: list[KeyFigure]
    accounts: Chart
    chapters: Chart
    profiles: Chart
    channels: Chart
    weeks: Chart
    dispositions: Chart


@dataclass(frozen=True)
class StaffFigures(PageFigures):
    themes: Chart
    sections: Table
    matrix: Table
    mail: Table


def public_figures(scope: Scope) -> PageFigures:
    key = figures.key_figures(scope)
    return PageFigures(public_key_figures(key), **_charts(scope, key))


def staff_figures(scope: Scope) -> StaffFigures:
    key = figures.key_figures(scope)
    return StaffFigures(
        staff_key_figures(key),
        **_charts(scope, key),
        themes=shares_chart(
            "themes", "Contributions par thème", "Thème", "contributions", figures.by_theme(scope)
        ),
        sections=shares_table(
            "Contributions par section", "Section", "contributions", figures.by_section(scope)
        ),
        matrix=_matrix_table(figures.chapter_by_profile(scope)),
        mail=_mail_table(figures.mail_accounting(scope)),
    )


def _charts(scope: Scope, key: figures.KeyFigures) -> dict[str, Chart]:
    return {
        "accounts": shares_chart(
            "comptes",
            "Comptes créés par profil",
            "Profil",
            "comptes",
            figures.accounts_by_profile(scope),
        ),
        "chapters": channel_chart(
            "chapitres", "Contributions par chapitre", "Chapitre", figures.by_chapter(scope)
        ),
        "profiles": channel_chart(
            "profils", "Contributions par profil", "Profil", figures.by_profile(scope)
        ),
        "channels": channel_share_chart(
            "canaux", "Contributions en ligne et par courriel", key.web, key.email
        ),
        "weeks": timeline_chart("semaines", "Contributions par semaine", figures.by_week(scope)),
        "dispositions": shares_chart(
            "suites",
            "Suites données aux contributions",
            "Suite donnée",
            "contributions",
            figures.by_disposition(scope),
        ),
    }


def _matrix_table(matrix: figures.Matrix) -> Table:
    rows = tuple(
        (label, *map(number_fr, counts), number_fr(sum(counts)))
        for label, counts in zip(matrix.rows, matrix.counts, strict=True)
    )
    columns = [sum(row[index] for row in matrix.counts) for index in range(len(matrix.columns))]
    total = ("Total", *map(number_fr, columns), number_fr(sum(columns)))
    headers = ("Chapitre", *matrix.columns, "Total")
    return Table("Contributions par chapitre et par profil", headers, rows, total)


def _mail_table(shares: list[figures.Share]) -> Table:
    rows = tuple((share.label, number_fr(share.count)) for share in shares)
    return Table("Bilan des courriels reçus", ("Courriels", "Nombre"), rows)
