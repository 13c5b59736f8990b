"""The synthesis workbook: key figures, every contribution with its answer, tables and charts.

Written with openpyxl in write-only mode: each sheet streams to a temporary file, and the
contributions come from a streamed query, so memory stays flat whatever their number. The
archive is written with ZIP64 when a sheet passes 4 GB (see `_check_zip64`). The file appears
at its path only once complete: a failure leaves no partial file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from openpyxl import Workbook

from consultation.publication.models import Consultation
from consultation.statistics import workbook_contributions, workbook_sheets
from consultation.statistics.workbook_contributions import contribution_count

#: progress(done, total) is called after every batch of this many rows (and at the end).
PROGRESS_EVERY = workbook_contributions.BATCH_SIZE

ProgressCallback = Callable[[int, int], None]


def write_workbook(
    consultation: Consultation, path: Path, progress: ProgressCallback | None = None
) -> int:
    """Write the .xlsx at `path`; returns the number of contribution rows written.

    The file is written next to `path` under a temporary name, then renamed: readers never see
    half a workbook, and an error leaves nothing. Raises OSError when the folder is unwritable.
    """
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=".classeur-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        row_count = _write(consultation, temporary, progress or _silent)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return row_count


def _write(consultation: Consultation, path: Path, progress: ProgressCallback) -> int:
    total = contribution_count(consultation)
    workbook = Workbook(write_only=True)
    try:
        workbook_sheets.write_key_figures(workbook, consultation)
        row_count = workbook_contributions.write_contributions(
            workbook, consultation, lambda done: progress(done, total)
        )
        workbook_sheets.write_tables(workbook, consultation)
    except BaseException:
        _discard(workbook, path)
        raise
    workbook.save(path)
    return row_count


def _discard(workbook: Workbook, path: Path) -> None:
    """Close the sheets of a failed workbook, whose rows wait in temporary files.

    Saving is what closes and removes them (the caller then deletes `path`); a long-lived worker
    would otherwise keep them on disk until it exits.
    """
    with suppress(Exception):
        workbook.save(path)


def _silent(done: int, total: int) -> None:
    """No one is watching (a command run without progress)."""
