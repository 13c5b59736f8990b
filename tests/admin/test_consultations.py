"""Creating and editing consultations in the back office."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from consultation.extensions import db
from consultation.publication.models import Consultation, ModerationMode
from tests.admin.form_data import consultation_form


def consultation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))


def test_a_consultation_created_in_paris_time_is_stored_in_utc(client, clock, admin):
    response = client.post("/admin/consultations/nouvelle", data=consultation_form())

    consultation = db.session.scalar(select(Consultation))
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/consultations/{consultation.id}")
    assert consultation.opens_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert consultation.closes_at == datetime(2026, 5, 29, 16, 0, tzinfo=UTC)
    assert consultation.moderation_mode is ModerationMode.A_POSTERIORI


def test_the_list_shows_every_consultation_with_its_status(client, clock, admin, make_consultation):
    make_consultation(title="Consultation en cours")
    make_consultation(
        title="Consultation passée", opens_in=timedelta(days=-30), closes_in=timedelta(days=-2)
    )

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Consultation en cours" in response.text
    assert "Ouverte" in response.text
    assert "Consultation passée" in response.text
    assert "Close" in response.text


def test_the_edit_form_shows_the_dates_back_in_paris_time(client, clock, admin):
    client.post("/admin/consultations/nouvelle", data=consultation_form())
    consultation = db.session.scalar(select(Consultation))

    response = client.get(f"/admin/consultations/{consultation.id}/modifier")

    assert 'value="2026-03-10T09:00"' in response.text
    assert 'value="2026-05-29T18:00"' in response.text


def test_editing_a_consultation_changes_it_and_says_so(client, clock, admin, make_consultation):
    consultation = make_consultation()

    response = client.post(
        f"/admin/consultations/{consultation.id}/modifier",
        data=consultation_form(title="Nouveau titre", slug=consultation.slug),
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "La consultation est enregistrée." in response.text
    assert db.session.get(Consultation, consultation.id).title == "Nouveau titre"


def test_closing_before_opening_is_refused_and_nothing_is_written(client, clock, admin):
    data = consultation_form(opens_at="2026-04-01T09:00", closes_at="2026-03-20T09:00")

    response = client.post("/admin/consultations/nouvelle", data=data)

    assert response.status_code == 422
    assert "La date de clôture doit suivre la date d’ouverture." in response.text
    assert 'value="2026-03-20T09:00"' in response.text
    assert consultation_count() == 0


def test_a_slug_already_taken_is_refused(client, clock, admin, make_consultation):
    make_consultation(slug="doctrine-2026")

    response = client.post("/admin/consultations/nouvelle", data=consultation_form())

    assert response.status_code == 422
    assert "L’identifiant « doctrine-2026 » est déjà pris par une autre consultation." in (
        response.text
    )
    assert consultation_count() == 1


def test_editing_a_consultation_with_a_bad_slug_leaves_it_as_it_was(
    client, clock, admin, make_consultation
):
    consultation = make_consultation(slug="doctrine", title="Titre d’origine")

    response = client.post(
        f"/admin/consultations/{consultation.id}/modifier",
        data=consultation_form(slug="Doctrine 2026 !", title="Titre changé"),
    )

    db.session.refresh(consultation)
    assert response.status_code == 422
    assert "ne peut contenir que des lettres minuscules" in response.text
    assert 'value="Titre changé"' in response.text
    assert (consultation.slug, consultation.title) == ("doctrine", "Titre d’origine")


def test_missing_and_malformed_fields_are_explained_in_french(client, clock, admin):
    data = consultation_form(title="", opens_at="", closes_at="29/05/2026", moderation_mode="x")

    response = client.post("/admin/consultations/nouvelle", data=data)

    assert response.status_code == 422
    assert "Saisissez le titre de la consultation." in response.text
    assert "Saisissez la date et l’heure d’ouverture." in response.text
    assert "Saisissez une date et une heure valides" in response.text
    assert "Choisissez un mode de modération proposé." in response.text
    assert 'aria-describedby="title-messages"' in response.text
    assert consultation_count() == 0


def test_moving_the_dates_past_a_scheduled_batch_is_refused(client, clock, admin, make_batch):
    batch = make_batch(publish_in=timedelta(days=3))
    consultation = batch.consultation
    opens_at = consultation.opens_at

    response = client.post(
        f"/admin/consultations/{consultation.id}/modifier",
        data=consultation_form(slug=consultation.slug, opens_at="2026-04-01T09:00"),
    )

    db.session.refresh(consultation)
    assert response.status_code == 422
    assert "Le lot 1 serait publié avant l’ouverture de la consultation." in response.text
    assert consultation.opens_at == opens_at


def test_the_reference_prefix_defaults_to_the_slug_and_can_be_chosen(client, clock, admin):
    client.post("/admin/consultations/nouvelle", data=consultation_form())
    client.post(
        "/admin/consultations/nouvelle",
        data=consultation_form(slug="doctrine-2027", reference_prefix="dns2027"),
    )

    prefixes = db.session.scalars(select(Consultation.reference_prefix).order_by(Consultation.id))
    assert list(prefixes) == ["DOCTRINE2026", "DNS2027"]


def test_a_reference_prefix_taken_or_malformed_is_refused(client, clock, admin, make_consultation):
    make_consultation(reference_prefix="DNS2026")

    taken = client.post(
        "/admin/consultations/nouvelle", data=consultation_form(reference_prefix="DNS2026")
    )
    malformed = client.post(
        "/admin/consultations/nouvelle", data=consultation_form(reference_prefix="DNS-2026")
    )

    assert taken.status_code == malformed.status_code == 422
    assert "Le préfixe « DNS2026 » est déjà pris par une autre consultation." in taken.text
    assert "2 à 20 lettres sans accent ou chiffres" in malformed.text
    assert consultation_count() == 1


def test_the_reference_prefix_cannot_change_once_contributions_have_references(
    client, clock, admin, make_contribution
):
    consultation = make_contribution().consultation
    form = consultation_form(slug=consultation.slug, reference_prefix="AUTRE")

    response = client.post(f"/admin/consultations/{consultation.id}/modifier", data=form)

    assert response.status_code == 422
    assert "Des contributions portent déjà ce préfixe" in response.text
