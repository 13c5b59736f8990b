"""The moderation queue in Chromium: filtering, paging, answering a selection; every view of it
has no accessibility violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consultation.contributions.models import Status, Theme
from consultation.core.clock import advance
from consultation.extensions import db
from consultation.moderation import queue
from consultation.moderation.models import Report
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser


def build_queue() -> dict[str, object]:
    """Two chapters; on the first, pending and published contributions, tagged, reported, and
    two near-duplicates."""
    chapter = factories.make_chapter(title="Identité")
    other = factories.make_chapter(chapter.batch, title="Messagerie")
    theme = Theme(consultation=chapter.consultation, name="Sécurité")
    db.session.add(theme)
    pending = []
    for _ in range(5):
        pending.append(factories.make_contribution(chapter, status=Status.PENDING))
        factories.make_contribution(other, status=Status.PENDING)
        advance(timedelta(minutes=1))
    published = [factories.make_contribution(chapter, body=f"Avis {n}.") for n in range(3)]
    published[0].themes.append(theme)
    published[0].duplicate_group_id = published[1].duplicate_group_id = published[0].id
    db.session.add(Report(contribution_id=published[2].id, reporter_key="k", reason="spam"))
    moderator = factories.make_user(role="moderator")
    return {
        "email": moderator.email,
        "chapter": chapter.id,
        "pending": [contribution.reference for contribution in pending],
        "published": [contribution.reference for contribution in published],
    }


def test_a_moderator_filters_the_queue_and_reads_it_page_by_page(page: Page, seed, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    data = seed(build_queue)
    sign_in(page, data["email"], then="/moderation/")

    page.get_by_label("Chapitre").select_option(label="Chapitre 1 — Identité")
    page.get_by_role("button", name="Filtrer").click()
    seen = []
    for _ in range(3):
        seen.extend(page.locator("tbody tr td:first-child a").all_inner_texts())
        if page.get_by_role("link", name="Page suivante").count() == 0:
            break
        page.get_by_role("link", name="Page suivante").click()

    assert seen == data["pending"]
    expect(page.get_by_role("link", name="Retour au début")).to_be_visible()
    expect(page.get_by_role("link", name="À modérer (5)")).to_have_attribute("aria-current", "page")


def test_a_moderator_answers_a_selection_from_the_queue(page: Page, seed):
    data = seed(build_queue)
    sign_in(page, data["email"], then="/moderation/?vue=publiees")

    for reference in data["published"][:2]:
        box = page.get_by_role("checkbox", name=f"Sélectionner la contribution {reference}")
        page.locator(f'label[for="{box.get_attribute("id")}"]').click(position={"x": 4, "y": 8})
    page.get_by_role("button", name="Répondre à la sélection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Répondre à plusieurs contributions")
    for reference in data["published"][:2]:
        expect(page.get_by_text(reference).first).to_be_visible()


def test_every_view_of_the_queue_has_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_queue)
    sign_in(axe_page, data["email"])

    for view in queue.View:
        axe_page.goto(f"/moderation/?vue={view.value}&chapitre={data['chapter']}")
        expect(axe_page.get_by_role("heading", level=1)).to_have_text("File de modération")
        assert_no_axe_violations(axe_page)
    axe_page.goto("/moderation/?vue=publiees&q=avis&du=n-importe-quoi&apres=hier")
    assert_no_axe_violations(axe_page)
