"""The moderators' pages have no accessibility violation: queue, decision form, answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consultation.contributions.models import Status
from tests import factories
from tests.browser.axe import assert_no_axe_violations
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser


def build_queue() -> dict[str, object]:
    chapter = factories.make_chapter()
    published = factories.make_contribution(chapter)
    pending = factories.make_contribution(chapter, status=Status.PENDING)
    moderator = factories.make_user(role="moderator")
    return {"email": moderator.email, "published": published.id, "pending": pending.id}


def test_moderation_pages_have_no_accessibility_violation(axe_page: Page, seed):
    data = seed(build_queue)
    sign_in(axe_page, data["email"])

    for path in (
        "/moderation/",
        f"/moderation/contributions/{data['pending']}/refuser",
        "/moderation/a-repondre",
        f"/moderation/contributions/{data['published']}/reponse",
    ):
        axe_page.goto(path)
        expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(axe_page)

    axe_page.get_by_role("button", name="Publier la réponse").click()
    expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(axe_page)
