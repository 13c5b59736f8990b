"""The audit trail: every staff action, who did it, when, on what, and what it was before and after.

Rows are only ever added. The database refuses UPDATE and DELETE on the table (triggers created by
the migration), and the session refuses to flush a changed or deleted event, so neither a bug nor
a staff member with a shell can rewrite history through the application.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import click
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, event, null
from sqlalchemy.orm import Mapped, Session, mapped_column

from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.extensions import db

#: Who acted when no one is signed in: a `flask` command run by an operator.
COMMAND_LINE = "ligne de commande"


class AuditEvent(db.Model):
    __table_args__ = (
        Index("ix_audit_event_recent", "occurred_at", "id"),
        Index("ix_audit_event_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The actor as they were named at the time: the trail stays readable if the account changes.
    actor_label: Mapped[str] = mapped_column(String(254))
    #: What was done, as "<object>.<verb>", e.g. "contribution.refuse" or "user.role".
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: A human name for the object, e.g. the contribution reference.
    object_label: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The page or command the action came from, for an investigator.
    origin: Mapped[str | None] = mapped_column(String(200))


def record(
    action: str,
    target: object | None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    label: str | None = None,
    object_type: str | None = None,
) -> AuditEvent:
    """Add an event for `target` (a model instance) to the session; the caller commits.

    `before` and `after` hold only what the action changed, as JSON values (see `snapshot`),
    never a password or a token. An action with no model instance (an export) passes None and
    names its `object_type`. A new action code gets its French label in `admin.audit_labels`.
    """
    if target is None and object_type is None:
        raise ValueError("an event without a target names its object_type")
    event_row = AuditEvent(
        action=action,
        object_type=object_type or type(target).__name__.lower(),
        object_id=_identifier(target),
        object_label=(label or _label(target))[:200],
        # A missing side is SQL NULL (not JSON null), so that `before IS NULL` finds creations.
        before=dict(before) if before is not None else null(),
        after=dict(after) if after is not None else null(),
    )
    event_row.actor_id, event_row.actor_label = _actor()
    event_row.origin = _origin()
    db.session.add(event_row)
    return event_row


def record_change(
    action: str,
    target: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    label: str | None = None,
) -> AuditEvent | None:
    """Record what differs between two snapshots of `target`; nothing when nothing changed.

    `before` is None for a creation: then the whole `after` is recorded.
    """
    if before is None:
        return record(action, target, after=after, label=label)
    changed = [name for name in after if before.get(name) != after[name]]
    if not changed:
        return None
    return record(
        action,
        target,
        before={name: before.get(name) for name in changed},
        after={name: after[name] for name in changed},
        label=label,
    )


def snapshot(target: object, *fields: str) -> dict[str, Any]:
    """The fields of `target` as JSON values; a dotted field ("batch.number") follows relations."""
    values = {}
    for field in fields:
        value = target
        for name in field.split("."):
            value = getattr(value, name, None) if value is not None else None
        values[field] = json_value(value)
    return values


def json_value(value: object) -> Any:
    """A value as the trail stores it: enums by value, moments in ISO 8601 (UTC), the rest as is."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()  # one instant, one text: comparable
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def text_summary(text: str | None) -> str:
    """A long text as its length and fingerprint: the trail tells that it changed, not a copy."""
    data = (text or "").encode()
    return f"{len(text or '')} caractères, empreinte {hashlib.sha256(data).hexdigest()[:12]}"


def _identifier(target: object) -> str | None:
    identifier = getattr(target, "id", None)
    return None if identifier is None else str(identifier)


def _label(target: object | None) -> str:
    if target is None:
        return ""
    for attribute in ("reference", "name", "title", "email", "label"):
        value = getattr(target, attribute, None)
        if value:
            return str(value)
    return f"{type(target).__name__} {_identifier(target) or ''}".strip()


def _actor() -> tuple[int | None, str]:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, current_user.email or current_user.display_name
    return None, COMMAND_LINE


def _origin() -> str | None:
    """The page ("POST /moderation/…") or the command ("flask users create") acted from."""
    if has_request_context():
        return f"{request.method} {request.path}"[:200]
    command = click.get_current_context(silent=True)
    return command.command_path[:200] if command is not None else None


REWRITE_REFUSED = "Le journal d’audit ne se modifie pas : on y ajoute seulement."


@event.listens_for(Session, "before_flush")
def _refuse_rewriting_history(session: Session, _context, _instances) -> None:
    events = [row for row in (*session.dirty, *session.deleted) if isinstance(row, AuditEvent)]
    if any(row in session.deleted or session.is_modified(row) for row in events):
        raise PermissionError(REWRITE_REFUSED)
