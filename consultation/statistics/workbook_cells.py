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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from consultation.core.dates import to_paris

#: Excel refuses a longer text in a cell; a longer contribution is cut and says so.
CELL_MAX_LENGTH = 32_767
CUT_MARK = " […] (texte tronqué : une cellule Excel contient au plus 32 767 caractères)"
DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0 %"
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F4")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its French header, its width in characters, whether it wraps."""

    header: str
    width: int
    is_wrapped: bool = False


def clean_text(value: str) -> str:
    """The text without the control characters XML forbids, cut to what a cell can hold."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > CELL_MAX_LENGTH:
        value = value[: CELL_MAX_LENGTH - len(CUT_MARK)] + CUT_MARK
    return value


def text_cell(sheet, value: str | None, alignment: Alignment | None = None) -> WriteOnlyCell:
    """A cell that holds text whatever it starts with ("=", "+", "-", "@", "#N/A"…)."""
    cell = WriteOnlyCell(sheet)
    if value:
        cell.value = clean_text(value)
        cell.data_type = "s"
    if alignment is not None:
        cell.alignment = alignment
    return cell


def date_time_cell(sheet, moment: datetime | None) -> WriteOnlyCell:
    """A moment as a real Excel date, in Paris time, shown as 03/03/2026 14:05."""
    cell = WriteOnlyCell(sheet, value=to_paris(moment).replace(tzinfo=None) if moment else None)
    cell.number_format = DATE_TIME_FORMAT
    cell.alignment = TOP
    return cell


def date_cell(sheet, day: date | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=day)
    cell.number_format = DATE_FORMAT
    return cell


def percent_cell(sheet, share: float) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=share)
    cell.number_format = PERCENT_FORMAT
    return cell


def header_cells(sheet, headers: Iterable[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = text_cell(sheet, header, WRAPPED)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    return cells


def lay_out(sheet, columns: Sequence[Column]) -> None:
    """Widths, and the header row frozen: to call before the first row is written."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def add_filter(sheet, column_count: int, row_count: int) -> None:
    """An autofilter over the header and the rows written (set before the sheet is closed)."""
    last = get_column_letter(column_count)
    sheet.auto_filter.ref = f"A1:{last}{row_count + 1}"
