"""Reading the audit trail in tests: the events recorded, oldest first, by action."""

from __future__ import annotations

from sqlalchemy import select

from consultation.core.audit import AuditEvent
from consultation.extensions import db


def events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def recorded(action: str) -> AuditEvent:
    """The one event of that action; fails when there is none or several."""
    found = events(action)
    assert len(found) == 1, [event.action for event in events()]
    return found[0]
