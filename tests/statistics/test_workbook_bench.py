"""The export bench of `make bench`, at a few dozen contributions instead of a million.

It empties the database it is given: a SQLite file of its own, whichever backend the suite runs.
"""

from __future__ import annotations

from bench import export


def test_the_export_bench_measures_both_writers_at_each_size_and_reads_the_largest_back(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'export.sqlite3'}"

    measured, read_back = export.measure(database_url, tmp_path, sizes=(40, 25))

    assert [item.size for item in measured] == [25, 40]
    for item in measured:
        assert item.grown.rows == item.workbook.rows == item.bare.rows == item.size
        assert item.workbook.peak_rss_mib > 0 and item.bare.peak_rss_mib > 0
    assert read_back.sheet_rows["Contributions"] == 41  # the header and every contribution
    assert read_back.sheet_rows["Chiffres clés"] > 10
    assert not read_back.is_zip64  # a few kilobytes: no ZIP64 records needed
    assert list(tmp_path.glob("*.xlsx")) == []
    table = export.render("sqlite", measured, read_back)
    assert [line.split()[2] for line in table[1:5]] == ["write_workbook", "bare"] * 2
    assert "every contribution there" in table[-1]
