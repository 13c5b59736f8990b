"""Searching the moderation queue, and addresses that must never break it."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultation.contributions.models import Status
from consultation.extensions import db
from consultation.moderation import queue_counts
from tests import factories
from tests.moderation.queue_pages import listed, references

PARAMETERS = (
    "vue", "statut", "concertation", "lot", "chapitre", "profil", "canal", "theme", "du", "au",
    "q", "groupe", "apres",
)  # fmt: skip


def _search(client, text: str, view: str = "publiees") -> list[str]:
    return listed(client.get("/moderation/", query_string={"vue": view, "q": text}))


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def test_french_stemming_finds_other_forms_of_a_word_on_postgresql(client, login, make_chapter):
    chapter = make_chapter()
    interoperable = factories.make_contribution(
        chapter, body="Les logiciels doivent rester interopérables entre régions."
    )
    hospitals = factories.make_contribution(chapter, body="Un avis sur l’hôpital de proximité.")
    factories.make_contribution(chapter, body="Rien à voir avec la question.")
    login(role="moderator")

    by_noun = _search(client, "interopérabilité")
    by_plural = _search(client, "hôpitaux")

    if _is_postgresql():
        # 'french' stems both words to 'interoper', and both hôpital and hôpitaux to 'hôpital'.
        assert by_noun == references(interoperable)
        assert by_plural == references(hospitals)
    else:
        # SQLite has no stemming: its FTS5 table finds words as typed or as their beginning.
        assert by_noun == by_plural == []
        assert _search(client, "interopérable") == references(interoperable)


def test_sqlite_reads_words_without_accents_and_by_their_beginning(client, login, make_chapter):
    chapter = make_chapter()
    wanted = factories.make_contribution(chapter, body="Les hôpitaux publics ; la télésanté.")
    factories.make_contribution(chapter, body="Un tout autre propos.")
    login(role="moderator")

    if _is_postgresql():
        assert _search(client, "hôpital") == references(wanted)  # stemming
        assert _search(client, "télésanté") == references(wanted)
    else:
        assert _search(client, "hopitaux") == references(wanted)
        assert _search(client, "télésant") == references(wanted)
    # FTS5 operators typed by a moderator are words like others: none of these is there.
    assert _search(client, 'hôpitaux NEAR("propos"') == []


def test_searching_a_few_words_needs_all_of_them(client, login, make_chapter):
    chapter = make_chapter()
    both = factories.make_contribution(chapter, body="Le consentement du patient au partage.")
    factories.make_contribution(chapter, body="Le consentement seul.")
    login(role="moderator")

    found = _search(client, "consentement partage" if _is_postgresql() else "patient au partage")

    assert found == references(both)


def test_sqlite_searches_text_without_regard_to_case(client, login, make_chapter):
    chapter = make_chapter()
    wanted = factories.make_contribution(chapter, body="Protéger les Mineurs en ligne.")
    factories.make_contribution(chapter, body="Autre sujet.")
    login(role="moderator")

    assert _search(client, "mineurs") == references(wanted)
    assert _search(client, "MINEURS") == references(wanted)


def test_the_search_finds_a_reference_an_author_or_an_organisation(
    client, login, make_chapter, make_user
):
    chapter = make_chapter()
    federation = make_user(organisation="Fédération hospitalière régionale")
    by_federation = factories.make_contribution(chapter, author=federation)
    by_label = factories.make_contribution(chapter, author_label="Collectif Santé Ouest")
    by_reference = factories.make_contribution(chapter)
    login(role="moderator")

    assert _search(client, "hospitalière") == references(by_federation)
    assert _search(client, "collectif") == references(by_label)
    assert _search(client, by_reference.reference.lower()) == references(by_reference)


def test_wildcards_typed_in_a_search_are_plain_characters(client, login, make_chapter):
    chapter = make_chapter()
    percent = factories.make_contribution(chapter, author_label="Réseau 100%_santé")
    factories.make_contribution(chapter, author_label="Réseau 1000 santé")
    login(role="moderator")

    assert _search(client, "100%_") == references(percent)
    assert _search(client, "%") == references(percent)


def test_a_search_counts_in_every_view_and_keeps_the_view(client, login, make_chapter):
    chapter = make_chapter()
    pending = factories.make_contribution(
        chapter, status=Status.PENDING, body="La messagerie sécurisée."
    )
    published = factories.make_contribution(chapter, body="La messagerie sécurisée aussi.")
    factories.make_contribution(chapter, status=Status.PENDING, body="Autre chose.")
    login(role="moderator")

    response = client.get("/moderation/", query_string={"q": "messagerie"})

    assert listed(response) == references(pending)
    assert "À modérer (1)" in response.text and "Publiées (1)" in response.text
    assert _search(client, "messagerie") == references(published)


def test_with_a_search_every_count_stops_at_the_tab_cap(client, login, make_chapter, monkeypatch):
    monkeypatch.setattr(queue_counts, "TAB_COUNT_CAP", 2)
    chapter = make_chapter()
    for _ in range(3):
        factories.make_contribution(chapter, status=Status.PENDING, body="Le dossier partagé.")
    login(role="moderator")

    searched = client.get("/moderation/", query_string={"q": "dossier"}).text
    plain = client.get("/moderation/").text

    assert "À modérer (plus de 2)" in searched
    assert "Plus de 2 contributions en attente, correspondant aux filtres." in searched
    assert "À modérer (3)" in plain


@pytest.mark.parametrize("text", ["le la les", "   ", '"""', "!&|():*", "\x00 santé", "a" * 5000])
def test_odd_searches_answer_a_page(client, login, make_chapter, text):
    factories.make_contribution(make_chapter(), body="La santé numérique.")
    login(role="moderator")

    response = client.get("/moderation/", query_string={"vue": "publiees", "q": text})

    assert response.status_code == 200


query_values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
    st.sampled_from(
        ["", "a-moderer", "signalees", "web", "email", "2026-03-02", "9999-12-31", "%", "\x00"]
    ),
    st.datetimes().map(lambda moment: f"{moment.isoformat()}+14:00~{moment.microsecond}"),
)
query_strings = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(PARAMETERS), st.text(string.ascii_lowercase, max_size=8)),
        query_values,
    ),
    max_size=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=query_strings)
def test_no_address_breaks_the_queue(client, login_once, pairs):
    response = client.get("/moderation/", query_string=pairs)

    assert response.status_code == 200, (pairs, response.status_code)


@pytest.fixture
def login_once(login, make_chapter):
    """One moderator and a few contributions for every example of the property test."""
    chapter = make_chapter()
    factories.make_contribution(chapter, status=Status.PENDING)
    factories.make_contribution(chapter, duplicate_group_id=None)
    return login(role="moderator")
