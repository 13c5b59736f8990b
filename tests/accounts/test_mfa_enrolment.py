"""Enrolment at the first staff sign-in: QR code and key, a first code, recovery codes once."""

from __future__ import annotations

import hashlib
import re

import pyotp
import pytest
from sqlalchemy import select

from consultation.accounts import mfa
from consultation.accounts.mfa_views import qr_code_svg
from consultation.accounts.models import RecoveryCode, User
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from tests.factories import PASSWORD

ENROL = "/connexion/securite"
KEY = re.compile(r'<code class="fr-text--lg" id="cle-totp">([A-Z2-7 ]+)</code>')
RECOVERY_CODE = re.compile(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</code>")


@pytest.fixture
def newcomer(make_user):
    """An analyst who has not enrolled an app yet, as `flask users create` leaves them."""
    return make_user(role="analyst", totp_secret=None, totp_confirmed_at=None)


def start_enrolment(client, user: User, next_path: str | None = None):
    url = f"/connexion?next={next_path}" if next_path else "/connexion"
    client.post(url, data={"email": user.email, "password": PASSWORD})
    return client.get(ENROL, query_string={"next": next_path} if next_path else None)


def key_on(page) -> str:
    return KEY.search(page.text)[1].replace(" ", "")


def current_code(key: str, clock) -> str:
    return pyotp.TOTP(key).at(clock.now())


def test_a_password_without_an_app_leads_to_enrolment(client, clock, newcomer):
    client.post("/connexion", data={"email": newcomer.email, "password": PASSWORD})

    response = client.get("/connexion/verification")

    assert response.location == ENROL


def test_enrolment_shows_an_inline_svg_qr_code_of_the_key_shown_in_groups(client, clock, newcomer):
    page = start_enrolment(client, newcomer)
    key = key_on(page)
    uri = mfa.provisioning_uri(key, newcomer.email)
    parsed = pyotp.parse_uri(uri)

    assert page.status_code == 200
    assert qr_code_svg(uri) in page.text  # the QR code carries exactly this address
    assert '<svg role="img"' in page.text
    assert "<title>Code QR à scanner avec votre application d’authentification</title>" in page.text
    assert "<img" not in page.text
    assert re.search(r"id=\"cle-totp\">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<", page.text)
    assert (parsed.secret, parsed.name, parsed.issuer) == (key, newcomer.email, "Concertation")


def test_the_key_stays_the_same_in_a_session_and_differs_in_another(app, client, clock, newcomer):
    first = key_on(start_enrolment(client, newcomer))
    again = key_on(client.get(ENROL))
    other_browser = key_on(start_enrolment(app.test_client(), newcomer))

    assert first == again
    assert other_browser != first
    assert db.session.get(User, newcomer.id).totp_secret is None  # nothing stored before a code


def test_a_first_code_enrols_the_app_and_shows_ten_recovery_codes_once(client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer))

    response = client.post(ENROL, data={"code": current_code(key, clock)})
    codes = RECOVERY_CODE.findall(response.text)
    user = db.session.get(User, newcomer.id)
    stored = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Ces codes ne seront plus affichés" in response.text
    assert len(set(codes)) == mfa.RECOVERY_CODE_COUNT
    assert (user.totp_secret, user.totp_confirmed_at) == (key, clock.now())
    assert sorted(stored) == sorted(
        hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes
    )
    assert "Se déconnecter" in client.get("/").text
    assert not set(codes) & set(RECOVERY_CODE.findall(client.get("/compte/securite").text))


def test_enrolment_is_recorded_in_the_audit_trail_by_the_person(client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer))

    client.post(ENROL, data={"code": current_code(key, clock)})

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa.enrol"))
    assert (event.actor_id, event.object_type, event.object_id) == (
        newcomer.id,
        "user",
        str(newcomer.id),
    )
    assert event.after == {"recovery_code_count": 10}
    assert event.origin == f"POST {ENROL}"


def test_a_wrong_first_code_stores_nothing_and_keeps_the_same_key(client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer))
    wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" != current_code(key, clock))

    response = client.post(ENROL, data={"code": wrong})

    assert response.status_code == 401
    assert "Ce code n’est pas le bon." in response.text
    assert key_on(response) == key
    assert db.session.get(User, newcomer.id).totp_secret is None
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_the_first_code_cannot_sign_in_again(app, client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer))
    code = current_code(key, clock)
    client.post(ENROL, data={"code": code})
    other_browser = app.test_client()
    other_browser.post("/connexion", data={"email": newcomer.email, "password": PASSWORD})

    response = other_browser.post("/connexion/verification", data={"code": code})

    assert response.status_code == 401
    assert "Ce code a déjà servi." in response.text


def test_enrolment_keeps_next_for_the_continue_button(client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer, next_path="/analyse/"))

    response = client.post(
        ENROL, query_string={"next": "/analyse/"}, data={"code": current_code(key, clock)}
    )

    assert 'href="/analyse/"' in response.text


def test_the_recovery_codes_download_as_a_text_file(client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer))
    codes = RECOVERY_CODE.findall(client.post(ENROL, data={"code": current_code(key, clock)}).text)

    response = client.post("/compte/securite/codes-de-secours.txt", data={"codes": " ".join(codes)})

    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="codes-de-secours-concertation-2026-03-02.txt"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert all(f". {code}\n" in response.text for code in codes)
    assert newcomer.email in response.text


def test_only_the_accounts_own_unused_codes_download(client, clock, newcomer):
    key = key_on(start_enrolment(client, newcomer))
    codes = RECOVERY_CODE.findall(client.post(ENROL, data={"code": current_code(key, clock)}).text)

    forged = client.post(
        "/compte/securite/codes-de-secours.txt", data={"codes": f"{codes[0]} AAAA-BBBB-CCCC"}
    )

    assert forged.location == "/compte/securite"
    assert "text/plain" not in forged.content_type


def test_an_enrolled_member_is_sent_from_enrolment_to_the_code(client, clock, make_user):
    user = make_user(role="moderator")
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})

    response = client.get(ENROL)

    assert response.location == "/connexion/verification"
