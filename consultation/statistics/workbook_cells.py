"""Cells and sheet layout shared by every sheet of the synthesis workbook (write-only mode).

Every string that comes from a person (a contribution, a name, a theme) is written as a text cell:
a value starting with "=" would otherwise be stored as a formula and run in the analyst's Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from consultation.core.dates import to_paris

#: Excel refuses a longer text in a cell; a longer contribution is cut and says so.
CELL_MAX_LENGTH = 32_767
CUT_MARK = " […] (texte tronqué : une cellule Excel contient au plus 32 767 caractères)"
DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0 %"
#: What openpyxl would store as a formula ("=…") or an error value ("#N/A"…), not as text.
FORMULA_STARTS = ("=", "#")
#: Names of the workbook's cell styles (named styles: one lookup per cell, no hashing).
LONG_TEXT, DATE_TIME, DAY, PERCENT, HEADER = (
    "Texte long", "Date et heure", "Date", "Pourcentage", "En-tête",
)  # fmt: skip


def add_styles(workbook) -> None:
    """The workbook's cell styles, added before any cell uses them."""
    top, wrapped = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
    styles = (
        NamedStyle(LONG_TEXT, alignment=wrapped),
        NamedStyle(DATE_TIME, number_format=DATE_TIME_FORMAT, alignment=top),
        NamedStyle(DAY, number_format=DATE_FORMAT),
        NamedStyle(PERCENT, number_format=PERCENT_FORMAT),
        NamedStyle(HEADER, font=Font(bold=True), alignment=wrapped,
                   fill=PatternFill("solid", fgColor="DDE5F4")),
    )  # fmt: skip
    for style in styles:
        workbook.add_named_style(style)


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its French header and its width in characters."""

    header: str
    width: int


def clean_text(value: str) -> str:
    """The text without the control characters XML forbids, cut to what a cell can hold."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > CELL_MAX_LENGTH:
        value = value[: CELL_MAX_LENGTH - len(CUT_MARK)] + CUT_MARK
    return value


def text_cell(sheet, value: str | None, style: str | None = None) -> WriteOnlyCell | str | None:
    """The value as text whatever it starts with ("=", "+", "-", "@", "#N/A"…).

    A plain string where openpyxl writes it as text anyway (most of them: a cell object per
    value would double the time of a million rows), a cell forced to text otherwise.
    """
    text = clean_text(value) if value else None
    if style is None and (text is None or not text.startswith(FORMULA_STARTS)):
        return text
    cell = WriteOnlyCell(sheet)
    if text:
        cell.value = text
        cell.data_type = "s"
    if style is not None:
        cell.style = style
    return cell


def date_time_cell(sheet, moment: datetime | None) -> WriteOnlyCell:
    """A moment as a real Excel date, in Paris time, shown as 03/03/2026 14:05."""
    cell = WriteOnlyCell(sheet, value=to_paris(moment).replace(tzinfo=None) if moment else None)
    cell.style = DATE_TIME
    return cell


def date_cell(sheet, day: date | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=day)
    cell.style = DAY
    return cell


def percent_cell(sheet, share: float) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=share)
    cell.style = PERCENT
    return cell


def header_cells(sheet, headers: Iterable[str]) -> list[WriteOnlyCell]:
    return [text_cell(sheet, header, HEADER) for header in headers]


def lay_out(sheet, columns: Sequence[Column]) -> None:
    """Widths, and the header row frozen: to call before the first row is written."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def add_filter(sheet, column_count: int, row_count: int) -> None:
    """An autofilter over the header and the rows written (set before the sheet is closed)."""
    last = get_column_letter(column_count)
    sheet.auto_filter.ref = f"A1:{last}{row_count + 1}"
