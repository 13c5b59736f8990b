"""Demo contributors and their contributions, written by hand (`content/contributions.toml`).

The people and bodies are fictitious. Contributions are spread over the days the chapters have
been out, most published, a few left for the moderator's queue.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import delete, select, update
from werkzeug.security import generate_password_hash

from consultation.accounts import services as accounts
from consultation.accounts.models import PASSWORD_METHOD, Profile, User
from consultation.contributions.models import Channel, Contribution, Status
from consultation.core.clock import now
from consultation.core.outbox import OutboxMessage
from consultation.core.roles import Role
from consultation.core.sanitize import render_plain_text
from consultation.demo.crowd import (
    DEMO_DOMAIN,
    PSEUDONYM_ALPHABET,
    Period,
    Place,
    insert_contributions,
    published_places,
)
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage
from consultation.publication.models import Consultation
from consultation.statistics import tally

CONTRIBUTIONS_FILE = Path(__file__).parent / "content" / "contributions.toml"
#: Public on purpose, like the staff demo passwords.
CONTRIBUTOR_PASSWORD = "demo-contribution-concertation"  # noqa: S105
#: One of the twelve contributors, printed with the staff accounts (all share the password).
EXAMPLE_CONTRIBUTOR = "dr.lenoir@demo.concertation.example"


@dataclass(frozen=True)
class DemoContributions:
    contributor_count: int
    created_count: int
    pending_count: int


@cache
def demo_password_hash(password: str) -> str:
    """One hash per demo password, whatever the number of accounts or loads in the process:
    scrypt is slow on purpose (half a second), and the passwords are public anyway."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def load_contributions(
    consultation: Consultation, password_hash: str, period: Period
) -> DemoContributions:
    """Create the demo contributors and their contributions once; flush, never commit.

    The contributions go in by bulk INSERT, like the crowd's: the caller rebuilds the counts.
    """
    data = tomllib.loads(CONTRIBUTIONS_FILE.read_text(encoding="utf-8"))
    authors = {
        person["key"]: _set_up_contributor(person, password_hash) for person in data["contributors"]
    }
    places = {place.chapter.number: place for place in published_places(consultation, period.end)}
    rows = [
        _row(consultation, authors[item["author"]], places[item["chapter"]], item, index, period)
        for index, item in enumerate(data["contributions"], start=1)
    ]
    loaded = set(
        db.session.scalars(
            select(Contribution.submission_key).where(
                Contribution.consultation_id == consultation.id,
                Contribution.submission_key.in_([row["submission_key"] for row in rows]),
            )
        )
    )
    rows = [row for row in rows if row["submission_key"] not in loaded]
    if rows:
        insert_contributions(consultation, rows)
    pending = sum(row["status"] == Status.PENDING for row in rows)
    return DemoContributions(len(authors), len(rows), pending)


def _set_up_contributor(person: dict, password_hash: str) -> User:
    user = accounts.find_by_email(person["email"])
    if user is None:
        # A pseudonym of its own, but the same from one load to the next, like the whole demo.
        letters = random.Random(person["key"]).choices(PSEUDONYM_ALPHABET, k=6)  # noqa: S311
        user = User(
            email=User.normalise_email(person["email"]),
            role=Role.CONTRIBUTOR,
            pseudonym="Participant " + "".join(letters),
        )
        db.session.add(user)
    user.password_hash = password_hash
    user.display_name, user.show_name = person["display_name"], person.get("show_name", False)
    user.profile = db.session.query(Profile).filter_by(code=person["profile"]).one()
    user.organisation, user.hatvp_number = person.get("organisation"), person.get("hatvp_number")
    user.email_confirmed_at = user.email_confirmed_at or now()
    user.charter_accepted_at = user.charter_accepted_at or now()
    db.session.flush()
    return user


def _row(consultation, author: User, place: Place, item: dict, index: int, period: Period):
    """The contribution, spread between its chapter's publication and the start of today."""
    start = place.chapter.batch.publish_at
    span = max(period.end - start - timedelta(hours=2), timedelta(hours=1))
    submitted_at = start + span * (0.15 + 0.8 * ((index * 37) % 100) / 100)
    is_pending = item.get("status") == "pending"
    anchor = item.get("section")
    body = item["text"].strip()
    return {
        "consultation_id": consultation.id,
        "chapter_id": place.chapter.id,
        "chapter_version_id": place.chapter.consultation_version.id,
        "section_anchor": anchor,
        "section_title": next((t for a, t, _ in place.sections if a == anchor), None),
        "author_id": author.id,
        "channel": Channel.WEB,
        "profile_id": author.profile_id,
        "organisation": author.organisation,
        "author_label": author.public_name,
        "body": body,
        "body_html": str(render_plain_text(body)),
        "status": Status.PENDING if is_pending else Status.PUBLISHED,
        "submission_key": f"demo-{index}",
        "submitted_at": submitted_at,
        "published_at": None if is_pending else min(submitted_at + timedelta(hours=20), period.end),
    }


def drop_demo_mail() -> None:
    """Receipts and notices to the fictitious demo addresses would never reach anyone."""
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.to_address.like(f"%{DEMO_DOMAIN}"))
    )


def discard_contributions(consultation: Consultation) -> None:
    """Before the demo consultation is replaced: its contributions go with it, and its mail."""
    theirs = Contribution.consultation_id == consultation.id
    with tally.tracking(theirs):  # a bulk DELETE bypasses the flush that keeps the tally
        db.session.execute(delete(Contribution).where(theirs))
    demo_mail = InboundMessage.message_key.like(f"<demo-courriel-%@{DEMO_DOMAIN}>")
    db.session.execute(delete(InboundMessage).where(demo_mail))
    db.session.execute(  # any other mail stays, free to be given to another consultation
        update(InboundMessage)
        .where(InboundMessage.consultation_id == consultation.id)
        .values(consultation_id=None)
    )
