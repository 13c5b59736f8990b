"""The audit trail is append-only: actions add events; neither SQL nor the ORM rewrites one."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from consultation.accounts.models import User
from consultation.contributions.models import Status
from consultation.core import audit
from consultation.core.audit import COMMAND_LINE, AuditEvent
from consultation.extensions import db
from tests import factories


def events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


@pytest.fixture
def recorded_event(client, login, make_contribution):
    """An event recorded by a real action: a moderator hides a contribution."""
    contribution = make_contribution()
    login(role="moderator")
    client.post(
        f"/moderation/contributions/{contribution.id}/masquer",
        data={"reason": "spam", "comment": "Publicité"},
    )
    [event] = events("contribution.hide")
    return event


def test_a_staff_action_records_who_did_what_when_and_the_change(
    client, clock, login, make_contribution
):
    contribution = make_contribution()
    moderator = login(role="moderator")

    client.post(
        f"/moderation/contributions/{contribution.id}/masquer",
        data={"reason": "spam", "comment": "Publicité"},
    )

    [event] = events()
    assert contribution.status == Status.HIDDEN
    assert (event.actor_id, event.actor_label) == (moderator.id, moderator.email)
    assert event.occurred_at == clock.now()
    assert (event.object_type, event.object_id) == ("contribution", str(contribution.id))
    assert event.object_label == contribution.reference
    assert event.before == {"status": "published", "status_reason": None}
    assert event.after == {"status": "hidden", "status_reason": "spam: Publicité"}
    assert event.origin == f"POST /moderation/contributions/{contribution.id}/masquer"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'contribution.publish'", "DELETE FROM audit_event"],
)
def test_the_database_refuses_to_change_or_delete_an_event(recorded_event, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement))

    db.session.expire_all()
    assert [event.action for event in events()] == ["contribution.hide"]


def test_emptying_the_whole_trail_at_once_is_refused(app, recorded_event):
    # TRUNCATE on PostgreSQL; SQLite has none, its equivalent is an unconditional DELETE (its
    # "truncate optimisation", which it gives up for a table with a delete trigger).
    postgresql = db.engine.dialect.name == "postgresql"
    statement = "TRUNCATE audit_event" if postgresql else "DELETE FROM audit_event WHERE 1"

    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement))

    assert len(events()) == 1


def test_the_session_refuses_to_flush_a_changed_event(recorded_event):
    with pytest.raises(PermissionError, match="on y ajoute seulement"), db.session.begin_nested():
        recorded_event.after = {"status": "published"}
        db.session.flush()

    db.session.expire_all()
    assert events()[0].after == {"status": "hidden", "status_reason": "spam: Publicité"}


def test_the_session_refuses_to_flush_a_deleted_event(recorded_event):
    with pytest.raises(PermissionError, match="on y ajoute seulement"), db.session.begin_nested():
        db.session.delete(recorded_event)
        db.session.flush()

    assert len(events()) == 1


def test_a_command_is_recorded_as_acting_from_the_command_line(cli):
    result = cli.invoke(
        args=["users", "create", "Moderatrice@Exemple.fr", "--role", "moderator", "--name", "Léa"]
    )

    [event] = events()
    user = db.session.scalar(select(User).where(User.email == "moderatrice@exemple.fr"))
    assert result.exit_code == 0, result.output
    assert (event.actor_id, event.actor_label) == (None, COMMAND_LINE)
    assert event.action == "user.create"
    assert (event.object_id, event.object_label) == (str(user.id), "moderatrice@exemple.fr")
    assert event.before is None
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.before.is_(None))) == event.id
    assert event.after == {
        "email": "moderatrice@exemple.fr",
        "role": "moderator",
        "display_name": "Léa",
    }
    assert "users create" in event.origin


def test_a_command_never_records_the_password(cli):
    result = cli.invoke(args=["users", "create", "admin@exemple.fr", "--role", "admin"])

    password = result.output.rsplit(":", 1)[1].strip()
    [event] = events()
    assert password
    assert password not in repr((event.before, event.after, event.object_label, event.origin))


def test_a_change_that_changes_nothing_records_nothing(database):
    profile = factories.profile("citoyen")
    before = audit.snapshot(profile, "label", "position")

    audit.record_change(
        "profile.edit", profile, before, audit.snapshot(profile, "label", "position")
    )
    db.session.flush()

    assert events() == []
