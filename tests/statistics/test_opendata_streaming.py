"""The open-data files are written batch by batch: memory does not grow with the rows."""

from __future__ import annotations

import tracemalloc

import pytest
from sqlalchemy import insert

from consultation.contributions.models import Channel, Contribution, Status
from consultation.core.clock import now
from consultation.extensions import db
from consultation.statistics import opendata
from tests.statistics.opendata_scenario import read_csv

BODY = "Une contribution assez longue pour que la mémoire se voie si on la garde. " * 20


def add_published(chapter, author, start: int, stop: int) -> None:
    """Rows inserted in one statement: the factories would take minutes for thousands."""
    rows = [
        {
            "reference": f"{chapter.consultation.reference_prefix}-{number:06d}",
            "consultation_id": chapter.consultation_id,
            "chapter_id": chapter.id,
            "chapter_version_id": chapter.consultation_version.id,
            "author_id": author.id,
            "channel": Channel.WEB,
            "author_label": author.public_name,
            "body": BODY,
            "status": Status.PUBLISHED,
            "submitted_at": now(),
            "published_at": now(),
        }
        for number in range(start, stop)
    ]
    db.session.execute(insert(Contribution), rows)


def peak_bytes(consultation, file_format: str, path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = opendata.write_file(consultation, file_format, path)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_four_times_the_rows_take_no_more_memory(
    make_chapter, make_user, monkeypatch, tmp_path, file_format
):
    monkeypatch.setattr(opendata, "BATCH_SIZE", 100)
    chapter, author = make_chapter(), make_user()
    add_published(chapter, author, 0, 300)
    small_count, small_peak = peak_bytes(chapter.consultation, file_format, tmp_path / "a")
    add_published(chapter, author, 300, 1200)

    count, peak = peak_bytes(chapter.consultation, file_format, tmp_path / "b")

    assert (small_count, count) == (300, 1200)
    # Holding the rows would take four times the memory (1.5 MB more at least).
    assert peak < small_peak * 1.5, (small_peak, peak)
    assert (tmp_path / "b").stat().st_size > len(BODY) * 1200


def test_every_batch_is_written_in_order(make_chapter, make_user, monkeypatch, tmp_path):
    monkeypatch.setattr(opendata, "BATCH_SIZE", 7)
    chapter, author = make_chapter(), make_user()
    add_published(chapter, author, 0, 50)

    opendata.write_file(chapter.consultation, "csv", tmp_path / "c.csv")

    references = [row["reference"] for row in read_csv((tmp_path / "c.csv").read_bytes())]
    assert references == [f"{chapter.consultation.reference_prefix}-{n:06d}" for n in range(50)]
