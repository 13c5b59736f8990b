"""Export bench: the synthesis workbook at 10,000, 100,000 and 1,000,000 long contributions.

At each size (`bench/export_dataset.py` grows one consultation), two runs, each in a process of
its own whose peak resident memory (VmHWM, read from /proc by the process itself at the end) is
reported: `write_workbook`, as `flask export workbook` and the background job call it, and
beside it a bare openpyxl write-only loop over the same rows (the same streamed query, the
values appended as they come: no styles, no text cells, no themes, no summary sheets), the
floor of what openpyxl costs. The largest workbook is then read back in another process:
its ZIP64 records checked, every sheet opened and its rows counted by openpyxl in read-only
(streaming) mode.

    python -m bench.export [DATABASE_URL] [--sizes 10000,100000]

Without DATABASE_URL, a SQLite file in a temporary folder. `BENCH_EXPORT_SIZES` sets the sizes
for `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from bench import export_dataset

ROOT = Path(__file__).resolve().parent.parent
#: The public site the workbook links each contribution to.
SITE = "https://concertation.sante.gouv.fr"
SIZES = (10_000, 100_000, 1_000_000)
#: A ZIP entry of this size or more needs ZIP64 records (4 GiB - 1).
ZIP64_LIMIT = (1 << 32) - 1


NOTE = (
    "Workbook export: at each size, `write_workbook` (what `flask export workbook` and the "
    "background job run) and, beside it, a bare openpyxl write-only loop appending the same "
    "streamed rows as they come (no styles, no text cells, no themes, no summary sheets, "
    "openpyxl's default compression), each in a process of its own; memory is that process's "
    "peak resident memory (VmHWM); bodies of 3,000 to 6,000 characters, so that the largest "
    "sheet passes 4 GB of XML at 1,000,000. BENCH_EXPORT_SIZES=10000,100000 leaves the "
    "million out (over an hour on two CPUs)."
)


@dataclass(frozen=True)
class Run:
    kind: str
    rows: int
    seconds: float
    peak_rss_mib: float
    file_bytes: int


@dataclass(frozen=True)
class ReadBack:
    sheet_rows: dict[str, int]
    seconds: float
    peak_rss_mib: float
    #: Uncompressed size of the largest sheet, and whether its entry carries ZIP64 records.
    largest_sheet_bytes: int
    is_zip64: bool


@dataclass(frozen=True)
class Measured:
    size: int
    grown: export_dataset.Grown
    workbook: Run
    bare: Run


def sizes_wanted() -> tuple[int, ...]:
    value = os.environ.get("BENCH_EXPORT_SIZES", "").strip()
    return tuple(int(size) for size in value.split(",")) if value else SIZES


def measure(database_url: str, folder: Path, sizes=SIZES) -> tuple[list[Measured], ReadBack]:
    """Grow the dataset to each size and export it both ways; read the largest file back."""
    export_dataset.prepare(database_url)
    measured, largest = [], None
    for size in sorted(sizes):
        print(f"Export bench: {size:,} contributions…", file=sys.stderr)
        grown = export_dataset.grow(database_url, size)
        workbook_path, bare_path = folder / f"classeur-{size}.xlsx", folder / f"brut-{size}.xlsx"
        workbook = _run_in_process("workbook", database_url, workbook_path)
        bare = _run_in_process("bare", database_url, bare_path)
        _tell(workbook, bare)
        bare_path.unlink()
        if largest is not None:
            largest.unlink()
        largest = workbook_path
        measured.append(Measured(size, grown, workbook, bare))
    read_back = _read_in_process(largest)
    largest.unlink()
    return measured, read_back


def _tell(*runs: Run) -> None:
    """Each run as it ends, on the error stream: a long bench that fails keeps what it did."""
    for run in runs:
        print(
            f"  {run.kind}: {run.rows:,} rows in {run.seconds:.1f} s, "
            f"peak RSS {run.peak_rss_mib:.0f} MiB, {run.file_bytes:,} bytes",
            file=sys.stderr,
        )


def _run_in_process(kind: str, database_url: str, path: Path) -> Run:
    return Run(**_child(kind, database_url, str(path)))


def _read_in_process(path: Path) -> ReadBack:
    return ReadBack(**_child("read", str(path)))


def _child(*arguments: str) -> dict:
    command = [sys.executable, "-m", "bench.export", "--child", *arguments]
    # Its errors go to the terminal: a failed export says why.
    output = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=os.environ, stdout=subprocess.PIPE, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _export(kind: str, database_url: str, out: str) -> dict:
    from consultation import create_app
    from consultation.extensions import db
    from consultation.publication.models import Consultation

    config = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url, "SITE_URL": SITE}
    with create_app(config).app_context():
        consultation = db.session.query(Consultation).filter_by(slug=export_dataset.SLUG).one()
        started = time.perf_counter()
        rows = _write(kind, consultation, Path(out))
        seconds = time.perf_counter() - started
        db.session.remove()
    return asdict(Run(kind, rows, seconds, _peak_rss_mib(), Path(out).stat().st_size))


def _write(kind: str, consultation, path: Path) -> int:
    from consultation.statistics.workbook import write_workbook

    if kind == "workbook":
        return write_workbook(consultation, path)
    return _bare_loop(consultation, path)


def _bare_loop(consultation, path: Path) -> int:
    """The same rows, appended as they come to a write-only sheet: openpyxl's own cost."""
    from openpyxl import Workbook

    from consultation.statistics.workbook_contributions import contribution_batches

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contributions")
    rows = 0
    for batch in contribution_batches(consultation):
        for row in batch:
            # Excel holds no time zone: the one conversion a bare loop cannot skip.
            sheet.append([_naive(value) for value in row])
        rows += len(batch)
    workbook.save(path)
    return rows


