"""`flask audience purge`: raw visitor rows older than 25 months go, the daily counts stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from consultation.extensions import db
from consultation.statistics.models import AudienceDay, AudienceVisit, AudienceVisitor
from tests.conftest import START


def visit(app, clock, consultation, days_ago: int) -> None:
    """A new browser reads the consultation page that day."""
    clock.set(START - timedelta(days=days_ago))
    assert app.test_client().get(f"/consultations/{consultation.slug}").status_code == 200


def raw_days() -> tuple[list, list]:
    first_days = db.session.scalars(select(AudienceVisitor.first_day).order_by("first_day"))
    visit_days = db.session.scalars(select(AudienceVisit.day).order_by("day"))
    return list(first_days), list(visit_days)


def test_purge_deletes_only_raw_rows_older_than_25_months_and_keeps_the_counts(
    app, cli, clock, make_consultation
):
    consultation = make_consultation(opens_in=timedelta(days=-900))
    for days_ago in (800, 761, 760, 100):
        visit(app, clock, consultation, days_ago)
    clock.set(START)

    result = cli.invoke(args=["audience", "purge"])

    kept = [(START - timedelta(days=days)).date() for days in (760, 100)]
    assert result.exit_code == 0, result.output
    assert "2 visiteur(s) et 2 visite(s)" in result.output
    assert raw_days() == (kept, kept)
    assert db.session.scalar(select(func.sum(AudienceDay.new_visitors))) == 4
    assert db.session.scalar(select(func.count()).select_from(AudienceDay)) == 4


def test_purge_twice_deletes_nothing_more(app, cli, clock, make_consultation):
    consultation = make_consultation(opens_in=timedelta(days=-900))
    visit(app, clock, consultation, 800)
    clock.set(START)

    first = cli.invoke(args=["audience", "purge"])
    second = cli.invoke(args=["audience", "purge"])

    assert "1 visiteur(s) et 1 visite(s)" in first.output
    assert "0 visiteur(s) et 0 visite(s)" in second.output
    assert raw_days() == ([], [])


def test_the_retention_is_configurable(app, cli, clock, make_consultation, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIENCE_RAW_RETENTION_DAYS", 30)
    consultation = make_consultation(opens_in=timedelta(days=-900))
    for days_ago in (31, 30):
        visit(app, clock, consultation, days_ago)
    clock.set(START)

    cli.invoke(args=["audience", "purge"])

    kept = [(START - timedelta(days=30)).date()]
    assert raw_days() == (kept, kept)
