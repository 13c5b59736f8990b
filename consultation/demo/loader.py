"""Loading the demo: the demo consultation, scheduled around today, and the demo staff accounts.

The package in `content/` is read like any other; only its dates are moved, so that whenever the
demo is loaded the consultation is open, two batches are out and the last one is still to come.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from consultation.accounts import services as accounts
from consultation.accounts.models import User
from consultation.contributions.services import recount_published
from consultation.core.clock import now
from consultation.core.dates import PARIS
from consultation.core.roles import Role
from consultation.demo.activity import DemoActivity, load_activity
from consultation.demo.contributions import (
    CONTRIBUTOR_PASSWORD,
    DemoContributions,
    demo_password_hash,
    discard_contributions,
    drop_demo_mail,
    load_contributions,
)
from consultation.demo.crowd import Period, start_of_today
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.publication.package import (
    ImportReport,
    PackageSpec,
    import_package,
    read_package,
)
from consultation.statistics import tally

CONTENT = Path(__file__).parent / "content"
#: Every demo date is at this hour, Paris time, so that loading twice the same day changes nothing.
DEMO_HOUR = time(9, 0)
OPENED_AGO = timedelta(days=12)
CLOSES_IN = timedelta(days=45)
#: When each batch comes out, counted from today: 1 at the opening, 2 lately, 3 still to come.
BATCH_OFFSETS = {1: -OPENED_AGO, 2: timedelta(days=-4), 3: timedelta(days=10)}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    display_name: str
    #: Public on purpose: printed by the command, to be given in the README too.
    password: str
    #: The second factor's TOTP key, public too, printed with the accounts (`flask demo codes`).
    totp_secret: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "admin@demo.concertation.example",
        Role.ADMIN,
        "Administration (démo)",
        "demo-admin-concertation",
        "KYGU3E6CMP7FB2FK3MTCIVZTYVGXYZZZ",
    ),
    DemoAccount(
        "moderateur@demo.concertation.example",
        Role.MODERATOR,
        "Modération (démo)",
        "demo-moderation-concertation",
        "URQPK5W25K5FKTL4FMHST2HOFR5RGFRZ",
    ),
    DemoAccount(
        "analyste@demo.concertation.example",
        Role.ANALYST,
        "Analyse (démo)",
        "demo-analyse-concertation",
        "TVY4I6344SNGXKLY2IIXZMVJVXSCSSX5",
    ),
)


@dataclass(frozen=True)
class DemoReport:
    spec: PackageSpec
    imported: ImportReport
    #: True when an earlier demo, scheduled on another day, was replaced.
    was_rescheduled: bool
    contributions: DemoContributions
    #: None when the demo consultation had it already (loaded earlier the same day).
    activity: DemoActivity | None
    accounts: tuple[DemoAccount, ...] = DEMO_ACCOUNTS


def load_demo() -> DemoReport:
    """Import the demo consultation and set up the demo accounts; flush, never commit.

    Raises PackageRefused if the demo package itself is broken.
    """
    spec = schedule_around(read_package(CONTENT), now())
    was_rescheduled = _discard_if_scheduled_differently(spec)
    imported = import_package(spec)
    staff = [_set_up_account(account) for account in DEMO_ACCOUNTS]
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == spec.slug))
    password_hash = demo_password_hash(CONTRIBUTOR_PASSWORD)
    period = Period(consultation.opens_at, start_of_today())
    contributions = load_contributions(consultation, password_hash, period)
    moderator = next(user for user in staff if user.role == Role.MODERATOR)
    activity = load_activity(consultation, moderator, password_hash, period)
    if contributions.created_count or activity is not None:
        # The contributions and answers went in by bulk INSERT, past the flush that counts.
        tally.rebuild(consultation.id)
        recount_published()
    drop_demo_mail()
    return DemoReport(spec, imported, was_rescheduled, contributions, activity)


def schedule_around(spec: PackageSpec, at: datetime) -> PackageSpec:
    """The package with its dates moved around the day of `at`, at DEMO_HOUR in Paris."""
    today = datetime.combine(at.astimezone(PARIS).date(), DEMO_HOUR, tzinfo=PARIS)
    batches = tuple(
        dataclasses.replace(batch, publish_at=_utc(today + BATCH_OFFSETS[batch.number]))
        for batch in spec.batches
    )
    return dataclasses.replace(
        spec,
        opens_at=_utc(today - OPENED_AGO),
        closes_at=_utc(today + CLOSES_IN),
        batches=batches,
    )


def _utc(local: datetime) -> datetime:
    # Days added to a Paris time keep its wall-clock hour, even across a change of summer time.
    return local.astimezone(UTC)


def _discard_if_scheduled_differently(spec: PackageSpec) -> bool:
    """Remove a demo loaded on another day, whose published batches could not move any more.

    A real consultation is never deleted once published; the demo is, because its whole point
    is to be shown open today. Loading twice the same day keeps it, and what was added to it.
    """
    existing = db.session.scalar(select(Consultation).where(Consultation.slug == spec.slug))
    if existing is None or existing.opens_at == spec.opens_at:
        return False
    discard_contributions(existing)
    db.session.delete(existing)
    db.session.flush()
    return True


def _set_up_account(account: DemoAccount) -> User:
    """Create the account, or give it back its demo role, password and second factor."""
    user = accounts.find_by_email(account.email)
    if user is None:
        user = User(email=User.normalise_email(account.email), display_name=account.display_name)
        db.session.add(user)
    user.role, user.is_enabled = account.role, True
    user.password_hash = demo_password_hash(account.password)
    if user.totp_secret != account.totp_secret or user.totp_confirmed_at is None:
        user.totp_secret, user.totp_confirmed_at = account.totp_secret, now()
        user.totp_last_step = None
    db.session.flush()
    return user