def _naive(value):
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def _read(path: str) -> dict:
    """Every sheet opened and its rows counted in read-only mode; the ZIP64 records checked."""
    from openpyxl import load_workbook

    started = time.perf_counter()
    with zipfile.ZipFile(path) as archive:
        largest = max(archive.infolist(), key=lambda info: info.file_size)
        is_zip64 = has_zip64_extra(largest)
    workbook = load_workbook(path, read_only=True)
    counts = {sheet.title: sum(1 for _ in sheet.iter_rows(max_col=1)) for sheet in workbook}
    workbook.close()
    seconds = time.perf_counter() - started
    return asdict(ReadBack(counts, seconds, _peak_rss_mib(), largest.file_size, is_zip64))


def has_zip64_extra(info: zipfile.ZipInfo) -> bool:
    """Whether the central directory entry carries a ZIP64 extra field (header id 0x0001)."""
    extra, position = info.extra, 0
    while position + 4 <= len(extra):
        header, size = (
            int.from_bytes(extra[position : position + 2], "little"),
            int.from_bytes(extra[position + 2 : position + 4], "little"),
        )
        if header == 1:
            return True
        position += 4 + size
    return False


def _peak_rss_mib() -> float:
    """VmHWM of this process: its peak resident memory since it started."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def render(database: str, measured: list[Measured], read_back: ReadBack) -> list[str]:
    """The table of the exports, then what the read-back found."""
    header = ("database", "contributions", "writer", "rows/s", "seconds", "peak RSS MiB", "file MB")
    lines = [header]
    for item in measured:
        for run in (item.workbook, item.bare):
            writer = "write_workbook" if run.kind == "workbook" else "bare openpyxl loop"
            lines.append((database, f"{item.size:,}", writer, f"{run.rows / run.seconds:,.0f}",
                          f"{run.seconds:.1f}", f"{run.peak_rss_mib:.0f}",
                          f"{run.file_bytes / 1e6:,.1f}"))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = ["  ".join(cell.rjust(w) if i > 2 else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
             for line in lines]  # fmt: skip
    return [*table, *_notes(database, measured, read_back)]


def _notes(database: str, measured: list[Measured], read_back: ReadBack) -> list[str]:
    largest = measured[-1]
    sheets = ", ".join(f"{title} {count:,}" for title, count in read_back.sheet_rows.items())
    contribution_rows = sum(
        count for title, count in read_back.sheet_rows.items() if title.startswith("Contrib")
    )
    complete = contribution_rows - 1 == largest.workbook.rows == largest.size
    growths = ", ".join(f"{item.size:,} at {item.grown.rows_per_second:,.0f} rows/s"
                        for item in measured)  # fmt: skip
    return [
        f"Export dataset on {database}: grown to {growths} (load, answers, themes, groups, tally).",
        f"Read back on {database}: the {largest.size:,}-contribution workbook, largest sheet "
        f"{read_back.largest_sheet_bytes / 2**30:.2f} GiB of XML, "
        f"{'with' if read_back.is_zip64 else 'WITHOUT'} ZIP64 records; rows per sheet "
        f"(headers included): {sheets} — "
        f"{'every contribution there' if complete else 'ROWS MISSING'}; "
        f"{read_back.seconds:.0f} s, peak RSS {read_back.peak_rss_mib:.0f} MiB.",
    ]


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        kind, *arguments = sys.argv[2:]
        result = _read(*arguments) if kind == "read" else _export(kind, *arguments)
        print(json.dumps(result))
        return
    arguments = sys.argv[1:]
    sizes = SIZES
    if "--sizes" in arguments:
        index = arguments.index("--sizes")
        sizes = tuple(int(size) for size in arguments[index + 1].split(","))
        del arguments[index : index + 2]
    with tempfile.TemporaryDirectory(prefix="concertation-export-") as folder:
        database_url = arguments[0] if arguments else f"sqlite:///{Path(folder) / 'export.sqlite3'}"
        database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        measured, read_back = measure(database_url, Path(folder), sizes)
        print("\n".join(render(database, measured, read_back)))


if __name__ == "__main__":
    main()
