"""Admins configure the stakeholder profiles: order, creation, edition, retirement, deletion."""

from __future__ import annotations

from sqlalchemy import select

from consultation.accounts.models import Profile
from consultation.extensions import db
from tests.factories import profile

NEW_PROFILE = {
    "label": "Association de patients",
    "code": "association-patients",
    "position": "8",
    "requires_organisation": "y",
    "is_active": "y",
}


def profile_codes_in_list_order(page: str) -> list[str]:
    cells = {item.code: f'<span class="fr-text--xs">{item.code}</span>' for item in all_profiles()}
    shown = [code for code, cell in cells.items() if cell in page]
    return sorted(shown, key=lambda code: page.index(cells[code]))


def all_profiles() -> list[Profile]:
    return list(db.session.scalars(select(Profile)))


def test_the_profiles_list_is_for_admins_only(client, login):
    login(role="moderator")

    response = client.get("/admin/profils")

    assert response.status_code == 403


def test_admins_see_profiles_in_position_order_with_how_many_accounts_use_each(
    client, admin, make_user
):
    for _ in range(3):
        make_user(profile=profile("industriel"))

    response = client.get("/admin/profils")

    assert response.status_code == 200
    assert "<h1>Profils des participants</h1>" in response.text
    assert profile_codes_in_list_order(response.text)[:3] == [
        "professionnel-sante",
        "etablissement",
        "industriel",
    ]
    industry_row = response.text.split("industriel</span>")[1].split("</tr>")[0]
    assert "<td>3</td>" in industry_row


def test_an_admin_creates_a_profile_offered_at_the_end(client, admin):
    response = client.post("/admin/profils/nouveau", data=NEW_PROFILE, follow_redirects=True)

    created = profile("association-patients")
    assert "Le profil « Association de patients » est enregistré." in response.text
    assert (created.label, created.position, created.is_active) == (
        "Association de patients",
        8,
        True,
    )


def test_the_new_profile_form_proposes_the_next_position(client, admin):
    response = client.get("/admin/profils/nouveau")

    assert 'value="8"' in response.text


def test_a_profile_code_must_be_unique(client, admin):
    response = client.post("/admin/profils/nouveau", data={**NEW_PROFILE, "code": "citoyen"})

    assert response.status_code == 422
    assert "Le code « citoyen » est déjà utilisé par un profil." in response.text
    assert 'aria-describedby="code-messages"' in response.text


def test_a_profile_code_must_look_like_a_slug(client, admin):
    response = client.post("/admin/profils/nouveau", data={**NEW_PROFILE, "code": "Assoc patients"})

    assert response.status_code == 422
    assert "Le code ne peut contenir que des lettres minuscules" in response.text
    assert profile("assoc patients") is None


def test_a_profile_label_is_required(client, admin):
    response = client.post("/admin/profils/nouveau", data={**NEW_PROFILE, "label": "  "})

    assert response.status_code == 422
    assert "Saisissez le libellé du profil." in response.text
    assert profile("association-patients") is None


def test_an_admin_edits_a_profile_keeping_its_code_unique_to_itself(client, admin):
    citizen = profile("citoyen")
    data = {"label": "Particulier", "code": "citoyen", "position": "6", "is_active": "y"}

    response = client.post(f"/admin/profils/{citizen.id}/modifier", data=data)

    assert response.status_code == 302
    assert (citizen.label, citizen.requires_organisation) == ("Particulier", False)


def test_a_profile_in_use_is_deactivated_and_stays_on_its_accounts(client, admin, make_user):
    industry = profile("industriel")
    user = make_user(profile=industry)
    data = {"label": industry.label, "code": industry.code, "position": "3"}

    client.post(f"/admin/profils/{industry.id}/modifier", data=data)
    listing = client.get("/admin/profils")

    assert industry.is_active is False
    assert user.profile == industry
    assert "Désactivé" in listing.text.split("industriel</span>")[1].split("</tr>")[0]


def test_a_profile_in_use_cannot_be_deleted(client, admin, make_user):
    industry = profile("industriel")
    make_user(profile=industry)

    page = client.get(f"/admin/profils/{industry.id}/supprimer")
    response = client.post(f"/admin/profils/{industry.id}/supprimer", follow_redirects=True)

    assert "il ne peut pas être supprimé" in page.text
    assert "Confirmer la suppression" not in page.text
    assert "il ne peut pas être supprimé. Désactivez-le" in response.text
    assert profile("industriel") is not None


def test_an_unused_profile_is_deleted_after_confirmation(client, admin):
    client.post("/admin/profils/nouveau", data=NEW_PROFILE)
    created = profile("association-patients")

    page = client.get(f"/admin/profils/{created.id}/supprimer")
    response = client.post(f"/admin/profils/{created.id}/supprimer", follow_redirects=True)

    assert "Confirmer la suppression" in page.text
    assert "Le profil « Association de patients » est supprimé." in response.text
    assert profile("association-patients") is None


def test_moving_a_profile_up_swaps_it_with_the_one_above(client, admin):
    industry, establishment = profile("industriel"), profile("etablissement")

    response = client.post(f"/admin/profils/{industry.id}/deplacer", data={"direction": "up"})

    assert response.status_code == 302
    assert (industry.position, establishment.position) == (2, 3)


def test_moving_the_last_profile_down_keeps_the_order(client, admin):
    other = profile("autre")

    client.post(f"/admin/profils/{other.id}/deplacer", data={"direction": "down"})
    listing = client.get("/admin/profils")

    assert other.position == 7
    assert profile_codes_in_list_order(listing.text)[-1] == "autre"
