"""Only admins enter the back office; others are sent to sign in or refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consultation.extensions import db
from consultation.publication.models import Batch, Chapter


def admin_urls(consultation) -> list[str]:
    batch, chapter = consultation.batches[0], consultation.chapters[0]
    return [
        "/admin/",
        "/admin/consultations/nouvelle",
        f"/admin/consultations/{consultation.id}",
        f"/admin/consultations/{consultation.id}/modifier",
        f"/admin/consultations/{consultation.id}/lots/nouveau",
        f"/admin/lots/{batch.id}/modifier",
        f"/admin/lots/{batch.id}/supprimer",
        f"/admin/consultations/{consultation.id}/chapitres/nouveau",
        f"/admin/chapitres/{chapter.id}/modifier",
        f"/admin/chapitres/{chapter.id}/supprimer",
    ]


def delete_urls(consultation) -> list[str]:
    return [
        f"/admin/chapitres/{consultation.chapters[0].id}/supprimer",
        f"/admin/lots/{consultation.batches[0].id}/supprimer",
    ]


def row_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_admin_page_sends_visitors_to_the_login_page(client, upcoming_consultation):
    urls = admin_urls(upcoming_consultation)

    responses = [client.get(url) for url in urls]

    assert [response.status_code for response in responses] == [302] * len(urls)
    assert all("/connexion" in response.location for response in responses)


@pytest.mark.parametrize("role", ["contributor", "moderator", "analyst"])
def test_every_admin_page_is_forbidden_to_other_roles(client, login, upcoming_consultation, role):
    login(role=role)
    urls = admin_urls(upcoming_consultation)

    responses = [client.get(url) for url in urls]

    assert [response.status_code for response in responses] == [403] * len(urls)
    assert "Accès refusé" in responses[0].text


def test_every_admin_page_opens_for_an_admin(client, admin, upcoming_consultation):
    urls = admin_urls(upcoming_consultation)

    responses = [client.get(url) for url in urls]

    assert [response.status_code for response in responses] == [200] * len(urls)
    assert all(response.text.count("<h1") == 1 for response in responses)
    assert all('class="fr-breadcrumb"' in response.text for response in responses)


def test_deleting_is_refused_to_visitors_and_other_roles(client, login, upcoming_consultation):
    anonymous = [client.post(url) for url in delete_urls(upcoming_consultation)]
    login(role="moderator")
    moderator = [client.post(url) for url in delete_urls(upcoming_consultation)]

    assert [response.status_code for response in anonymous] == [302, 302]
    assert [response.status_code for response in moderator] == [403, 403]
    assert (row_count(Batch), row_count(Chapter)) == (1, 1)
