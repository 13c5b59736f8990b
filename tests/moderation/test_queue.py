"""The moderation queue: its views (tabs) and their counts, keyset pages, rows and access."""

from __future__ import annotations

import pytest
from flask import current_app, url_for

from consultation.contributions.models import Status
from consultation.extensions import db
from consultation.moderation import queue, queue_counts
from tests import factories
from tests.moderation.queue_pages import answer, listed, next_page, references, report


def _one_of_each(chapter, clock):
    """A contribution in each view, submitted a minute apart: pending, published, reported,
    answered, rejected, hidden."""
    made = {}
    for name, status in (
        ("pending", Status.PENDING),
        ("published", Status.PUBLISHED),
        ("reported", Status.PUBLISHED),
        ("answered", Status.PUBLISHED),
        ("rejected", Status.REJECTED),
        ("hidden", Status.HIDDEN),
    ):
        made[name] = factories.make_contribution(chapter, status=status, status_reason="spam")
        clock.advance(minutes=1)
    report(made["reported"])
    answer(made["answered"])
    return made


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("a-moderer", ["pending"]),
        ("signalees", ["reported"]),
        ("sans-reponse", ["published", "reported"]),
        ("publiees", ["published", "reported", "answered"]),
        ("refusees", ["rejected"]),
        ("masquees", ["hidden"]),
    ],
)
def test_each_view_lists_its_contributions_oldest_first(
    client, clock, login, make_chapter, view, expected
):
    made = _one_of_each(make_chapter(), clock)
    login(role="moderator")

    response = client.get("/moderation/", query_string={"vue": view})

    assert listed(response) == references(*(made[name] for name in expected))


def test_every_tab_shows_its_count_under_the_filters(client, clock, login, make_chapter):
    chapter = make_chapter()
    _one_of_each(chapter, clock)
    _one_of_each(make_chapter(), clock)
    login(role="moderator")

    everything = client.get("/moderation/").text
    one = client.get("/moderation/", query_string={"concertation": chapter.consultation.id}).text

    assert "À modérer (2)" in everything and "Sans réponse (4)" in everything
    for label in ("À modérer", "Signalées", "Refusées", "Masquées"):
        assert f"{label} (1)" in one
    assert "Sans réponse (2)" in one and "Publiées (3)" in one
    assert "1 contribution en attente, correspondant aux filtres." in one


def test_the_first_page_without_filters_says_how_many_wait(client, login, make_chapter):
    chapter = make_chapter()
    for _ in range(2):
        factories.make_contribution(chapter, status=Status.PENDING)
    login(role="moderator")

    page = client.get("/moderation/").text

    assert "2 contributions en attente." in page
    assert "Effacer les filtres" not in page


def test_a_resolved_report_or_a_draft_answer_leaves_the_contribution_where_it_was(
    client, clock, login, make_chapter
):
    chapter = make_chapter()
    resolved = factories.make_contribution(chapter)
    report(resolved, resolved=True)
    drafted = factories.make_contribution(chapter)
    answer(drafted, published=False)
    login(role="moderator")

    reported = client.get("/moderation/?vue=signalees")
    unanswered = client.get("/moderation/?vue=sans-reponse")

    assert listed(reported) == []
    assert listed(unanswered) == references(resolved, drafted)
    assert "Brouillon de réponse" in unanswered.text and "Reprendre le brouillon" in unanswered.text


def test_reported_contributions_come_by_their_oldest_open_report(
    client, clock, login, make_chapter
):
    chapter = make_chapter()
    first, second = (factories.make_contribution(chapter) for _ in range(2))
    report(second, key="a")
    clock.advance(hours=1)
    report(first, key="a")
    report(second, key="b")
    hidden = factories.make_contribution(chapter, status=Status.HIDDEN, status_reason="spam")
    report(hidden)
    login(role="moderator")

    response = client.get("/moderation/?vue=signalees")

    assert listed(response) == references(second, first)
    assert "2 signalements ouverts" in response.text and "1 signalement ouvert" in response.text


