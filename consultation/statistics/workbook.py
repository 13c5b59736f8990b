"""The synthesis workbook: key figures, every contribution with its answer, tables and charts.

Written with openpyxl in write-only mode: each sheet streams to a temporary file, and the
contributions come from a streamed query, so memory stays flat whatever their number. The
archive is written with ZIP64 when a sheet passes 4 GB (see `save`). The file appears
at its path only once complete: a failure leaves no partial file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from consultation.core.clock import now
from consultation.publication.models import Consultation
from consultation.statistics import workbook_contributions, workbook_sheets
from consultation.statistics.workbook_cells import add_styles
from consultation.statistics.workbook_contributions import contribution_count

#: progress(done, total) is called after every batch of this many rows (and at the end).
PROGRESS_EVERY = workbook_contributions.BATCH_SIZE

#: zlib level of the archive: 1 is the fastest.
COMPRESSION = 1

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
    add_styles(workbook)
    try:
        workbook_sheets.write_key_figures(workbook, consultation)
        row_count = workbook_contributions.write_contributions(
            workbook, consultation, lambda done: progress(done, total)
        )
        workbook_sheets.write_tables(workbook, consultation)
    except BaseException:
        _discard(workbook, path)
        raise
    save(workbook, path)
    return row_count


def save(workbook: Workbook, path: Path) -> None:
    """Write the archive as openpyxl's own save does, with ZIP64 allowed and faster compression.

    openpyxl copies each write-only sheet into the archive from its temporary file with
    `ZipFile.write`, which takes the file's size first and writes ZIP64 records for an entry
    of 4 GB or more (a million long contributions); `allowZip64` lets the central directory
    pass 4 GB too. Level 1 deflates the sheets several times faster than the default level 6,
    for a file about a fifth larger.
    """
    workbook.properties.modified = now().replace(tzinfo=None)
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESSION) as archive:
        ExcelWriter(workbook, archive).save()


def _discard(workbook: Workbook, path: Path) -> None:
    """Close the sheets of a failed workbook, whose rows wait in temporary files.

    Saving is what closes and removes them (the caller then deletes `path`); a long-lived worker
    would otherwise keep them on disk until it exits.
    """
    with suppress(Exception):
        save(workbook, path)


def _silent(done: int, total: int) -> None:
    """No one is watching (a command run without progress)."""
