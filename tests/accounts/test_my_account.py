"""My account: my contributions, my profile and consents, my address and my password."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consultation.accounts.models import AccountToken, User
from consultation.contributions.models import Status
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from tests import factories
from tests.factories import PASSWORD, profile

NEW_PASSWORD = "trois pommes vertes sur la table du jardin"


def mails_to(address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def profile_form(user: User, **changes: object) -> dict[str, object]:
    """The profile form as the user would send it unchanged, with some changes."""
    data = {
        "display_name": user.display_name,
        "profile": user.profile_id,
        "organisation": user.organisation or "",
        "hatvp_number": user.hatvp_number or "",
    }
    data.update({"show_name": "y"} if user.show_name else {})
    data.update({"news_opt_in": "y"} if user.news_opt_in else {})
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# Mes contributions


def test_my_contributions_lists_every_status_with_the_refusal_reason(
    client, login, make_contribution
):
    user = login()
    published = make_contribution(author=user)
    pending = make_contribution(author=user, status=Status.PENDING, section_title="1. Principes")
    rejected = make_contribution(
        author=user, status=Status.REJECTED, status_reason="Propos injurieux."
    )

    response = client.get("/compte/")

    assert response.status_code == 200
    assert "<h1>Mes contributions</h1>" in response.text
    for contribution in (published, pending, rejected):
        assert f'href="/contributions/{contribution.reference}"' in response.text
    assert "Publiée" in response.text
    assert "En attente de modération" in response.text
    assert "Section : 1. Principes" in response.text
    assert "Motif : Propos injurieux." in response.text
    assert response.text.count("Pas encore de réponse") == 3


def test_my_contributions_never_shows_another_users_contributions(
    client, login, make_contribution, make_user
):
    login()
    theirs = make_contribution(author=make_user())

    response = client.get("/compte/")

    assert theirs.reference not in response.text
    assert "Vous n’avez pas encore contribué." in response.text


def test_an_unconfirmed_user_sees_a_banner_to_get_a_new_link(client, login):
    login(email_confirmed_at=None)

    response = client.get("/compte/")

    assert "Confirmez votre adresse électronique" in response.text
    assert 'action="/compte/confirmation/renvoyer"' in response.text


def test_the_account_pages_share_a_breadcrumb_and_a_side_menu(client, login):
    login()

    for path in ("/compte/", "/compte/profil", "/compte/adresse", "/compte/mot-de-passe"):
        response = client.get(path)

        assert response.text.count("<h1") == 1, path
        assert 'class="fr-sidemenu"' in response.text, path
        assert '<a class="fr-breadcrumb__link" href="/compte/">Mon compte</a>' in response.text


def test_signed_in_users_find_my_account_in_the_header(client, login):
    login()

    response = client.get("/")

    assert 'href="/compte/"' in response.text
    assert "Mon compte" in response.text


# Profile and consents


def test_a_user_changes_name_profile_organisation_and_consents(client, login):
    user = login()
    data = profile_form(
        user,
        display_name="Camille Martin",
        profile=profile("industriel").id,
        organisation="Éditeur Santé",
        hatvp_number="H123456",
        show_name="y",
        news_opt_in="y",
    )

    response = client.post("/compte/profil", data=data, follow_redirects=True)

    assert "Votre profil est enregistré." in response.text
    assert (user.display_name, user.profile.code, user.organisation) == (
        "Camille Martin",
        "industriel",
        "Éditeur Santé",
    )
    assert (user.hatvp_number, user.show_name, user.news_opt_in) == ("H123456", True, True)


def test_a_profile_that_requires_an_organisation_refuses_an_empty_one(client, login):
    user = login()

    response = client.post(
        "/compte/profil", data=profile_form(user, profile=profile("etablissement").id)
    )

    assert response.status_code == 422
    assert "Indiquez votre organisation" in response.text
    assert 'aria-describedby="organisation-messages"' in response.text
    assert user.profile.code == "citoyen"


def test_consenting_to_show_ones_name_relabels_past_contributions(client, login, make_contribution):
    user = login(display_name="Camille Martin")
    past = make_contribution(author=user)
    assert past.author_label == user.pseudonym

    client.post("/compte/profil", data=profile_form(user, show_name="y"))
    db.session.refresh(past)

    assert past.author_label == "Camille Martin"


def test_a_new_name_relabels_past_contributions_but_not_their_profile_or_organisation(
    client, login, make_contribution
):
    user = login(show_name=True, display_name="Camille Martin")
    past = make_contribution(author=user)
    industry = profile("industriel").id

    client.post(
        "/compte/profil",
        data=profile_form(user, display_name="Camille Durand", profile=industry, organisation="X"),
    )
    db.session.refresh(past)

    assert past.author_label == "Camille Durand"
    assert (past.profile.code, past.organisation) == ("citoyen", None)


def test_a_retired_profile_stays_offered_to_its_holders_only(client, login, make_user):
    retired = profile("autre")
    retired.is_active = False
    user = login(profile=retired, organisation="Collectif")

    own_page = client.get("/compte/profil")
    kept = client.post("/compte/profil", data=profile_form(user, display_name="Nouveau nom"))

    assert f'<option selected value="{retired.id}">' in own_page.text
    assert kept.status_code == 302
    assert user.profile == retired


def test_a_retired_profile_cannot_be_chosen_by_someone_else(client, login):
    retired = profile("autre")
    retired.is_active = False
    user = login()

    page = client.get("/compte/profil")
    response = client.post(
        "/compte/profil", data=profile_form(user, profile=retired.id, organisation="Collectif")
    )

    assert f'value="{retired.id}"' not in page.text
    assert response.status_code == 422
    assert user.profile.code == "citoyen"


# Email address


def test_changing_the_address_needs_the_current_password(client, login):
    user = login()

    response = client.post(
        "/compte/adresse",
        data={"new_email": "nouvelle@exemple.fr", "current_password": "pas le bon mot de passe"},
    )

    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in response.text
    assert 'aria-describedby="current_password-messages"' in response.text
    assert mails_to("nouvelle@exemple.fr") == []
    assert user.email != "nouvelle@exemple.fr"


def test_an_address_used_by_another_account_is_refused_generically(client, login, make_user):
    login()
    make_user(email="prise@exemple.fr")

    response = client.post(
        "/compte/adresse", data={"new_email": "Prise@Exemple.fr", "current_password": PASSWORD}
    )

    assert response.status_code == 422
    assert "Cette adresse ne peut pas être utilisée." in response.text
    assert mails_to("prise@exemple.fr") == []


def test_the_new_address_is_used_only_once_its_link_is_confirmed(client, login):
    user = login()
    old_email = user.email

    response = client.post(
        "/compte/adresse", data={"new_email": "Nouvelle@Exemple.fr", "current_password": PASSWORD}
    )
    token = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    [confirmation] = mails_to("nouvelle@exemple.fr")
    [notice] = mails_to(old_email)

    assert response.status_code == 302
    assert user.email == old_email
    assert token.email == "nouvelle@exemple.fr"
    assert "nouvelle@exemple.fr" in notice.body_text
    link = re.search(r"https?://\S+/compte/confirmer/\S+", confirmation.body_text).group()
    client.post(link.split("concertation.test", 1)[1])
    assert user.email == "nouvelle@exemple.fr"


# Password


def test_changing_the_password_needs_the_current_one(client, login):
    user = login()

    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": "pas le bon mot de passe",
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
    )

    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in response.text
    assert user.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_on_its_field(client, login):
    user = login()
    weak = "azertyuiop123"

    response = client.post(
        "/compte/mot-de-passe",
        data={"current_password": PASSWORD, "new_password": weak, "confirmation": weak},
    )

    assert response.status_code == 422
    assert "trop courant ou trop facile à deviner" in response.text
    assert 'aria-describedby="new_password-messages"' in response.text
    assert user.check_password(PASSWORD)


def test_a_mistyped_confirmation_is_refused(client, login):
    login()

    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD + "x",
        },
    )

    assert response.status_code == 422
    assert "Les deux mots de passe saisis sont différents." in response.text


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, client, login):
    user = login()
    other_device = app.test_client()
    other_device.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert other_device.get("/compte/").status_code == 200

    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
        follow_redirects=True,
    )

    assert "Votre mot de passe est changé." in response.text
    assert client.get("/compte/").status_code == 200
    assert other_device.get("/compte/").headers["Location"].startswith("/connexion")
    assert user.check_password(NEW_PASSWORD)


@pytest.fixture
def rate_limited_user_client(rate_limited_app):
    """A signed-in client of an app with rate limits on."""
    with rate_limited_app.app_context():
        email = factories.make_user().email
        db.session.commit()
    client = rate_limited_app.test_client()
    client.post("/connexion", data={"email": email, "password": PASSWORD})
    return client


def test_guessing_the_current_password_is_slowed_down(rate_limited_user_client):
    wrong = {
        "current_password": "pas le bon",
        "new_password": NEW_PASSWORD,
        "confirmation": NEW_PASSWORD,
    }

    responses = [
        rate_limited_user_client.post("/compte/mot-de-passe", data=wrong) for _ in range(11)
    ]

    assert {response.status_code for response in responses[:10]} == {422}
    assert responses[10].status_code == 429


def test_staff_confirming_a_new_address_stay_signed_in_with_their_second_factor(client, login):
    login(role="moderator")
    client.post(
        "/compte/adresse", data={"new_email": "mona@exemple.fr", "current_password": PASSWORD}
    )
    [confirmation] = mails_to("mona@exemple.fr")
    link = re.search(r"https?://\S+/compte/confirmer/\S+", confirmation.body_text).group()

    client.post(link.split("concertation.test", 1)[1])

    assert client.get("/moderation/").status_code == 200


def test_a_confirmation_link_opened_elsewhere_does_not_sign_staff_in(app, client, login):
    user = login(role="moderator")
    client.post(
        "/compte/adresse", data={"new_email": "mona@exemple.fr", "current_password": PASSWORD}
    )
    [confirmation] = mails_to("mona@exemple.fr")
    link = re.search(r"https?://\S+/compte/confirmer/\S+", confirmation.body_text).group()
    elsewhere = app.test_client()

    elsewhere.post(link.split("concertation.test", 1)[1])

    assert user.email == "mona@exemple.fr"
    assert elsewhere.get("/moderation/").status_code == 302
