"""Filters of the moderation queue: each one, together, and values that are not offered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from consultation.contributions.models import Channel, Status, Theme
from consultation.extensions import db
from tests import factories
from tests.moderation.queue_pages import listed, references


def _queue(client, **args):
    return listed(client.get("/moderation/", query_string={"vue": "publiees", **args}))


def test_each_filter_keeps_only_its_contributions(
    client, login, make_batch, make_chapter, make_user
):
    first_batch = make_batch()
    consultation = first_batch.consultation
    second_batch = make_batch(consultation)
    chapter = make_chapter(first_batch)
    later = make_chapter(second_batch)
    institution = make_user(profile=factories.profile("institution"))
    by_institution = factories.make_contribution(chapter, author=institution)
    by_mail = factories.make_contribution(chapter, channel=Channel.EMAIL)
    on_later = factories.make_contribution(later)
    elsewhere = factories.make_contribution(make_chapter())
    theme = Theme(consultation=consultation, name="Sécurité")
    by_mail.themes.append(theme)
    db.session.flush()
    login(role="moderator")

    assert _queue(client, concertation=consultation.id) == references(
        by_institution, by_mail, on_later
    )
    assert _queue(client, lot=second_batch.id) == references(on_later)
    assert _queue(client, chapitre=later.id) == references(on_later)
    assert _queue(client, profil=factories.profile("institution").id) == references(by_institution)
    assert _queue(client, canal="email") == references(by_mail)
    assert _queue(client, theme=theme.id) == references(by_mail)
    assert elsewhere.reference in _queue(client)


def test_filters_add_up(client, login, make_chapter, make_user):
    chapter = make_chapter()
    institution = make_user(profile=factories.profile("institution"))
    wanted = factories.make_contribution(chapter, author=institution, channel=Channel.EMAIL)
    factories.make_contribution(chapter, author=institution)
    factories.make_contribution(chapter, channel=Channel.EMAIL)
    factories.make_contribution(make_chapter(), author=institution, channel=Channel.EMAIL)
    login(role="moderator")

    response = client.get(
        "/moderation/",
        query_string={
            "vue": "publiees",
            "concertation": chapter.consultation_id,
            "chapitre": chapter.id,
            "profil": factories.profile("institution").id,
            "canal": "email",
        },
    )

    assert listed(response) == [wanted.reference]
    assert "Publiées (1)" in response.text and "Sans réponse (1)" in response.text
    assert "1 contribution dans cette vue, correspondant aux filtres." in response.text


def test_dates_are_paris_days(client, clock, login, make_chapter):
    chapter = make_chapter()
    # 23:59 and 00:00 in Paris (UTC+1 in winter) on either side of midnight.
    clock.set(datetime(2026, 3, 1, 22, 59, tzinfo=UTC))
    late = factories.make_contribution(chapter)
    clock.set(datetime(2026, 3, 1, 23, 0, tzinfo=UTC))
    next_day = factories.make_contribution(chapter)
    login(role="moderator")

    assert _queue(client, du="2026-03-02") == references(next_day)
    assert _queue(client, au="2026-03-01") == references(late)
    assert _queue(client, du="2026-03-01", au="2026-03-02") == references(late, next_day)
    assert _queue(client, du="2026-03-03") == []


def test_the_tabs_and_the_next_page_keep_the_filters(client, login, make_chapter):
    chapter = make_chapter()
    factories.make_contribution(chapter)
    login(role="moderator")

    page = client.get(
        "/moderation/",
        query_string={"vue": "publiees", "chapitre": chapter.id, "q": "test", "du": "2026-03-01"},
    ).text

    assert f"vue=masquees&amp;chapitre={chapter.id}&amp;du=2026-03-01&amp;q=test" in page
    assert "Effacer les filtres" in page


def test_the_selects_offer_what_exists_and_keep_the_choice(client, login, make_chapter):
    chapter = make_chapter(title="Identité des usagers")
    db.session.add(Theme(consultation=chapter.consultation, name="Annuaire"))
    db.session.flush()
    login(role="moderator")

    page = client.get(
        "/moderation/", query_string={"concertation": chapter.consultation_id, "canal": "web"}
    ).text

    assert f'<option selected value="{chapter.consultation_id}">' in page
    assert f"Chapitre {chapter.number} — Identité des usagers" in page
    assert "Annuaire" in page
    assert '<option selected value="web">En ligne</option>' in page
    assert '<label class="fr-label" for="du">Déposée à partir du' in page


@pytest.mark.parametrize(
    "args",
    [
        {"chapitre": "abc"},
        {"lot": "99999999999999999999999"},
        {"profil": "-3"},
        {"canal": "pigeon"},
        {"theme": "0"},
        {"du": "2026-02-30"},
        {"au": "0001-01-01"},
        {"du": "9999-12-31"},
        {"groupe": "x"},
        {"apres": "hier"},
    ],
)
def test_values_that_are_not_offered_are_ignored(client, login, make_chapter, args):
    mine, theirs = (factories.make_contribution(make_chapter()) for _ in range(2))
    login(role="moderator")

    assert _queue(client, **args) == references(mine, theirs)


def test_a_chapter_of_another_consultation_is_ignored(client, login, make_chapter):
    chapter, other = make_chapter(), make_chapter()
    mine = factories.make_contribution(chapter)
    factories.make_contribution(other)
    login(role="moderator")

    assert _queue(client, concertation=chapter.consultation_id, chapitre=other.id) == [
        mine.reference
    ]


def test_an_unknown_view_shows_the_contributions_to_moderate(client, login, make_chapter):
    pending = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    assert listed(client.get("/moderation/?vue=toutes")) == [pending.reference]


def test_a_batch_offers_only_its_chapters(client, login, make_batch, make_chapter):
    first = make_batch()
    second = make_batch(first.consultation)
    in_first = make_chapter(first, title="Premier lot")
    make_chapter(second, title="Second lot")
    login(role="moderator")

    page = client.get("/moderation/", query_string={"lot": first.id}).text

    assert f"Chapitre {in_first.number} — Premier lot" in page
    assert "— Second lot" not in page.split('id="chapitre"')[1].split("</select>")[0]