@pytest.mark.parametrize("view", ["a-moderer", "signalees", "sans-reponse", "refusees"])
def test_every_view_is_read_page_by_page_without_missing_or_repeating(
    client, clock, login, make_chapter, monkeypatch, view
):
    monkeypatch.setattr(queue, "PAGE_SIZE", 3)
    chapter = make_chapter()
    status = Status.REJECTED if view == "refusees" else Status.PUBLISHED
    status = Status.PENDING if view == "a-moderer" else status
    made = []
    for number in range(8):
        contribution = factories.make_contribution(chapter, status=status, status_reason="spam")
        made.append(contribution)
        if view == "signalees":
            report(contribution)
        # Two contributions at the same instant: the id breaks the tie.
        if number % 3:
            clock.advance(minutes=1)
    login(role="moderator")

    seen, address, pages = [], f"/moderation/?vue={view}", 0
    while address:
        response = client.get(address)
        seen.extend(listed(response))
        address, pages = next_page(response), pages + 1

    assert seen == references(*made)
    assert pages == 3
    assert "Retour au début" in response.text


def test_pages_keep_the_filters(client, clock, login, make_chapter, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    chapter, other = make_chapter(), make_chapter()
    kept = []
    for _ in range(5):
        kept.append(factories.make_contribution(chapter, status=Status.PENDING))
        factories.make_contribution(other, status=Status.PENDING)
        clock.advance(minutes=1)
    login(role="moderator")

    seen, address = [], f"/moderation/?concertation={chapter.consultation.id}"
    while address:
        response = client.get(address)
        seen.extend(listed(response))
        address = next_page(response)

    assert seen == references(*kept)


def test_a_malformed_or_foreign_cursor_shows_the_first_page(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")

    for cursor in ("n-importe-quoi", "2026-03-02T09:00:00~1", "9999-12-31T23:59:59-14:00~1"):
        response = client.get("/moderation/", query_string={"apres": cursor})

        assert listed(response) == [contribution.reference]


def test_a_row_shows_what_the_moderator_decides_on(client, login, make_chapter, make_user):
    from consultation.accounts.models import Profile
    from consultation.contributions.models import Theme

    chapter = make_chapter()
    author = make_user(organisation="Fédération des usagers")
    author.profile = db.session.query(Profile).filter_by(code="industriel").one()
    contribution = factories.make_contribution(
        chapter, author=author, status=Status.PUBLISHED, section_title="Identification",
        body="Le référentiel d’identité doit couvrir les mineurs. " * 20,
    )  # fmt: skip
    contribution.themes.append(Theme(consultation=chapter.consultation, name="Identité"))
    twin = factories.make_contribution(chapter, body=contribution.body)
    contribution.duplicate_group_id = twin.duplicate_group_id = contribution.id
    report(contribution)
    db.session.flush()
    login(role="moderator")

    page = client.get("/moderation/?vue=publiees").text

    for shown in (
        contribution.reference, "2 mars 2026", "Identification",
        "Fédération des usagers", "En ligne", contribution.author_label, "Identité", "Industriel,",
        "1 contribution similaire", "1 signalement ouvert", "Sans réponse", "Masquer", "Répondre",
    ):  # fmt: skip
        assert shown in page, shown
    assert page.count("Le référentiel d’identité") < 20
    assert _group_address(contribution.id) in page


def _group_address(group_id: int) -> str:
    """The similar-group page when the application has it, else the queue filtered by group."""
    if "moderation.similar_group" in current_app.view_functions:
        return url_for("moderation.similar_group", group_id=group_id, _external=False)
    return f"groupe={group_id}"


def test_the_similar_link_lists_the_group(client, login, make_chapter):
    chapter = make_chapter()
    first, second, alone = (factories.make_contribution(chapter) for _ in range(3))
    first.duplicate_group_id = second.duplicate_group_id = first.id
    db.session.flush()
    login(role="moderator")

    response = client.get(f"/moderation/?vue=publiees&groupe={first.id}")

    assert listed(response) == references(first, second)
    assert "groupe n° " in response.text and alone.reference not in response.text


def test_each_status_keeps_its_actions(client, clock, login, make_chapter):
    made = _one_of_each(make_chapter(), clock)
    login(role="moderator")

    pending = client.get("/moderation/").text
    hidden = client.get("/moderation/?vue=masquees").text
    rejected = client.get("/moderation/?vue=refusees").text

    assert f"/moderation/contributions/{made['pending'].id}/publier" in pending
    assert f"/moderation/contributions/{made['pending'].id}/refuser" in pending
    assert f"/moderation/contributions/{made['hidden'].id}/retablir" in hidden
    assert "Motif : Publicité ou spam" in rejected


def test_publishing_from_a_filtered_page_comes_back_to_it(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    login(role="moderator")
    back = f"/moderation/?vue=a-moderer&concertation={contribution.consultation_id}"

    response = client.post(
        f"/moderation/contributions/{contribution.id}/publier", data={"retour": back}
    )

    assert response.status_code == 302
    assert response.location.endswith(back)
    assert contribution.status == Status.PUBLISHED


def test_the_earlier_status_parameter_still_opens_its_view(client, login, make_chapter):
    hidden = factories.make_contribution(make_chapter(), status=Status.HIDDEN, status_reason="spam")
    login(role="moderator")

    response = client.get("/moderation/?statut=hidden")

    assert listed(response) == [hidden.reference]


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_read_the_queue(client, login, role):
    login(role=role)

    response = client.get("/moderation/?vue=signalees")

    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, database):
    response = client.get("/moderation/")

    assert response.status_code == 302
    assert "/connexion" in response.location


def _past_low_caps(chapter, monkeypatch):
    """Caps of 3 (view shown) and 2 (other tabs), and 4 pending and 3 refused contributions."""
    monkeypatch.setattr(queue_counts, "COUNT_CAP", 3)
    monkeypatch.setattr(queue_counts, "TAB_COUNT_CAP", 2)
    for _ in range(4):
        factories.make_contribution(chapter, status=Status.PENDING)
    for _ in range(3):
        factories.make_contribution(chapter, status=Status.REJECTED, status_reason="spam")
    return chapter


def test_counts_under_filters_the_tally_has_stop_at_their_cap_and_say_so(
    client, login, make_chapter, monkeypatch
):
    _past_low_caps(make_chapter(), monkeypatch)
    login(role="moderator")
    since = "?du=2026-03-01"

    pending = client.get(f"/moderation/{since}").text
    rejected = client.get(f"/moderation/{since}&vue=refusees").text

    assert "À modérer (plus de 3)" in pending and "Refusées (plus de 2)" in pending
    assert "Plus de 3 contributions en attente" in pending
    assert "Refusées (3)" in rejected and "À modérer (plus de 2)" in rejected
    assert "3 contributions dans cette vue" in rejected


def test_counts_the_tally_can_give_are_exact_past_any_cap(client, login, make_chapter, monkeypatch):
    chapter = _past_low_caps(make_chapter(), monkeypatch)
    login(role="moderator")

    page = client.get("/moderation/", query_string={"chapitre": chapter.id}).text

    assert "À modérer (4)" in page and "Refusées (3)" in page
    assert "4 contributions en attente" in page


def test_counts_read_the_same_in_one_statement_on_both_databases(clock, make_chapter, monkeypatch):
    made = _one_of_each(make_chapter(), clock)

    counts = queue_counts.counts(queue.QueueFilter(consultation_id=made["pending"].consultation_id))

    assert {view: count.value for view, count in counts.items()} == {
        queue.View.PENDING: 1,
        queue.View.REPORTED: 1,
        queue.View.UNANSWERED: 2,
        queue.View.PUBLISHED: 3,
        queue.View.REJECTED: 1,
        queue.View.HIDDEN: 1,
    }
    assert str(queue_counts.Count(12_345, cap=10_000)) == "plus de 10\u202f000"
    assert str(queue_counts.Count(9_999, cap=10_000)) == "9\u202f999"
    assert str(queue_counts.Count(12_345)) == "12\u202f345"
