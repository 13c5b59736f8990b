"""Recovery codes work once and are renewed with a current code; wrong codes are throttled."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consultation.accounts.models import User
from consultation.core.audit import AuditEvent
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from tests import factories
from tests.factories import PASSWORD, totp_code

RECOVER = "/connexion/code-de-secours"
VERIFY = "/connexion/verification"
SECURITY = "/compte/securite"
RECOVERY_CODE = re.compile(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</code>")


def new_recovery_codes(client, user: User, steps_ahead: int = 1) -> list[str]:
    """Renew the codes from "Mon compte", as the member does, with the code of a later step."""
    response = client.post(SECURITY, data={"code": totp_code(user.email, steps_ahead)})
    return RECOVERY_CODE.findall(response.text)


@pytest.fixture
def member_with_codes(client, clock, login):
    """A moderator holding their recovery codes, signed out again."""
    user = login(role="moderator")
    codes = new_recovery_codes(client, user)
    client.post("/deconnexion")
    return user, codes


def enter_password(client, user: User):
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})


def test_a_recovery_code_signs_in_once(app, client, member_with_codes):
    user, codes = member_with_codes
    enter_password(client, user)

    response = client.post(RECOVER, data={"recovery_code": codes[0]})
    again = app.test_client()
    enter_password(again, user)
    reused = again.post(RECOVER, data={"recovery_code": codes[0]})

    assert response.location == "/"
    assert "Il vous en reste 9." in client.get("/").text
    assert reused.status_code == 401
    assert "Ce code de secours n’est pas valable" in reused.text
    assert 'aria-describedby="recovery_code-messages"' in reused.text


def test_a_recovery_code_may_be_typed_in_lower_case_without_dashes(client, member_with_codes):
    user, codes = member_with_codes
    enter_password(client, user)

    response = client.post(RECOVER, data={"recovery_code": codes[3].replace("-", "").lower()})

    assert response.location == "/"


def test_using_a_recovery_code_is_recorded_by_the_person(client, member_with_codes):
    user, codes = member_with_codes
    enter_password(client, user)

    client.post(RECOVER, data={"recovery_code": codes[0]})

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa.recovery_used"))
    assert (event.actor_id, event.object_id) == (user.id, str(user.id))
    assert event.after == {"recovery_code_count": 9}


def test_the_owner_is_told_by_mail_when_a_recovery_code_is_used(client, member_with_codes):
    user, codes = member_with_codes
    enter_password(client, user)

    client.post(RECOVER, data={"recovery_code": codes[0]})

    notice = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "mfa_recovery_used")
    )
    assert notice.to_address == user.email
    assert notice.subject == "Un code de secours a servi à vous connecter"
    assert "Il vous en reste 9." in notice.body_text


def test_another_accounts_recovery_code_is_refused(client, clock, member_with_codes, make_user):
    _, codes = member_with_codes
    other = make_user(role="analyst")
    enter_password(client, other)

    response = client.post(RECOVER, data={"recovery_code": codes[0]})

    assert response.status_code == 401


def test_the_account_page_tells_how_many_codes_are_left(client, clock, login):
    login(role="analyst")

    page = client.get(SECURITY).text

    assert "Second facteur" in page
    assert "Il vous reste <strong>0</strong> code de secours" in page


def test_new_recovery_codes_ask_a_current_code_and_end_the_old_ones(
    app, client, clock, member_with_codes
):
    user, old_codes = member_with_codes
    clock.advance(minutes=1)
    enter_password(client, user)
    client.post(VERIFY, data={"code": totp_code(user.email)})

    refused = client.post(SECURITY, data={"code": "000000"})
    new_codes = new_recovery_codes(client, user)
    old_one, new_one = app.test_client(), app.test_client()
    enter_password(old_one, user)
    enter_password(new_one, user)

    assert refused.status_code == 401
    assert len(set(new_codes)) == 10
    assert not set(new_codes) & set(old_codes)
    assert old_one.post(RECOVER, data={"recovery_code": old_codes[1]}).status_code == 401
    assert new_one.post(RECOVER, data={"recovery_code": new_codes[1]}).location == "/"


def test_renewing_recovery_codes_is_recorded(client, clock, login):
    user = login(role="moderator")

    new_recovery_codes(client, user)

    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "mfa.recovery_regenerated")
    )
    assert (event.actor_id, event.object_id) == (user.id, str(user.id))
    assert event.after == {"recovery_code_count": 10}


def test_the_account_menu_shows_the_second_factor_to_staff_only(client, clock, login, make_user):
    login(role="moderator")
    staff_menu = client.get("/compte/").text
    client.post("/deconnexion")
    login()
    contributor_menu = client.get("/compte/").text

    assert 'href="/compte/securite"' in staff_menu
    assert 'href="/compte/securite"' not in contributor_menu


def test_after_five_wrong_codes_even_the_right_one_waits(client, clock, make_user):
    user = make_user(role="moderator")
    enter_password(client, user)
    wrong = [client.post(VERIFY, data={"code": "000000"}) for _ in range(5)]
    right_too_soon = client.post(VERIFY, data={"code": totp_code(user.email)})
    clock.advance(seconds=61)
    right_in_time = client.post(VERIFY, data={"code": totp_code(user.email)})

    assert [response.status_code for response in wrong] == [401] * 4 + [429]
    assert "suspendue pendant encore 1 minute" in wrong[4].text
    assert right_too_soon.status_code == 429
    assert right_in_time.location == "/"


def test_a_new_password_step_does_not_start_the_count_of_wrong_codes_again(
    app, client, clock, make_user
):
    user = make_user(role="moderator")
    enter_password(client, user)
    for _ in range(4):
        client.post(VERIFY, data={"code": "000000"})
    again = app.test_client()
    enter_password(again, user)

    fifth = again.post(VERIFY, data={"code": "000000"})
    password_too_soon = app.test_client().post(
        "/connexion", data={"email": user.email, "password": PASSWORD}
    )

    assert fifth.status_code == 429
    assert password_too_soon.status_code == 429
    assert "même avec le bon mot de passe et le bon code" in password_too_soon.text


def test_wrong_recovery_codes_count_too(client, clock, make_user):
    user = make_user(role="moderator")
    enter_password(client, user)

    responses = [client.post(RECOVER, data={"recovery_code": "AAAA-BBBB-CCCC"}) for _ in range(5)]

    assert [response.status_code for response in responses] == [401] * 4 + [429]


def test_a_completed_sign_in_starts_the_count_again(client, clock, make_user):
    user = make_user(role="moderator")
    enter_password(client, user)
    for _ in range(4):
        client.post(VERIFY, data={"code": "000000"})

    client.post(VERIFY, data={"code": totp_code(user.email)})

    assert db.session.get(User, user.id).failed_login_count == 0


def test_too_many_code_posts_from_one_address_get_the_french_429_page(rate_limited_app):
    with rate_limited_app.app_context():
        user = factories.make_user(role="moderator")
        email = user.email
        db.session.commit()
    client = rate_limited_app.test_client()
    client.post("/connexion", data={"email": email, "password": PASSWORD})

    responses = [client.post(VERIFY, data={"code": "pas un code"}) for _ in range(11)]

    assert [response.status_code for response in responses[:10]] == [422] * 10
    assert responses[10].status_code == 429
    assert "Trop de requêtes" in responses[10].text


def test_without_an_app_no_recovery_codes_are_made(app, client, make_user):
    user = make_user(role="analyst", totp_secret=None, totp_confirmed_at=None)
    app.config["STAFF_MFA_REQUIRED"] = False
    try:
        client.post("/connexion", data={"email": user.email, "password": PASSWORD})
        response = client.post(SECURITY, data={"code": "123456"})
    finally:
        app.config["STAFF_MFA_REQUIRED"] = True

    assert response.status_code == 422
    assert "Aucune application d’authentification n’est enregistrée" in response.text
    assert RECOVERY_CODE.findall(response.text) == []
