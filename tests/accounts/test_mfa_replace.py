"""A staff member moves their second factor to a new phone themselves, with both apps at hand."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from consultation.core.audit import AuditEvent
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from tests.factories import PASSWORD, totp_code

PAGE = "/compte/securite/nouvelle-application"


def offered_secret(client) -> str:
    page = client.get(PAGE).text
    return re.search(r'<code class="fr-text--lg">([A-Z2-7 ]+)</code>', page)[1].replace(" ", "")


def new_app_code(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def test_codes_of_both_apps_move_the_factor_to_the_new_one(app, client, clock, login):
    user = login(role="moderator")
    secret = offered_secret(client)

    response = client.post(
        PAGE, data={"code": totp_code(user.email, 1), "new_code": new_app_code(secret, clock)}
    )

    assert response.status_code == 302
    assert "Votre nouvelle application est enregistrée" in client.get(response.location).text
    clock.advance(minutes=2)
    other = app.test_client()
    other.post("/connexion", data={"email": user.email, "password": PASSWORD})
    refused = other.post("/connexion/verification", data={"code": totp_code(user.email)})
    assert refused.status_code == 401
    accepted = other.post("/connexion/verification", data={"code": new_app_code(secret, clock)})
    assert accepted.status_code == 302


def test_the_owner_is_told_by_mail_and_the_change_is_audited(client, clock, login):
    user = login(role="analyst")
    secret = offered_secret(client)

    client.post(
        PAGE, data={"code": totp_code(user.email, 1), "new_code": new_app_code(secret, clock)}
    )

    notice = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "mfa_app_replaced")
    )
    assert notice.to_address == user.email
    assert "Si ce n’est pas vous" in notice.body_text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa.replaced"))
    assert event.actor_id == user.id


def test_a_wrong_code_of_either_app_changes_nothing(client, clock, login):
    user = login(role="moderator")
    secret = offered_secret(client)
    old_secret = user.totp_secret

    wrong_old = client.post(PAGE, data={"code": "000000", "new_code": new_app_code(secret, clock)})
    wrong_new = client.post(PAGE, data={"code": totp_code(user.email, 1), "new_code": "000000"})

    assert wrong_old.status_code == wrong_new.status_code == 401
    assert "Ce code n’est pas le bon" in wrong_old.text
    assert "Ce code n’est pas celui de la nouvelle application" in wrong_new.text
    db.session.refresh(user)
    assert user.totp_secret == old_secret
    assert offered_secret(client) == secret  # the same key while the session lasts


def test_malformed_codes_are_told_on_their_fields(client, login):
    login(role="moderator")

    response = client.post(PAGE, data={"code": "12", "new_code": ""})

    assert response.status_code == 422
    assert "Le code est fait de 6 chiffres" in response.text
    assert "Saisissez le code à 6 chiffres" in response.text


def test_contributors_and_visitors_cannot_reach_the_page(app, client, login):
    assert app.test_client().get(PAGE).status_code == 302
    login()
    assert client.get(PAGE).status_code == 403


def test_the_account_page_leads_to_it(client, login):
    login(role="moderator")

    assert f'href="{PAGE}"' in client.get("/compte/securite").text
