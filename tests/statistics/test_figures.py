"""The figures of a consultation whose truth the test knows (see figures_scenario)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from consultation.accounts.models import Profile
from consultation.contributions.models import Channel
from consultation.extensions import db
from consultation.statistics import figures
from consultation.statistics.figures import KeyFigures, Scope, Share
from tests import factories
from tests.statistics import figures_scenario
from tests.statistics.figures_scenario import ACCOUNTS, ACCOUNTS_NEWS


@pytest.fixture
def scenario(database, clock, monkeypatch):
    return figures_scenario.build(clock, monkeypatch)


def staff(scenario, **cuts) -> Scope:
    return Scope(scenario.consultation, public=False, **cuts)


def public(scenario, **cuts) -> Scope:
    return Scope(scenario.consultation, **cuts)


def profile_id(code: str) -> int:
    return factories.profile(code).id


def labels_in_profile_order() -> list[str]:
    query = select(Profile.label).where(Profile.is_active).order_by(Profile.position, Profile.id)
    return list(db.session.scalars(query))


def label(code: str) -> str:
    return factories.profile(code).label


def test_key_figures_for_staff_count_every_status(scenario):
    key = figures.key_figures(staff(scenario))

    assert key == KeyFigures(
        visitors=18,
        accounts=5,
        accounts_news=ACCOUNTS_NEWS,
        contributors=6,
        contributions=11,
        published=8,
        pending=1,
        rejected=1,
        hidden=1,
        web=7,
        email=4,
        answered=3,
        answered_share=3 / 11,
        duplicate_groups=2,
    )


def test_public_key_figures_count_published_contributions_only(scenario):
    key = figures.key_figures(public(scenario))

    assert (key.contributions, key.published, key.pending, key.rejected, key.hidden) == (
        8,
        8,
        0,
        0,
        0,
    )
    assert (key.web, key.email, key.contributors) == (4, 4, 5)
    assert (key.answered, key.answered_share, key.duplicate_groups) == (3, 3 / 8, 1)
    assert (key.visitors, key.accounts, key.accounts_news) == (18, 5, 2)


def test_accounts_by_profile_list_every_profile_in_order_zeros_kept(scenario):
    shares = figures.accounts_by_profile(public(scenario))

    assert [share.label for share in shares] == labels_in_profile_order()
    assert {share.label: share.count for share in shares if share.count} == {
        label(code): count for code, count in ACCOUNTS.items()
    }


def test_contributions_per_chapter_split_online_and_by_mail(scenario):
    rows = figures.by_chapter(public(scenario))
    everything = figures.by_chapter(staff(scenario))

    titles = [f"{chapter.number}. {chapter.title}" for chapter in scenario.chapters]
    assert [row.label for row in rows] == titles
    assert [(row.web, row.email) for row in rows] == [(3, 1), (0, 1), (1, 0), (0, 0), (0, 2)]
    assert [row.total for row in everything] == [4, 2, 2, 1, 2]


def test_contributions_per_profile_and_the_chapter_by_profile_matrix(scenario):
    rows = figures.by_profile(staff(scenario))
    matrix = figures.chapter_by_profile(public(scenario))

    assert [row.label for row in rows] == labels_in_profile_order()
    assert {row.label: (row.web, row.email) for row in rows if row.total} == {
        label("citoyen"): (4, 0),
        label("industriel"): (2, 0),
        label("etablissement"): (1, 0),
        label("usagers"): (0, 4),
    }
    assert matrix.columns == labels_in_profile_order()
    cells = {
        (row, column): matrix.counts[i][j]
        for i, row in enumerate(matrix.rows)
        for j, column in enumerate(matrix.columns)
        if matrix.counts[i][j]
    }
    first, second, third, _, fifth = matrix.rows
    assert cells == {
        (first, label("citoyen")): 3,
        (first, label("usagers")): 1,
        (second, label("usagers")): 1,
        (third, label("industriel")): 1,
        (fifth, label("usagers")): 2,
    }


def test_every_week_from_the_opening_to_today_is_listed_from_monday(scenario):
    weeks = figures.by_week(public(scenario))

    assert [(w.week, w.web, w.email) for w in weeks] == [
        (date(2026, 2, 23), 0, 0),
        (date(2026, 3, 2), 3, 4),
        (date(2026, 3, 9), 1, 0),
        (date(2026, 3, 16), 0, 0),
    ]


def test_sections_come_before_their_whole_chapter(scenario):
    shares = figures.by_section(public(scenario))

    first = f"1. {scenario.chapters[0].title} — chapitre entier"
    assert shares[:4] == [
        Share("1. Principes", 0),
        Share("1.1 Identification", 1),
        Share("2. Mise en œuvre", 0),
        Share(first, 3),
    ]
    assert [share.count for share in shares[4:8]] == [1, 0, 0, 0]
    assert [share.count for share in shares[8:12]] == [0, 0, 1, 0]
    assert shares[-1].count == 2
    assert len(shares) == 20


def test_dispositions_list_each_answer_kind_then_those_without_answer(scenario):
    shares = figures.by_disposition(public(scenario))

    assert [(share.label, share.count) for share in shares] == [
        ("Prise en compte", 2),
        ("Partiellement prise en compte", 0),
        ("Non retenue", 1),
        ("Hors périmètre", 0),
        ("Pour information", 0),
        ("Sans réponse", 5),
    ]


def test_themes_most_frequent_first_with_what_the_public_may_see(scenario):
    shown = figures.by_theme(public(scenario))
    everything = figures.by_theme(staff(scenario))

    assert shown == [
        Share("Interopérabilité", 3),
        Share("Accessibilité", 0),
        Share("Sécurité", 0),
    ]
    assert everything == [
        Share("Interopérabilité", 3),
        Share("Sécurité", 1),
        Share("Accessibilité", 0),
    ]


def test_mail_accounting_tells_what_became_of_every_message(scenario):
    shares = figures.mail_accounting(staff(scenario))

    assert [(share.label, share.count) for share in shares] == [
        ("Courriels reçus", 5),
        ("Courriels publiés", 3),
        ("Courriels refusés", 1),
        ("Courriels à trier", 1),
        ("Courriels en quarantaine", 0),
        ("Contributions publiées issues des courriels", 4),
    ]


def test_cuts_by_chapter_batch_profile_and_channel(scenario):
    chapter = scenario.chapters[0]

    on_chapter = figures.key_figures(public(scenario, chapter_id=chapter.id))
    second_batch = figures.by_chapter(staff(scenario, batch_id=scenario.batches[1]))
    citizens = figures.key_figures(public(scenario, profile_id=profile_id("citoyen")))
    by_mail = figures.key_figures(staff(scenario, channel=Channel.EMAIL))

    assert (on_chapter.contributions, on_chapter.web, on_chapter.email) == (4, 3, 1)
    assert (on_chapter.contributors, on_chapter.duplicate_groups) == (3, 1)
    assert [row.total for row in second_batch] == [1, 2]
    assert (citizens.contributions, citizens.accounts, citizens.contributors) == (3, 3, 2)
    assert (by_mail.contributions, by_mail.web, by_mail.contributors) == (4, 0, 2)


def test_cuts_by_theme_and_by_period(scenario):
    theme = scenario.themes["Interopérabilité"]
    march_tenth = date(2026, 3, 10)

    tagged = figures.by_chapter(public(scenario, theme_id=theme.id))
    that_day = figures.key_figures(public(scenario, start=march_tenth, end=march_tenth))
    weeks = figures.by_week(public(scenario, start=date(2026, 3, 9)))
    mail_then = figures.mail_accounting(staff(scenario, start=march_tenth))

    assert [(row.web, row.email) for row in tagged] == [(1, 0), (0, 0), (1, 0), (0, 0), (0, 1)]
    assert (that_day.contributions, that_day.web, that_day.visitors, that_day.accounts) == (
        1,
        1,
        3,
        0,
    )
    assert [(w.week, w.total) for w in weeks] == [(date(2026, 3, 9), 1), (date(2026, 3, 16), 0)]
    assert mail_then[0] == Share("Courriels reçus", 0)


def test_under_a_theme_the_themes_are_those_that_go_with_it(scenario):
    theme = scenario.themes["Interopérabilité"]

    together = figures.by_theme(staff(scenario, theme_id=theme.id))

    assert together[0] == Share("Interopérabilité", 3)
    assert {share.count for share in together[1:]} == {0}
