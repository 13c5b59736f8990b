"""What a few weeks of consultation leave behind, loaded once into the demo consultation.

A crowd of accounts and contributions, mail taken in and triaged, answers and drafts, themes,
a form letter grouped as near-duplicates, and the visitors of every day since the opening. Drawn
with a fixed seed and dated before the start of today (Paris): loading again the same day finds
it there and changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from consultation.accounts.models import User
from consultation.contributions.models import Contribution
from consultation.demo import crowd, mailbox, moderation, visits
from consultation.demo.bank import load_bank
from consultation.extensions import db
from consultation.publication.models import Consultation

SEED = 2026
FIRST_KEY = "demo-crowd-0001"


@dataclass(frozen=True)
class DemoActivity:
    account_count: int
    contribution_count: int
    mail: mailbox.MailReport
    follow_up: moderation.FollowUp
    visitor_count: int


def load_activity(
    consultation: Consultation, moderator: User, password_hash: str, period: crowd.Period
) -> DemoActivity | None:
    """Load it all, or None when the consultation has it already; flush, never commit.

    Most rows go in by bulk INSERT, past the flush that keeps the tally: the caller rebuilds it.
    """
    if is_loaded(consultation):
        return None
    rng, bank = random.Random(SEED), load_bank()  # noqa: S311 - demo data, the same each time
    members = crowd.set_up_accounts(period, password_hash, bank, rng)
    rows = crowd.contribution_rows(consultation, members, period, bank, rng)
    crowd.insert_contributions(consultation, rows)
    mail = mailbox.load_mail(consultation, moderator, period, bank, rng)
    follow_up = moderation.follow_up(consultation, moderator.id, period.end, bank, rng)
    visitor_count = visits.load_visits(consultation, period, rng)
    return DemoActivity(len(members), len(rows), mail, follow_up, visitor_count)


def is_loaded(consultation: Consultation) -> bool:
    query = select(Contribution.id).where(
        Contribution.consultation_id == consultation.id, Contribution.submission_key == FIRST_KEY
    )
    return db.session.scalar(query) is not None
