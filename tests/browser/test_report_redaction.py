"""In Chromium: a reader reports a contribution, a moderator finds it on the contribution's staff
page and masks a passage, and the public page then shows the mask; axe-core checks each page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consultation.extensions import db
from consultation.moderation.models import Report
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser

TEXT = "Je m’appelle Jeanne Martin et je suis suivie à Rodez : le dossier doit rester lisible."
PLACEHOLDER = "[passage masqué par la modération]"


def build_reported() -> dict[str, object]:
    contribution = factories.make_contribution(factories.make_chapter(), body=TEXT)
    moderator = factories.make_user(role="moderator")
    return {
        "reference": contribution.reference,
        "id": contribution.id,
        "moderator": moderator.email,
    }


def report_as_a_reader(page: Page, reference: str) -> None:
    page.goto(f"/contributions/{reference}")
    page.get_by_role("link", name=f"Signaler la contribution {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Signaler la contribution {reference}"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Envoyer le signalement").click()  # no reason chosen
    expect(page.get_by_text("Choisissez le motif du signalement.").first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Motif du signalement").select_option(
        label="Données personnelles ou de santé"
    )
    page.get_by_label("Commentaire (facultatif)").fill("Le nom d’une patiente est écrit en clair.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre signalement est transmis"
    )
    assert_no_axe_violations(page)


def mask_as_a_moderator(page: Page, data: dict[str, object]) -> None:
    sign_in(page, str(data["moderator"]), then=f"/moderation/contributions/{data['id']}")
    expect(page.get_by_text("1 signalement ouvert")).to_be_visible()
    expect(page.get_by_text("Le nom d’une patiente est écrit en clair.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Masquer un passage").click()
    expect(
        page.get_by_label("Clore les signalements ouverts de cette contribution")
    ).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_label("Passages à masquer").fill("Jeanne Martin")
    page.get_by_role("button", name="Masquer les passages").click()
    expect(page.get_by_text("ses signalements sont clos")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Texte d’origine (réservé à la modération)")
    ).to_be_visible()
    expect(page.get_by_text("Aucun signalement ouvert.")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_report_leads_to_a_masked_passage_on_the_public_page(axe_page: Page, seed, new_context):
    data = seed(build_reported)

    report_as_a_reader(axe_page, str(data["reference"]))
    mask_as_a_moderator(axe_page, data)

    visitor = new_context().new_page()
    visitor.goto(f"/contributions/{data['reference']}")
    body = visitor.locator(".contribution-body")
    expect(body).to_contain_text(f"Je m’appelle {PLACEHOLDER} et je suis suivie à Rodez")
    expect(body).not_to_contain_text("Jeanne")
    expect(visitor.get_by_text("Modifiée par la modération le")).to_be_visible()


def build_with_reports() -> dict[str, object]:
    data = build_reported()
    for key, reason, resolution in (("a", "spam", None), ("b", "injurieux", "kept")):
        db.session.add(
            Report(
                contribution_id=data["id"],
                reporter_key=key * 64,
                reason=reason,
                comment="Publicité déguisée.",
                resolution=resolution,
                resolved_at=factories.at(hours=-1) if resolution else None,
            )
        )
    return data


def test_the_forms_of_reported_contributions_have_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_with_reports)
    sign_in(axe_page, str(data["moderator"]), then=f"/moderation/contributions/{data['id']}")
    expect(
        axe_page.get_by_role(
            "table", name=f"Signalements traités de la contribution {data['reference']}"
        )
    ).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.get_by_role("link", name="Masquer", exact=True).click()
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text(
        "Masquer la contribution signalée"
    )
    assert_no_axe_violations(axe_page)
    axe_page.get_by_role("button", name="Masquer la contribution").click()
    expect(axe_page.get_by_text("1 signalement clos")).to_be_visible()

    axe_page.goto(f"/moderation/contributions/{data['id']}/masquer-un-passage")
    axe_page.get_by_label("Passages à masquer").fill("Paul Durand")
    axe_page.get_by_role("button", name="Masquer les passages").click()
    expect(axe_page.get_by_text("« Paul Durand » ne figure pas").first).to_be_visible()
    assert_no_axe_violations(axe_page)
