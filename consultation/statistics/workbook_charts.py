"""Native Excel charts of the summary sheets, drawn from the table beside them.

Each maker takes the sheet, its number of data rows and of columns (the table starts at A1 with
its header row) and anchors the chart to the right of the table, where it does not hide data.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter

from consultation.statistics.workbook_cells import DATE_FORMAT

ChartMaker = Callable[[object, int, int], None]
WIDTH_CM, HEIGHT_CM = 24, 12


def chapters(sheet, row_count: int, column_count: int) -> None:
    """Contributions per chapter, online and by mail stacked, one bar per chapter."""
    chart = _bars("Contributions par chapitre", "Contributions", horizontal=True)
    chart.grouping, chart.overlap = "stacked", 100
    _add_series(chart, sheet, row_count, first_column=2, last_column=3)
    _place(sheet, chart, column_count)


def profiles(sheet, row_count: int, column_count: int) -> None:
    """Accounts created per profile."""
    chart = _bars("Comptes créés par profil", "Comptes", horizontal=True)
    _add_series(chart, sheet, row_count, first_column=2, last_column=2)
    chart.legend = None
    _place(sheet, chart, column_count)


def weeks(sheet, row_count: int, column_count: int) -> None:
    """Contributions per week: online, by mail and in all."""
    chart = LineChart()
    chart.title, chart.y_axis.title = "Contributions par semaine", "Contributions"
    chart.x_axis.number_format = DATE_FORMAT
    _add_series(chart, sheet, row_count, first_column=2, last_column=4)
    for series in chart.series:
        series.smooth = False  # counts: a curve between weeks would invent values
    _place(sheet, chart, column_count)


def themes(sheet, row_count: int, column_count: int) -> None:
    chart = _bars("Contributions par thème", "Contributions", horizontal=True)
    _add_series(chart, sheet, row_count, first_column=2, last_column=2)
    chart.legend = None
    _place(sheet, chart, column_count)


def answers(sheet, row_count: int, column_count: int) -> None:
    chart = _bars("Suites données aux contributions", "Contributions", horizontal=False)
    _add_series(chart, sheet, row_count, first_column=2, last_column=2)
    chart.legend = None
    _place(sheet, chart, column_count)


def _bars(title: str, axis_title: str, horizontal: bool) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title, chart.y_axis.title = title, axis_title
    if horizontal:  # the first row of the table at the top, as it is read
        chart.x_axis.scaling.orientation = "maxMin"
    return chart


def _add_series(chart, sheet, row_count: int, first_column: int, last_column: int) -> None:
    """Series from the columns given (their header names them), categories from column A."""
    data = Reference(sheet, min_col=first_column, max_col=last_column, min_row=1,
                     max_row=row_count + 1)  # fmt: skip
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=row_count + 1))


def _place(sheet, chart, column_count: int) -> None:
    # openpyxl 3.1 leaves the axes' "delete" unset, which recent Excel reads as hidden axes.
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0"
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    sheet.add_chart(chart, f"{get_column_letter(column_count + 2)}2")
