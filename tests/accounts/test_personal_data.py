"""My data: downloading everything the platform holds about me, and deleting my account."""

from __future__ import annotations

import json

from sqlalchemy import select

from consultation.accounts.models import User
from consultation.contributions.models import Attachment, Status
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.moderation import redaction
from consultation.moderation.decisions import CharterReason
from tests.factories import PASSWORD, profile


def download(client) -> dict:
    response = client.post("/compte/donnees")
    assert response.status_code == 200
    return json.loads(response.data)


def delete_account(client, password: str = PASSWORD, confirm: bool = True):
    data = {"current_password": password, **({"confirm": "y"} if confirm else {})}
    return client.post("/compte/supprimer", data=data)


def with_attachment(contribution, filename: str):
    contribution.attachments.append(
        Attachment(
            filename=filename,
            content_type="application/pdf",
            size=1234,
            sha256="0" * 64,
            storage_key=f"cle-{filename}",
        )
    )
    db.session.flush()
    return contribution


# Download my data


def test_the_data_page_explains_what_the_download_holds(client, login):
    login()

    response = client.get("/compte/donnees")

    assert "<h1>Mes données</h1>" in response.text
    assert "Télécharger mes données (JSON)" in response.text


def test_my_data_downloads_as_a_json_attachment_that_no_cache_keeps(client, login):
    login()

    response = client.post("/compte/donnees")

    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"


def test_my_data_holds_my_account_and_my_consents(client, clock, login):
    user = login(
        display_name="Camille Martin",
        profile=profile("industriel"),
        organisation="Éditeur Santé",
        hatvp_number="H123456",
        news_opt_in=True,
    )

    data = download(client)

    assert data["account"] == {
        "email": user.email,
        "email_confirmed_at": "2026-03-02T10:00+01:00",
        "display_name": "Camille Martin",
        "pseudonym": user.pseudonym,
        "public_name": user.pseudonym,
        "profile": profile("industriel").label,
        "organisation": "Éditeur Santé",
        "hatvp_number": "H123456",
        "role": "Contributeur",
        "created_at": data["account"]["created_at"],
    }
    assert data["consents"] == {
        "show_name": False,
        "news_opt_in": True,
        "charter_accepted_at": "2026-03-02T10:00+01:00",
    }
    assert data["answers"] == []


def test_my_data_holds_my_contributions_of_every_status_with_their_attachments(
    client, login, make_contribution
):
    user = login()
    published = with_attachment(make_contribution(author=user), "position.pdf")
    make_contribution(
        author=user,
        status=Status.REJECTED,
        status_reason="Hors sujet.",
        section_anchor="1-principes",
        section_title="1. Principes",
    )

    contributions = download(client)["contributions"]

    assert len(contributions) == 2
    exported = next(item for item in contributions if item["reference"] == published.reference)
    assert exported["chapter"] == f"{published.chapter.number}. {published.chapter.title}"
    assert exported["text"] == published.body
    assert (exported["status"], exported["attachments"]) == ("Publiée", ["position.pdf"])
    assert exported["submitted_at"] == "2026-03-02T10:00+01:00"
    rejected = next(item for item in contributions if item["reference"] != published.reference)
    assert (rejected["section"], rejected["status"]) == ("1. Principes", "Refusée")
    assert rejected["status_reason"] == "Hors sujet."


def test_my_data_never_holds_another_users_data(client, login, make_user, make_contribution):
    login()
    other = make_user(display_name="Dominique Autre", organisation="Autre organisation")
    theirs = make_contribution(author=other, body="Le texte de quelqu’un d’autre, bien sûr.")

    response = client.post("/compte/donnees")

    for secret in (other.email, "Dominique Autre", "Autre organisation", theirs.reference):
        assert secret not in response.text
    assert "quelqu’un d’autre" not in response.text


def test_the_data_download_needs_the_forms_csrf_token(app, client, login):
    login()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/compte/donnees")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_the_data_download_is_for_signed_in_users_only(client):
    response = client.post("/compte/donnees")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


# Delete my account


def test_the_deletion_page_says_what_stays_public(client, login):
    login()

    response = client.get("/compte/supprimer")

    assert "<h1>Supprimer mon compte</h1>" in response.text
    assert "Restent publiques" in response.text
    assert "signées « Compte supprimé »" in response.text


def test_deleting_needs_the_current_password(client, login):
    user = login()

    response = delete_account(client, password="pas le bon mot de passe")

    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in response.text
    assert user.anonymised_at is None


def test_deleting_needs_the_confirmation_box(client, login):
    user = login()

    response = delete_account(client, confirm=False)

    assert response.status_code == 422
    assert "Cochez la case pour confirmer la suppression de votre compte." in response.text
    assert user.anonymised_at is None


def test_deleting_erases_personal_data_and_signs_out(client, clock, login):
    user = login(organisation="Éditeur Santé", hatvp_number="H1", news_opt_in=True, show_name=True)
    old_email = user.email

    response = delete_account(client)

    assert response.status_code == 302
    assert (user.email, user.display_name, user.organisation, user.hatvp_number) == (
        None,
        "Compte supprimé",
        None,
        None,
    )
    assert (user.news_opt_in, user.show_name, user.anonymised_at) == (False, False, clock.now())
    assert not user.check_password(PASSWORD)
    assert client.get("/compte/").headers["Location"].startswith("/connexion")
    assert client.post("/connexion", data={"email": old_email, "password": PASSWORD}).status_code
    goodbye = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == old_email))
    assert goodbye.subject == "Votre compte est supprimé"


def test_deleting_ends_the_sessions_on_other_devices(app, client, login):
    user = login()
    other_device = app.test_client()
    other_device.post("/connexion", data={"email": user.email, "password": PASSWORD})

    delete_account(client)

    assert other_device.get("/compte/").headers["Location"].startswith("/connexion")


def test_contributions_of_a_deleted_account_stay_public_as_compte_supprime(
    client, login, make_contribution
):
    user = login(show_name=True, display_name="Camille Martin")
    contribution = make_contribution(author=user)
    client.get("/")  # shows the welcome message, which names the person, once

    delete_account(client)
    client.get("/")  # shows the goodbye message once
    page = client.get(f"/contributions/{contribution.reference}")

    assert contribution.author_label == "Compte supprimé"
    assert page.status_code == 200
    assert "Compte supprimé" in page.text
    assert "Camille Martin" not in page.text


def test_the_address_of_a_deleted_account_can_register_again(client, login):
    user = login()
    email = user.email

    delete_account(client)
    response = client.post(
        "/compte/inscription",
        data={
            "email": email,
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
            "display_name": "Nouvelle personne",
            "profile": "citoyen",
            "accept_charter": "y",
            "accept_privacy_notice": "y",
        },
    )

    assert response.status_code == 302
    newcomer = db.session.scalar(select(User).where(User.email == email))
    assert newcomer.display_name == "Nouvelle personne"
    assert newcomer.id != user.id


def test_my_data_gives_my_text_as_i_sent_it_even_after_a_redaction(
    client, login, make_user, make_contribution
):
    user = login()
    contribution = make_contribution(author=user, body="Mon médecin, le Dr Jeanne Martin, dit oui.")
    moderator = make_user(role="moderator")
    redaction.redact(contribution, ["Jeanne Martin"], CharterReason.PERSONAL_DATA, moderator)

    exported = download(client)["contributions"][0]

    assert exported["text"] == "Mon médecin, le Dr Jeanne Martin, dit oui."
    assert exported["public_text"] == f"Mon médecin, le Dr {redaction.PLACEHOLDER}, dit oui."
