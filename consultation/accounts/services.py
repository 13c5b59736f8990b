"""Account services: authentication and account creation. They flush; the caller commits."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from consultation.accounts.models import User
from consultation.core.roles import Role
from consultation.extensions import db

# Checked against when the address is unknown, so that timing does not reveal which addresses exist.
_DUMMY = User(password_hash="")
_DUMMY.set_password(secrets.token_urlsafe(16))


class AccountRefused(Exception):
    """An account operation refused; message is shown to the user, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with this email and password, or None (same work either way)."""
    user = find_by_email(email)
    if user is None:
        _DUMMY.check_password(password)
        return None
    if not user.check_password(password) or not user.is_enabled:
        return None
    return user


def create_user(email: str, password: str, role: Role, display_name: str | None = None) -> User:
    """Create an account, or raise AccountRefused if the address is already taken."""
    if find_by_email(email) is not None:
        raise AccountRefused(f"Un compte existe déjà pour l’adresse {email}.")
    normalised = User.normalise_email(email)
    user = User(email=normalised, role=role, display_name=display_name or normalised.split("@")[0])
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def generate_password() -> str:
    """A random passphrase-length password (about 128 bits), for accounts created by command."""
    return secrets.token_urlsafe(16)
