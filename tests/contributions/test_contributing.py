"""Contributing on a chapter or a section through the form, and every refusal of it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from consultation.contributions import services
from consultation.contributions.models import Contribution, Status
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.publication.models import ModerationMode

TEXT = "Les référentiels doivent rester ouverts aux éditeurs régionaux."


def contribute_url(chapter) -> str:
    return f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}/contribuer"


def form(**overrides) -> dict:
    return {"section": "", "body": TEXT, "submission_key": "a" * 32, **overrides}


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Contribution))


def test_each_section_offers_to_contribute_with_the_section_preselected(
    client, make_chapter, login
):
    chapter = make_chapter()
    login()

    page = client.get(f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}")
    form_page = client.get(contribute_url(chapter) + "?section=1-1")

    assert "Contribuer sur cette section" in page.text
    assert "Contribuer sur l’ensemble du chapitre" in page.text
    assert f'href="{contribute_url(chapter)}?section=1-1"' in page.text
    assert re.search(r'<option selected value="1-1">|<option value="1-1" selected', form_page.text)


def test_a_contribution_on_a_section_is_recorded_with_the_author_as_they_are_now(
    client, make_chapter, login
):
    chapter = make_chapter()
    author = login(organisation="Fédération régionale", show_name=True)

    response = client.post(contribute_url(chapter), data=form(section="1-1"))

    contribution = db.session.scalar(select(Contribution))
    assert response.status_code == 302
    assert contribution.section_anchor == "1-1"
    assert contribution.section_title == "1.1 Identification"
    assert contribution.author_label == author.display_name
    assert contribution.organisation == "Fédération régionale"
    assert contribution.profile.code == "citoyen"
    assert contribution.body == TEXT


def test_a_priori_a_contribution_waits_for_a_moderator_and_is_not_shown(
    client, make_chapter, login
):
    chapter = make_chapter()
    login()

    response = client.post(contribute_url(chapter), data=form(), follow_redirects=True)
    chapter_page = client.get(f"/consultations/{chapter.consultation.slug}/chapitres/1")

    contribution = db.session.scalar(select(Contribution))
    assert contribution.status == Status.PENDING
    assert contribution.published_at is None
    assert "sera publiée après modération" in response.text
    assert TEXT not in chapter_page.text


def test_a_posteriori_a_contribution_is_published_at_once_under_its_section(
    client, make_consultation, make_batch, make_chapter, login, clock
):
    consultation = make_consultation(moderation_mode=ModerationMode.A_POSTERIORI)
    chapter = make_chapter(batch=make_batch(consultation))
    login()

    response = client.post(contribute_url(chapter), data=form(section="2"))
    chapter_page = client.get(response.headers["Location"])

    contribution = db.session.scalar(select(Contribution))
    assert contribution.status == Status.PUBLISHED
    assert contribution.published_at == clock.now()
    assert response.headers["Location"].endswith("#contributions-2")
    section_two = chapter_page.text.split('id="contributions-2"')[1]
    assert TEXT in section_two
    assert "1 contribution sur cette section" in section_two


def test_references_follow_the_consultation_prefix_and_never_repeat(
    client, make_consultation, make_batch, make_chapter, login
):
    first = make_chapter(batch=make_batch(make_consultation(reference_prefix="DOCTRINE2026")))
    second = make_chapter(batch=make_batch(make_consultation(reference_prefix="DNS2025")))
    login()

    for key, chapter in (("k1", first), ("k2", first), ("k3", second)):
        client.post(contribute_url(chapter), data=form(submission_key=key))

    references = db.session.scalars(select(Contribution.reference).order_by(Contribution.id))
    assert list(references) == ["DOCTRINE2026-0001", "DOCTRINE2026-0002", "DNS2025-0001"]


def test_the_author_receives_a_receipt_with_the_reference(client, make_chapter, login):
    chapter = make_chapter()
    author = login()

    client.post(contribute_url(chapter), data=form())

    contribution = db.session.scalar(select(Contribution))
    mail = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "contribution_receipt")
    )
    assert mail.to_address == author.email
    assert contribution.reference in mail.subject
    assert f"http://concertation.test/contributions/{contribution.reference}" in mail.body_text


def test_contributing_to_a_closed_consultation_is_refused_and_keeps_the_text(
    client, make_consultation, make_batch, make_chapter, login, clock
):
    consultation = make_consultation(closes_in=timedelta(days=1))
    chapter = make_chapter(batch=make_batch(consultation))
    login()
    clock.advance(days=2)

    response = client.post(contribute_url(chapter), data=form())

    assert response.status_code == 409
    assert "La concertation est close depuis le" in response.text
    assert TEXT in response.text
    assert stored_count() == 0


def test_contributing_to_an_unpublished_chapter_is_refused_and_keeps_the_text(
    client, make_chapter, login
):
    chapter = make_chapter(publish_in=timedelta(days=5))
    login()

    form_page = client.get(contribute_url(chapter))
    response = client.post(contribute_url(chapter), data=form())

    assert form_page.status_code == 404
    assert response.status_code == 409
    assert "Ce chapitre n’est pas publié" in response.text
    assert chapter.title not in response.text
    assert TEXT in response.text
    assert stored_count() == 0


def test_contributing_on_a_section_that_does_not_exist_is_refused_and_keeps_the_text(
    client, make_chapter, login
):
    chapter = make_chapter()
    login()

    response = client.post(contribute_url(chapter), data=form(section="9-9"))

    assert response.status_code == 409
    assert "La section choisie n’existe pas" in response.text
    assert TEXT in response.text
    assert stored_count() == 0


def test_an_unconfirmed_user_is_asked_to_confirm_first_and_keeps_the_text(
    client, make_chapter, login
):
    chapter = make_chapter()
    login(email_confirmed_at=None)

    form_page = client.get(contribute_url(chapter))
    response = client.post(contribute_url(chapter), data=form())

    assert "Confirmez votre adresse électronique avant de contribuer" in form_page.text
    assert 'href="/compte/confirmation/renvoyer"' in form_page.text
    assert response.status_code == 409
    assert "Confirmez votre adresse électronique" in response.text
    assert TEXT in response.text
    assert stored_count() == 0


def test_a_too_short_text_is_refused_and_kept(client, make_chapter, login):
    chapter = make_chapter()
    login()

    response = client.post(contribute_url(chapter), data=form(body="Trop bref"))

    assert response.status_code == 422
    assert "au moins 10 caractères" in response.text
    assert "Trop bref" in response.text
    assert stored_count() == 0


def test_an_empty_text_is_refused(client, make_chapter, login):
    chapter = make_chapter()
    login()

    response = client.post(contribute_url(chapter), data=form(body="   "))

    assert response.status_code == 422
    assert "Saisissez le texte de votre contribution" in response.text
    assert stored_count() == 0


def test_a_too_long_text_is_refused_and_kept(client, make_chapter, login):
    chapter = make_chapter()
    login()
    long_text = "Argument détaillé. " * 600

    response = client.post(contribute_url(chapter), data=form(body=long_text))

    assert response.status_code == 422
    assert "au plus 10\u202f000 caractères" in response.text
    assert "Argument détaillé. Argument détaillé." in response.text
    assert stored_count() == 0


def test_a_form_sent_twice_records_one_contribution_and_gives_it_back(client, make_chapter, login):
    chapter = make_chapter()
    login()

    first = client.post(contribute_url(chapter), data=form())
    second = client.post(contribute_url(chapter), data=form(), follow_redirects=True)

    contribution = db.session.scalar(select(Contribution))
    assert first.status_code == 302
    assert stored_count() == 1
    assert "déjà enregistrée" in second.text
    assert f"Contribution {contribution.reference}" in second.text
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_two_people_may_send_forms_with_the_same_key(client, make_chapter, login):
    chapter = make_chapter()
    login()
    client.post(contribute_url(chapter), data=form())
    client.post("/deconnexion")
    login()

    client.post(contribute_url(chapter), data=form())

    assert stored_count() == 2


def test_a_script_text_is_shown_as_text_and_links_are_nofollow(
    client, make_chapter, make_contribution
):
    chapter = make_chapter()
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> https://exemple.fr/doc'
    make_contribution(chapter, body=payload)

    page = client.get(f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}")

    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert '<a href="https://exemple.fr/doc" rel="nofollow ugc">' in page.text


def test_paragraphs_of_a_contribution_are_kept(client, make_chapter, make_contribution):
    contribution = make_contribution(body="Premier paragraphe.\n\nSecond paragraphe.")

    page = client.get(f"/contributions/{contribution.reference}")

    assert "<p>Premier paragraphe.</p><p>Second paragraphe.</p>" in page.text


def test_a_form_filled_by_a_bot_is_refused_and_keeps_the_text(app, client, make_chapter, login):
    chapter = make_chapter()
    login()
    app.config["ANTISPAM_ENABLED"] = True
    try:
        response = client.post(contribute_url(chapter), data=form(website="http://spam.example"))
    finally:
        app.config["ANTISPAM_ENABLED"] = False

    assert response.status_code == 422
    assert "Le formulaire n’a pas pu être accepté" in response.text
    assert TEXT in response.text
    assert stored_count() == 0


def test_when_two_sends_of_one_form_race_the_loser_gets_the_winner_back(
    client, make_chapter, login, monkeypatch
):
    chapter = make_chapter()
    login()
    client.post(contribute_url(chapter), data=form())
    real_lookup = services._find_submission
    lookups = iter([None])  # the first look-up misses the other request's row, not yet visible
    monkeypatch.setattr(
        services, "_find_submission", lambda *args: next(lookups, None) or real_lookup(*args)
    )

    response = client.post(contribute_url(chapter), data=form(), follow_redirects=True)

    assert stored_count() == 1
    assert "déjà enregistrée" in response.text
