"""Readers' reports that a published contribution breaks the charter, and how moderators close them.

A reader is recognised by a keyed hash of their account or, signed out, of their address, mixed
with the contribution: a repeat is told apart without storing any address. Services flush; the
view commits.
"""

from __future__ import annotations

import enum
import hashlib
import hmac

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from consultation.accounts.models import User
from consultation.contributions.models import Contribution
from consultation.contributions.services import ContributionRefused
from consultation.core import audit
from consultation.core.clock import now
from consultation.extensions import db
from consultation.moderation import decisions, redaction
from consultation.moderation.decisions import CharterReason
from consultation.moderation.models import Redaction, Report

#: The charter reasons a reader can judge; duplicates are for moderators to find.
READER_REASONS = (
    CharterReason.ABUSIVE,
    CharterReason.PERSONAL_DATA,
    CharterReason.OFF_TOPIC,
    CharterReason.SPAM,
    CharterReason.OTHER,
)
RESOLVE = "contribution.reports_resolve"
ALREADY_RESOLVED = (
    "Les signalements de cette contribution viennent d’être traités par quelqu’un d’autre : "
    "rechargez la page."
)


class Resolution(enum.StrEnum):
    KEPT = "kept"
    HIDDEN = "hidden"
    REDACTED = "redacted"

    @property
    def label(self) -> str:
        labels = {"kept": "Rien à redire", "hidden": "Contribution masquée",
                  "redacted": "Passage masqué"}  # fmt: skip
        return labels[self.value]


def resolution_label(code: str | None) -> str:
    """What was done with a report, in French, from its stored code."""
    try:
        return Resolution(code).label
    except ValueError:
        return "non traité"


class ReportRefused(ContributionRefused):
    """A report or a resolution that cannot be recorded; message says why, in French."""


def reporter_key(contribution: Contribution, reporter: str) -> str:
    """HMAC-SHA256, keyed by the app's secret, of "user:<id>" or the address, and the
    contribution: the same reader gets the same key for one contribution, and no other."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"{reporter}\n{contribution.id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def report(
    contribution: Contribution,
    reason: CharterReason,
    comment: str,
    reporter: str,
    user: User | None = None,
) -> tuple[Report, bool]:
    """Record a reader's report once: a repeat gives back the first one, with False."""
    if not contribution.is_published:
        raise ReportRefused("Seule une contribution publiée peut être signalée.")
    key = reporter_key(contribution, reporter)
    existing = _reported(contribution, key)
    if existing is not None:
        return existing, False
    row = Report(contribution_id=contribution.id, reporter_key=key, reason=reason.value)
    row.reporter_id, row.comment = (user.id if user else None), (comment.strip() or None)
    try:
        # A simultaneous request of the same reader may win the race: the unique key then
        # refuses this row, and the one already there is the answer.
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        existing = _reported(contribution, key)
        if existing is None:
            raise
        return existing, False
    return row, True


def _reported(contribution: Contribution, key: str) -> Report | None:
    query = select(Report).where(
        Report.contribution_id == contribution.id, Report.reporter_key == key
    )
    return db.session.scalar(query)


def reports_of(contribution: Contribution) -> list[Report]:
    """Every report of the contribution, open or resolved, oldest first."""
    query = (
        select(Report)
        .where(Report.contribution_id == contribution.id)
        .order_by(Report.created_at, Report.id)
    )
    return list(db.session.scalars(query))


def keep(contribution: Contribution, up_to_id: int, moderator: User) -> int:
    """Close the open reports as unfounded; the contribution stays as it is."""
    return _resolve(contribution, Resolution.KEPT, up_to_id, moderator)


def hide(
    contribution: Contribution,
    reason: CharterReason,
    comment: str,
    up_to_id: int,
    moderator: User,
) -> int:
    """Hide the contribution (the charter decision) and close its open reports."""
    decisions.hide(contribution, reason, comment)
    return _resolve(contribution, Resolution.HIDDEN, up_to_id, moderator, status="published")


def hide_with_open_reports(
    contribution: Contribution, reason: CharterReason, comment: str, moderator: User
) -> None:
    """Hide the contribution from the queue; reports still open are closed with the decision,
    so that restoring it later does not bring back reports already dealt with."""
    decisions.hide(contribution, reason, comment)
    open_ids = [row.id for row in reports_of(contribution) if row.resolved_at is None]
    if open_ids:
        _resolve(contribution, Resolution.HIDDEN, max(open_ids), moderator, status="published")


def redact(
    contribution: Contribution,
    passages: list[str],
    reason: CharterReason,
    up_to_id: int,
    moderator: User,
) -> Redaction:
    """Mask passages of the text and close the open reports."""
    masked = redaction.redact(contribution, passages, reason, moderator)
    _resolve(contribution, Resolution.REDACTED, up_to_id, moderator)
    return masked


def _resolve(
    contribution: Contribution,
    resolution: Resolution,
    up_to_id: int,
    moderator: User,
    status: str | None = None,
) -> int:
    """Close the open reports the moderator saw (ids up to `up_to_id`), in one conditional
    UPDATE: a report sent while they decided stays open, and a second moderator closes none."""
    statement = (
        update(Report)
        .where(
            Report.contribution_id == contribution.id,
            Report.resolved_at.is_(None),
            Report.id <= up_to_id,
        )
        .values(resolved_at=now(), resolved_by_id=moderator.id, resolution=resolution.value)
        .returning(Report.id)
        .execution_options(synchronize_session=False)
    )
    closed = sorted(db.session.scalars(statement))
    if not closed:
        raise ReportRefused(ALREADY_RESOLVED)
    audit.record(
        RESOLVE,
        contribution,
        before={"open_reports": closed, "status": status or contribution.status.value},
        after={"resolution": resolution.value, "status": contribution.status.value},
    )
    return len(closed)
