"""The whole journey of issue 3 in Chromium: register, confirm by the mailed link, contribute on a
section, then find the contribution in "Mes contributions" and under its section once published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consultation.extensions import db
from consultation.publication.models import ModerationMode
from tests import factories
from tests.browser.sign_in import sign_in
from tests.browser.test_registration import EMAIL, fill_registration, mailed_path

pytestmark = pytest.mark.browser

TEXT = "Le calendrier de l’identifiant national doit tenir compte des petites structures."


@dataclass(frozen=True)
class Journey:
    chapter_path: str
    section_title: str
    moderator_email: str


def build_journey() -> Journey:
    consultation = factories.make_consultation(
        slug="doctrine-parcours",
        moderation_mode=ModerationMode.A_PRIORI,
        closes_in=timedelta(days=30),
    )
    chapter = factories.make_chapter(batch=factories.make_batch(consultation))
    moderator = factories.make_user(role="moderator")
    return Journey(
        chapter_path=f"/consultations/{consultation.slug}/chapitres/{chapter.number}",
        section_title="1.1 Identification",
        moderator_email=moderator.email,
    )


def register_and_confirm(app, page: Page, smtp_server) -> None:
    page.goto("/compte/inscription")
    fill_registration(page)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    page.goto(mailed_path(app, smtp_server, "/compte/confirmer/"))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text(f"Votre adresse électronique {EMAIL} est confirmée.")).to_be_visible()


def contribute_on_section(page: Page, journey: Journey) -> None:
    page.goto(journey.chapter_path)
    page.get_by_role(
        "link", name=f"Contribuer sur cette section « {journey.section_title} »"
    ).click()
    page.get_by_label("Votre contribution").fill(TEXT)
    page.get_by_role("button", name="Envoyer ma contribution").click()
    expect(page.get_by_text("accusé de réception")).to_be_visible()


def test_register_confirm_contribute_and_find_it_everywhere(app, page: Page, seed, smtp_server):
    journey = seed(build_journey)
    register_and_confirm(app, page, smtp_server)

    contribute_on_section(page, journey)
    page.get_by_role("link", name="Mon compte").click()
    mine = page.get_by_role("main")
    expect(mine.get_by_text(journey.section_title)).to_be_visible()
    expect(mine.get_by_text("En attente de modération")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, journey.moderator_email)
    page.goto("/moderation/")
    page.get_by_role("button", name="Publier").first.click()
    page.goto(journey.chapter_path)

    under_section = page.locator("#contributions-1-1")
    expect(under_section.get_by_text(TEXT)).to_be_visible()
    expect(under_section.get_by_text("Citoyen ou citoyenne")).to_be_visible()
    with app.app_context():
        db.session.remove()
