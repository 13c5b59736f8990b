"""The figures read the tally when the scope allows it, the contributions otherwise, and both
give the same figures on the same data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete

from consultation.contributions.models import Channel
from consultation.extensions import db
from consultation.statistics import figures, figures_counts
from consultation.statistics.figures import Scope
from consultation.statistics.models import ContributionTally
from tests import factories
from tests.statistics import figures_scenario

FUNCTIONS = figures.EVERY_FIGURE


@pytest.fixture
def scenario(database, clock, monkeypatch):
    return figures_scenario.build(clock, monkeypatch)


def scopes(scenario) -> list[Scope]:
    consultation, chapters = scenario.consultation, scenario.chapters
    citizens = factories.profile("citoyen").id
    return [
        Scope(consultation),
        Scope(consultation, public=False),
        Scope(consultation, public=False, chapter_id=chapters[0].id),
        Scope(consultation, batch_id=scenario.batches[1]),
        Scope(consultation, public=False, profile_id=citizens),
        Scope(consultation, channel=Channel.EMAIL),
        Scope(consultation, public=False, channel=Channel.WEB, batch_id=scenario.batches[0]),
        # Periods: whole weeks from the tally and days at their ends from the rows.
        Scope(consultation, start=date(2026, 3, 1), end=date(2026, 3, 10)),
        Scope(consultation, public=False, start=date(2026, 3, 3)),
        Scope(consultation, public=False, end=date(2026, 3, 8)),
        Scope(consultation, start=date(2026, 3, 2), end=date(2026, 3, 15)),
        Scope(consultation, start=date(2026, 3, 10), end=date(2026, 3, 10)),
    ]


def everything(scope: Scope) -> list[object]:
    return [function(scope) for function in FUNCTIONS]


def test_the_tally_and_the_contributions_give_the_same_figures(scenario, monkeypatch):
    from_tally = [everything(scope) for scope in scopes(scenario)]
    monkeypatch.setattr(figures_counts, "uses_tally", lambda scope: False)

    live = [everything(scope) for scope in scopes(scenario)]

    assert live == from_tally
    assert from_tally[1][0].contributions == 11


def test_every_figure_answers_under_a_theme_and_a_period(scenario):
    theme = scenario.themes["Interopérabilité"].id
    cut = Scope(scenario.consultation, public=False, theme_id=theme, start=date(2026, 3, 1))

    figures_under_cut = everything(cut)

    assert figures_under_cut[0].contributions == 3
    assert sum(row.total for row in figures_under_cut[2]) == 3


def test_the_tally_answers_whole_weeks_and_the_rows_the_days_around_them(scenario):
    consultation = scenario.consultation
    table = ContributionTally.__table__
    db.session.execute(delete(table).where(table.c.consultation_id == consultation.id))

    def contributions(**cuts) -> int:
        return figures.key_figures(Scope(consultation, **cuts)).contributions

    theme = scenario.themes["Interopérabilité"].id
    assert contributions() == 0
    assert contributions(start=date(2026, 3, 2), end=date(2026, 3, 15)) == 0
    # Week of 2 March from the (emptied) tally; 1 March and 9–10 March from the rows.
    assert contributions(start=date(2026, 3, 1), end=date(2026, 3, 10)) == 1
    assert contributions(start=date(2026, 3, 3), end=date(2026, 3, 10)) == 1
    assert contributions(theme_id=theme) == 3
