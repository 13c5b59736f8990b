"""Issue 4 in Chromium: a mail arrives, a moderator splits it into two chapter contributions and
publishes them; both appear on the public chapter pages, marked as received by email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consultation.publication.models import ModerationMode
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("storage_dir")]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MAIL = """Bonjour,

Sur l’identification : un identifiant unique par usager suffit.

Sur la mise en œuvre du deuxième chapitre : le calendrier est trop court.

Bien cordialement,
Jeanne Martin
"""


@dataclass(frozen=True)
class MailTriage:
    moderator_email: str
    subject: str
    first_chapter_path: str
    second_chapter_path: str


def build_mail_triage() -> MailTriage:
    consultation = factories.make_consultation(
        slug="doctrine-courriels",
        title="Doctrine du numérique en santé",
        moderation_mode=ModerationMode.A_PRIORI,
        closes_in=timedelta(days=30),
    )
    batch = factories.make_batch(consultation)
    first = factories.make_chapter(batch=batch, title="Principes communs")
    second = factories.make_chapter(batch=batch, title="Calendrier")
    moderator = factories.make_user(role="moderator")
    message = factories.make_inbound_message(
        consultation=consultation,
        subject="Avis de l’association sur la doctrine",
        sender_name="Jeanne Martin",
        body_text=MAIL,
        attachments=[("position.pdf", "application/pdf", PDF)],
    )
    path = f"/consultations/{consultation.slug}/chapitres"
    return MailTriage(
        moderator_email=moderator.email,
        subject=message.subject,
        first_chapter_path=f"{path}/{first.number}",
        second_chapter_path=f"{path}/{second.number}",
    )


def fill_excerpt(page: Page, number: int, place: str, text: str) -> None:
    page.get_by_label(f"Chapitre et section de l’extrait n° {number}").select_option(label=place)
    page.get_by_label(f"Texte de l’extrait n° {number}").fill(text)


def test_a_moderator_splits_a_mail_into_two_public_chapter_contributions(page: Page, seed):
    data = seed(build_mail_triage)
    sign_in(page, data.moderator_email, "/moderation/courriels")

    page.get_by_role("link", name=data.subject).click()
    expect(page.get_by_label("Texte de l’extrait n° 1")).to_have_value(MAIL)
    page.get_by_label("Profil").select_option(
        label="Représentant ou association de patients et d’usagers"
    )
    page.get_by_label("Nom affiché publiquement").fill("Association des usagers connectés")
    page.get_by_role("button", name="Ajouter un extrait").click()
    fill_excerpt(
        page,
        1,
        "Chapitre 1 — Principes communs : 1.1 Identification",
        "Sur l’identification : un identifiant unique par usager suffit.",
    )
    fill_excerpt(
        page,
        2,
        "Chapitre 2 — Calendrier : ensemble du chapitre",
        "Sur la mise en œuvre : le calendrier est trop court.",
    )
    page.get_by_label("Publier « position.pdf »").select_option(label="avec l’extrait n° 1")
    page.get_by_role("button", name="Publier", exact=True).click()

    expect(page.get_by_text("Courriel publié : contribution(s)")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(data.first_chapter_path)
    first = page.locator("#contributions-1-1 article")
    expect(first.get_by_text("un identifiant unique par usager suffit")).to_be_visible()
    expect(first.get_by_text("Reçue par courriel le")).to_be_visible()
    expect(first.get_by_role("link", name="position.pdf")).to_be_visible()
    expect(first.get_by_text("Courriel d’origine")).to_have_count(0)
    page.goto(data.second_chapter_path)
    second = page.locator("#contributions-chapitre article")
    expect(second.get_by_text("le calendrier est trop court")).to_be_visible()
    expect(second.get_by_text("Reçue par courriel le")).to_be_visible()
    expect(second.get_by_text("Association des usagers connectés")).to_be_visible()


@pytest.mark.parametrize("path", ["/moderation/courriels", "/moderation/courriels/bilan"])
def test_the_mail_queue_and_accounting_have_no_accessibility_violation(
    axe_page: Page, seed, path: str
):
    data = seed(build_mail_triage)
    sign_in(axe_page, data.moderator_email, path)

    expect(axe_page.get_by_role("heading", level=1)).to_be_visible()

    assert_no_axe_violations(axe_page)


def test_the_message_and_its_triage_form_have_no_accessibility_violation_even_with_errors(
    axe_page: Page, seed
):
    data = seed(build_mail_triage)
    sign_in(axe_page, data.moderator_email, "/moderation/courriels")
    axe_page.get_by_role("link", name=data.subject).click()
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text(data.subject)
    assert_no_axe_violations(axe_page)

    axe_page.get_by_label("Texte de l’extrait n° 1").fill("")
    axe_page.get_by_role("button", name="Publier", exact=True).click()

    expect(axe_page.get_by_role("alert").first).to_contain_text("Choisissez le chapitre")
    assert_no_axe_violations(axe_page)
