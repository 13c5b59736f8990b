"""Where a staff sign-in stands in this session: password accepted, second factor passed or not.

The password step logs the person in with Flask-Login, but `user_for_session` gives no user for
that session until the second factor is passed in it. Until then a staff member is a visitor on
every page: public pages as anyone sees them (no hidden contribution, no mail, no back-office
link), and every guarded page sends them on to `/connexion/verification`. Only the pages of
`mfa_views` find them, through `pending_user()`.

The state is bound to the session token of `User.get_id()`: ending every session of a user (new
password, second factor reset by an admin) ends it too. It is dropped at logout and begun again
at each password sign-in.
"""

from __future__ import annotations

import secrets

from flask import session
from flask_login import login_user

from consultation.accounts import mfa
from consultation.accounts.models import User
from consultation.core.roles import second_factor_required
from consultation.extensions import db

STATE = "second_factor"
#: The secret offered to this session at enrolment: each session gets its own, so a secret seen
#: by someone else holding the password is never the one the owner confirms.
ENROLMENT = "second_factor_enrolment"


def user_of_session(session_id: str | None) -> User | None:
    """The user of a Flask-Login id ("<id>:<session token>"), unless their sessions ended since."""
    user_id, _, token = (session_id or "").partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not token or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def user_for_session(session_id: str | None) -> User | None:
    """The signed-in user of this session; staff only once their second factor passed in it."""
    user = user_of_session(session_id)
    if user is not None and second_factor_required(user) and not _has_passed(session_id):
        return None
    return user


def _has_passed(session_id: str | None) -> bool:
    state = session.get(STATE) or {}
    return state.get("session_id") == session_id and state.get("passed") is True


def begin(user: User) -> None:
    """The password was just accepted: the second factor is now awaited in this session."""
    session.pop(ENROLMENT, None)
    session[STATE] = {"session_id": user.get_id(), "passed": False}


def pending_user() -> User | None:
    """The staff member whose password this session accepted and whose second factor it awaits."""
    state = session.get(STATE) or {}
    session_id = session.get("_user_id")
    if state.get("session_id") != session_id or state.get("passed") is not False:
        return None
    user = user_of_session(session_id)
    if user is None or not user.is_active or not second_factor_required(user):
        return None
    return user


def mark_passed(user: User) -> None:
    """The second factor passed: the session is now signed in, for this request too."""
    session.pop(ENROLMENT, None)
    session[STATE] = {"session_id": user.get_id(), "passed": True}
    login_user(user)


def keep_passed(user: User) -> None:
    """After a password change that kept this session (new token), keep its second factor too."""
    state = session.get(STATE) or {}
    if state.get("passed") is True and state.get("session_id", "").startswith(f"{user.id}:"):
        session[STATE] = {"session_id": user.get_id(), "passed": True}


def forget() -> None:
    session.pop(STATE, None)
    session.pop(ENROLMENT, None)


def enrolment_secret(user: User) -> str:
    """The secret this session offers the user to enrol, the same on every visit of the page."""
    offered = session.get(ENROLMENT) or {}
    if offered.get("user_id") != user.id:
        offered = {"user_id": user.id, "secret": mfa.new_secret()}
        session[ENROLMENT] = offered
    return offered["secret"]


def forget_enrolment() -> None:
    """The secret offered was enrolled: the next enrolment page offers a new one."""
    session.pop(ENROLMENT, None)
