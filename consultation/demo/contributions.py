"""Demo contributors and their contributions, submitted through the website's own service.

The people and bodies are fictitious (`content/contributions.toml`). Contributions are spread over
the days the chapters have been out, most published, a few left for the moderator's queue.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete

from consultation.accounts import services as accounts
from consultation.accounts.models import Profile, User
from consultation.contributions.models import Contribution
from consultation.contributions.services import DuplicateSubmission, publish, submit_contribution
from consultation.core.clock import now
from consultation.core.outbox import OutboxMessage
from consultation.core.roles import Role
from consultation.extensions import db
from consultation.publication.models import Chapter, Consultation
from consultation.statistics import tally

CONTRIBUTIONS_FILE = Path(__file__).parent / "content" / "contributions.toml"
#: Public on purpose, like the staff demo passwords.
CONTRIBUTOR_PASSWORD = "demo-contribution-concertation"  # noqa: S105
DEMO_DOMAIN = "demo.concertation.example"
#: One of the twelve contributors, printed with the staff accounts (all share the password).
EXAMPLE_CONTRIBUTOR = "dr.lenoir@demo.concertation.example"


@dataclass(frozen=True)
class DemoContributions:
    contributor_count: int
    created_count: int
    pending_count: int


def load_contributions(consultation: Consultation) -> DemoContributions:
    """Create the demo contributors and submit their contributions once; flush, never commit."""
    data = tomllib.loads(CONTRIBUTIONS_FILE.read_text(encoding="utf-8"))
    authors = {person["key"]: _set_up_contributor(person) for person in data["contributors"]}
    chapters = {chapter.number: chapter for chapter in consultation.chapters}
    created = pending = 0
    for index, item in enumerate(data["contributions"], start=1):
        contribution = _submit_once(authors[item["author"]], chapters[item["chapter"]], item, index)
        if contribution is None:
            continue
        created += 1
        if item.get("status") == "pending":
            pending += 1
        else:
            publish(contribution)
        _date_in_the_past(contribution, index)
    _drop_demo_mail()
    return DemoContributions(len(authors), created, pending)


def _set_up_contributor(person: dict) -> User:
    user = accounts.find_by_email(person["email"]) or accounts.create_user(
        person["email"], CONTRIBUTOR_PASSWORD, Role.CONTRIBUTOR, person["display_name"]
    )
    user.set_password(CONTRIBUTOR_PASSWORD)
    user.display_name, user.show_name = person["display_name"], person.get("show_name", False)
    user.profile = db.session.query(Profile).filter_by(code=person["profile"]).one()
    user.organisation, user.hatvp_number = person.get("organisation"), person.get("hatvp_number")
    user.email_confirmed_at = user.email_confirmed_at or now()
    user.charter_accepted_at = user.charter_accepted_at or now()
    db.session.flush()
    return user


def _submit_once(author: User, chapter: Chapter, item: dict, index: int) -> Contribution | None:
    """Submit through the website's service; a contribution already loaded is left as it is."""
    try:
        return submit_contribution(
            author, chapter, item["text"].strip(), item.get("section"), f"demo-{index}"
        )
    except DuplicateSubmission:
        return None


def _date_in_the_past(contribution: Contribution, index: int) -> None:
    """Spread the contributions between their chapter's publication and now."""
    start = contribution.chapter.batch.publish_at
    span = max(now() - start - timedelta(hours=2), timedelta(hours=1))
    contribution.submitted_at = start + span * (0.15 + 0.8 * ((index * 37) % 100) / 100)
    if contribution.published_at is not None:
        contribution.published_at = min(contribution.submitted_at + timedelta(hours=20), now())


def _drop_demo_mail() -> None:
    """Receipts and notices to the fictitious demo addresses would never reach anyone."""
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.to_address.like(f"%{DEMO_DOMAIN}"))
    )


def discard_contributions(consultation: Consultation) -> None:
    """Before the demo consultation is replaced: its contributions go with it."""
    theirs = Contribution.consultation_id == consultation.id
    with tally.tracking(theirs):  # a bulk DELETE bypasses the flush that keeps the tally
        db.session.execute(delete(Contribution).where(theirs))
