"""The statistics bench, on a small bench database of its own (the builder empties it)."""

from __future__ import annotations

import pytest

from bench import dataset
from bench import statistics as bench_statistics


@pytest.fixture(scope="module")
def bench_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'statistics.sqlite3'}"
    dataset.build(url, published=90, authors=12)
    return url


def test_the_bench_recounts_then_times_every_figure_in_every_scope(bench_url, monkeypatch):
    monkeypatch.setattr(bench_statistics, "REPEAT", 3)

    measured = bench_statistics.measure("sqlite", bench_url)
    table = bench_statistics.describe(measured)

    names = [function.__name__ for function in bench_statistics.FUNCTIONS]
    assert measured.contributions == 100
    assert set(measured.timings) == {
        (name, scope) for name in names for scope in bench_statistics.SCOPES
    }
    assert all(0 < p50 <= p99 for p50, p99 in measured.timings.values())
    assert table[0].startswith("Statistics on sqlite at 100 contributions: recount")
    assert [line.split()[0] for line in table[3:-1]] == names
