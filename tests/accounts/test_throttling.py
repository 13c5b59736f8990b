"""Sign-in throttling slows a guesser down without locking the owner out, and per-address limits."""

from __future__ import annotations

import pytest

from tests.accounts.mail import link_in_mail
from tests.factories import PASSWORD

WRONG = "pas le bon mot de passe"


def sign_in(client, password: str, email: str = "claire@exemple.fr"):
    return client.post("/connexion", data={"email": email, "password": password})


def fail(client, times: int) -> None:
    for _ in range(times):
        sign_in(client, WRONG)


def test_after_five_failures_even_the_right_password_waits_a_minute(client, make_user, clock):
    make_user(email="claire@exemple.fr")
    fail(client, 4)

    fifth = sign_in(client, WRONG)
    right_too_soon = sign_in(client, PASSWORD)
    clock.advance(seconds=61)
    right_in_time = sign_in(client, PASSWORD)

    assert fifth.status_code == right_too_soon.status_code == 429
    assert "suspendue pendant encore 1 minute, même avec le bon mot de passe" in fifth.text
    assert "réinitialisez votre mot de passe" in right_too_soon.text
    assert right_in_time.status_code == 302


def test_four_failures_do_not_slow_anyone_down(client, make_user):
    make_user(email="claire@exemple.fr")
    fail(client, 4)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_a_success_starts_the_count_again(app, client, make_user):
    make_user(email="claire@exemple.fr")
    fail(client, 4)
    sign_in(client, PASSWORD)
    client.post("/deconnexion")
    fail(client, 4)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_the_delay_doubles_and_never_exceeds_fifteen_minutes(client, make_user, clock):
    make_user(email="claire@exemple.fr")
    fail(client, 4)
    delays = []
    for _ in range(7):
        response = sign_in(client, WRONG)
        delays.append(response.text.split("suspendue pendant encore ")[1].split(",")[0])
        clock.advance(minutes=15, seconds=1)

    assert delays == [
        "1 minute",
        "2 minutes",
        "4 minutes",
        "8 minutes",
        "15 minutes",
        "15 minutes",
        "15 minutes",
    ]


def test_attempts_during_the_delay_do_not_lengthen_it(client, make_user, clock):
    make_user(email="claire@exemple.fr")
    fail(client, 5)
    fail(client, 20)
    clock.advance(seconds=61)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_a_password_reset_lifts_the_delay_at_once(app, client, cli, make_user, smtp_server):
    make_user(email="claire@exemple.fr")
    fail(client, 8)
    client.post("/compte/mot-de-passe-oublie", data={"email": "claire@exemple.fr"})
    link = link_in_mail(cli, smtp_server, "claire@exemple.fr", "/compte/reinitialiser/")
    new_password = "une toute nouvelle phrase secrète"

    client.post(
        link, data={"new_password": new_password, "new_password_confirmation": new_password}
    )
    other_browser = app.test_client()
    response = sign_in(other_browser, new_password)

    assert response.status_code == 302


def test_unknown_addresses_are_answered_like_wrong_passwords(client):
    responses = [sign_in(client, WRONG, email="inconnue@exemple.fr") for _ in range(7)]

    assert {response.status_code for response in responses} == {401}


@pytest.fixture
def rate_limited_client(rate_limited_app):
    return rate_limited_app.test_client()


@pytest.mark.parametrize("path", ["/compte/inscription", "/compte/mot-de-passe-oublie"])
def test_too_many_posts_from_one_address_get_a_french_429_page(rate_limited_client, path):
    responses = [rate_limited_client.post(path, data={}) for _ in range(6)]

    assert [response.status_code for response in responses[:5]] == [422] * 5
    assert responses[5].status_code == 429
    assert "Trop de requêtes" in responses[5].text
    assert "Patientez quelques minutes puis réessayez." in responses[5].text
