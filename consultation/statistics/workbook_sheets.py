"""The summary sheets of the synthesis workbook: key figures and the tables a synthesis quotes.

Figures come from the figures API (`figures.py`) in the staff scope: every status counts, not
only what is published. Labels (chapter titles, profiles, themes) are written as text cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from consultation.core.clock import now
from consultation.publication.models import Consultation
from consultation.statistics import figures, workbook_charts
from consultation.statistics.figures import Scope
from consultation.statistics.workbook_cells import (
    Column,
    add_filter,
    date_cell,
    date_time_cell,
    header_cells,
    lay_out,
    percent_cell,
    text_cell,
)

KEY_FIGURES = "Chiffres clés"
SPLIT_HEADERS = ("En ligne", "Par courriel", "Total")


@dataclass(frozen=True)
class Table:
    """A summary sheet: its title, columns, rows of [label, numbers…], and its chart."""

    title: str
    columns: Sequence[Column]
    rows: list[list]
    chart: workbook_charts.ChartMaker | None = None


def staff_scope(consultation: Consultation) -> Scope:
    return Scope(consultation, public=False)


def write_key_figures(workbook, consultation: Consultation) -> None:
    """The first sheet: what the consultation was, and its figures in a few lines."""
    sheet = workbook.create_sheet(KEY_FIGURES)
    lay_out(sheet, (Column("Indicateur", 50), Column("Valeur", 40)))
    sheet.append(header_cells(sheet, ("Indicateur", "Valeur")))
    for label, value in _key_lines(sheet, consultation):
        sheet.append([text_cell(sheet, label), value])


def _key_lines(sheet, consultation: Consultation) -> Iterable[tuple[str, object]]:
    scope = staff_scope(consultation)
    key = figures.key_figures(scope)
    yield "Consultation", text_cell(sheet, consultation.title)
    yield "Ouverture", date_time_cell(sheet, consultation.opens_at)
    yield "Clôture", date_time_cell(sheet, consultation.closes_at)
    yield "Classeur produit le", date_time_cell(sheet, now())
    yield "Visiteurs uniques", key.visitors
    yield "Comptes créés", key.accounts
    for share in figures.accounts_by_profile(scope):
        yield f"  dont {share.label}", share.count
    yield "Comptes inscrits aux actualités", key.accounts_news
    yield "Contributeurs", key.contributors
    yield from _contribution_lines(sheet, key)
    for share in figures.mail_accounting(scope):
        yield share.label, share.count


def _contribution_lines(sheet, key: figures.KeyFigures) -> Iterable[tuple[str, object]]:
    yield "Contributions (tous statuts)", key.contributions
    yield "  dont en ligne", key.web
    yield "  dont reçues par courriel", key.email
    yield "  dont publiées", key.published
    yield "  dont en attente de modération", key.pending
    yield "  dont refusées", key.rejected
    yield "  dont masquées", key.hidden
    yield "Contributions ayant une réponse publiée", key.answered
    yield "Part des contributions ayant une réponse", percent_cell(sheet, key.answered_share)
    yield "Groupes de contributions quasi identiques", key.duplicate_groups


def write_tables(workbook, consultation: Consultation) -> None:
    """The sheets after the contributions, one per table, each with its chart if any."""
    scope = staff_scope(consultation)
    for table in _tables(scope):
        _write_table(workbook, table)


def _tables(scope: Scope) -> list[Table]:
    return [
        _by_chapter(scope),
        _by_section(scope),
        _by_profile(scope),
        _chapter_by_profile(scope),
        _by_week(scope),
        _shares("Thèmes", "Thème", figures.by_theme(scope), workbook_charts.themes),
        _shares("Réponses", "Disposition", figures.by_disposition(scope), workbook_charts.answers),
    ]


def _write_table(workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.title)
    lay_out(sheet, table.columns)
    sheet.append(header_cells(sheet, [column.header for column in table.columns]))
    for label, *numbers in table.rows:
        sheet.append([_label_cell(sheet, label), *numbers])
    add_filter(sheet, len(table.columns), len(table.rows))
    if table.chart is not None and table.rows:
        table.chart(sheet, len(table.rows), len(table.columns))


def _label_cell(sheet, label: str | date):
    return date_cell(sheet, label) if isinstance(label, date) else text_cell(sheet, label)


def _split_columns(first: str) -> list[Column]:
    return [Column(first, 50), *(Column(header, 14) for header in SPLIT_HEADERS)]


def _by_chapter(scope: Scope) -> Table:
    rows = [
        [split.label, split.web, split.email, split.total] for split in figures.by_chapter(scope)
    ]
    return Table("Par chapitre", _split_columns("Chapitre"), rows, workbook_charts.chapters)


def _by_section(scope: Scope) -> Table:
    rows = [[share.label, share.count] for share in figures.by_section(scope)]
    return Table("Par section", [Column("Section", 70), Column("Contributions", 14)], rows)


def _by_profile(scope: Scope) -> Table:
    """Accounts and contributions side by side, for every profile either one counts."""
    accounts = {share.label: share.count for share in figures.accounts_by_profile(scope)}
    splits = {split.label: split for split in figures.by_profile(scope)}
    labels = list(accounts) + [label for label in splits if label not in accounts]
    rows = []
    for label in labels:
        split = splits.get(label)
        web, email = (split.web, split.email) if split else (0, 0)
        rows.append([label, accounts.get(label, 0), web, email, web + email])
    columns = [Column("Profil", 50), Column("Comptes créés", 14), *_split_columns("")[1:]]
    return Table("Par profil", columns, rows, workbook_charts.profiles)


def _chapter_by_profile(scope: Scope) -> Table:
    matrix = figures.chapter_by_profile(scope)
    columns = [Column("Chapitre", 50), *(Column(label, 16) for label in matrix.columns)]
    rows = [
        [label, *counts, sum(counts)]
        for label, counts in zip(matrix.rows, matrix.counts, strict=True)
    ]
    return Table("Chapitre × profil", [*columns, Column("Total", 12)], rows)


def _by_week(scope: Scope) -> Table:
    rows = [[week.week, week.web, week.email, week.total] for week in figures.by_week(scope)]
    return Table("Chronologie", _split_columns("Semaine du"), rows, workbook_charts.weeks)


def _shares(title: str, first: str, shares, chart) -> Table:
    rows = [[share.label, share.count] for share in shares]
    return Table(title, [Column(first, 50), Column("Contributions", 14)], rows, chart)
