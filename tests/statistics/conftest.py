"""Fixtures of the statistics tests: where export jobs write, and a writer standing in for the
workbook where a test is about the job rather than the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from consultation.statistics import jobs


@pytest.fixture
def exports_dir(app, tmp_path, monkeypatch) -> Path:
    """The exports folder of this test: nothing lands in the repository's exports/."""
    directory = tmp_path / "exports"
    monkeypatch.setitem(app.config, "EXPORTS_DIR", str(directory))
    return directory


class FakeWriter:
    """Writes a small file in steps, reporting progress; `fail_after` makes it break midway."""

    def __init__(self, rows: int = 5000, step: int = 2000) -> None:
        self.rows, self.step = rows, step
        self.fail_after: int | None = None
        self.calls: list[Path] = []
        self.on_progress = lambda done, total: None

    def __call__(self, consultation, path: Path, progress) -> int:
        self.calls.append(path)
        with path.open("wb") as output:
            for done in range(self.step, self.rows + self.step, self.step):
                output.write(b"x" * 100)
                if self.fail_after is not None and done > self.fail_after:
                    raise OSError(28, "No space left on device")
                progress(min(done, self.rows), self.rows)
                self.on_progress(min(done, self.rows), self.rows)
        return self.rows


@pytest.fixture
def fake_writer(monkeypatch) -> FakeWriter:
    writer = FakeWriter()
    monkeypatch.setitem(jobs.WRITERS, jobs.WORKBOOK, writer)
    return writer
