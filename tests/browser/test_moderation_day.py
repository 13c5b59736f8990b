"""A moderator's day in Chromium, from the queue to the public page, with the mail in between.

A pending contribution is published from the queue, answered from the "Sans réponse" tab, the
outbox is sent as cron would send it to a real SMTP server, and its author follows the link of
the mail to read the answer on the public page. Every step leaves its event in the audit trail.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from consultation.contributions.models import Status
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from tests import factories
from tests.accounts.mail import SITE
from tests.browser.sign_in import sign_in

pytestmark = pytest.mark.browser

AUTHOR = "aline.contributrice@exemple.fr"
ANSWER = "Votre proposition sur l’identifiant national de santé est reprise au chapitre 1."


def build_day() -> dict[str, str]:
    chapter = factories.make_chapter()
    author = factories.make_user(email=AUTHOR)
    contribution = factories.make_contribution(
        chapter,
        author=author,
        status=Status.PENDING,
        body="L’identifiant national de santé devrait être vérifié à chaque admission.",
    )
    moderator = factories.make_user(role="moderator")
    return {"moderator": moderator.email, "reference": contribution.reference}


def send_outbox(app) -> None:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
        db.session.remove()
    assert result.exit_code == 0, result.output


def audit_actions(app, reference: str) -> list[str]:
    with app.app_context():
        query = select(AuditEvent.action).where(AuditEvent.object_label == reference)
        actions = list(db.session.scalars(query.order_by(AuditEvent.id)))
        db.session.remove()
    return actions


def test_queue_to_answer_to_mail_to_public_page(app, page: Page, seed, smtp_server):
    day = seed(build_day)
    reference = day["reference"]
    sign_in(page, day["moderator"], then="/moderation/")

    expect(page.get_by_role("link", name="À modérer (1)")).to_be_visible()
    page.get_by_role("button", name=f"Publier la contribution {reference}").click()
    expect(page.get_by_text(f"La contribution {reference} est publiée")).to_be_visible()

    page.get_by_role("link", name="Sans réponse (1)").click()
    page.get_by_role("link", name=f"Répondre à la contribution {reference}").click()
    page.get_by_text("Prise en compte", exact=True).click()
    page.get_by_label("Texte de la réponse").fill(ANSWER)
    page.get_by_role("button", name="Publier la réponse").click()
    expect(
        page.get_by_text(f"La réponse à la contribution {reference} est publiée.")
    ).to_be_visible()

    send_outbox(app)
    published = smtp_server.messages_to(AUTHOR)
    assert [message["Subject"] for message in published] == [
        f"Votre contribution {reference} est publiée",
        f"Votre contribution {reference} a reçu une réponse officielle",
    ]
    link = smtp_server.link(published[-1], f"/contributions/{reference}")
    page.goto(link.removeprefix(SITE))

    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_text("Prise en compte").first).to_be_visible()
    assert audit_actions(app, reference) == ["contribution.publish", "answer.publish"]
