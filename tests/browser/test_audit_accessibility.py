"""The audit journal has no accessibility violation; its filters and CSV work in a browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consultation.contributions.models import Status
from consultation.core.audit import AuditEvent
from consultation.core.clock import now
from consultation.extensions import db
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser


def build_journal() -> dict[str, str]:
    """An admin, and a trail with a decision on a contribution, a mail refused, a profile edit."""
    contribution = factories.make_contribution(status=Status.HIDDEN, status_reason="spam")
    admin = factories.make_user(role="admin")
    events = [
        ("moderatrice@exemple.fr", "contribution.hide", "contribution", str(contribution.id),
         contribution.reference, {"status": "published", "status_reason": None},
         {"status": "hidden", "status_reason": "spam"}),
        ("moderatrice@exemple.fr", "mail.refuse", "inboundmessage", "424242",
         "Courriel n° 424242 : <b>Promotion</b>", {"state": "new"}, {"state": "refused"}),
        ("ligne de commande", "profile.edit", "profile", "1", "Citoyen",
         {"label": "Citoyen"}, {"label": "Citoyenne ou citoyen"}),
    ]  # fmt: skip
    for hours, (actor, action, kind, identifier, label, before, after) in enumerate(events):
        db.session.add(
            AuditEvent(occurred_at=now() - timedelta(hours=hours), actor_label=actor,
                       action=action, object_type=kind, object_id=identifier,
                       object_label=label, before=before, after=after)
        )  # fmt: skip
    return {"email": admin.email, "reference": contribution.reference}


def test_the_journal_has_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_journal)
    sign_in(axe_page, data["email"])

    axe_page.goto("/admin/journal")

    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Journal d’audit")
    expect(axe_page.get_by_role("link", name=data["reference"])).to_be_visible()
    assert_no_axe_violations(axe_page)


def test_the_filtered_and_the_empty_journal_have_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_journal)
    sign_in(axe_page, data["email"])
    axe_page.goto("/admin/journal")

    axe_page.get_by_label("Acteur").fill("moderatrice")
    axe_page.get_by_label("Action").select_option(label="Courriel refusé")
    axe_page.get_by_role("button", name="Filtrer").click()

    expect(axe_page.get_by_text("1 événement correspond aux filtres.")).to_be_visible()
    expect(axe_page.get_by_text("Courriel n° 424242 : <b>Promotion</b>")).to_be_visible()
    assert_no_axe_violations(axe_page)

    axe_page.get_by_role("textbox", name="Objet").fill("introuvable")
    axe_page.get_by_role("button", name="Filtrer").click()

    expect(axe_page.get_by_text("Aucun événement ne correspond aux filtres.")).to_be_visible()
    assert_no_axe_violations(axe_page)


def test_the_filtered_events_download_as_csv(page: Page, seed):
    data = seed(build_journal)
    sign_in(page, data["email"], then="/admin/journal?action=profile.edit")

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger cet événement (CSV)").click()

    text = download.value.path().read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename.startswith("journal-audit-")
    assert "Citoyenne ou citoyen" in text
    assert "mail.refuse" not in text
