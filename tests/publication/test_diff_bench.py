"""The differences bench compares the 50,000-word chapter it claims, with each kind of change."""

from bench import diff as bench_diff
from consultation.publication.diff import compare_bodies


def test_the_bench_texts_hold_fifty_thousand_words_and_every_kind_of_change():
    old, new = bench_diff.chapter_versions()

    summary = compare_bodies(old, new).summary

    assert 50_000 <= len(old.split()) < 51_000
    assert (summary.added, summary.removed, summary.moved, summary.renamed) == (5, 5, 3, 5)
    assert summary.changed > 0 and summary.unchanged > 0


def test_the_bench_times_and_describes_its_runs():
    measured = bench_diff.measure(runs=1)

    line = bench_diff.describe(measured)[0]

    assert 0 < measured.p50_ms <= measured.max_ms and measured.peak_mib > 0
    assert line.startswith(f"Differences of a {measured.words:,}-word chapter")
