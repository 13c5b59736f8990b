"""Account services: signing in (with throttling), passwords, confirmation mail, account creation.

They flush; the caller commits. Registration, confirmation and reset live in registration.py.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta

from sqlalchemy import select

from consultation.accounts.models import TokenPurpose, User
from consultation.accounts.passwords import password_problem
from consultation.accounts.tokens import AccountRefused, issue_token
from consultation.core import outbox
from consultation.core.clock import now
from consultation.core.links import site_url
from consultation.core.roles import Role, second_factor_required
from consultation.extensions import db

__all__ = ["AccountRefused", "SignInSuspended"]

# Checked against when the address is unknown, so that timing does not reveal which addresses exist.
_DUMMY = User(password_hash="")
_DUMMY.set_password(secrets.token_urlsafe(16))

WRONG_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."
#: Failures in a row before sign-in is suspended; then 1, 2, 4… minutes, never more than the cap.
FAILURES_BEFORE_SUSPENSION = 5
SUSPENSION_CAP = timedelta(minutes=15)
SUSPENDED = (
    "Trop d’essais infructueux : par sécurité, la connexion à ce compte est suspendue pendant "
    "encore {delay}, même avec le bon mot de passe. Patientez, ou réinitialisez votre mot de "
    "passe : le lien reçu par courriel rétablit l’accès aussitôt."
)
#: Staff: a new password does not lift it, or a mailbox and a password would buy guesses at codes.
SUSPENDED_STAFF = (
    "Trop d’essais infructueux : par sécurité, la connexion à ce compte est suspendue pendant "
    "encore {delay}, même avec le bon mot de passe et le bon code. Patientez avant de réessayer."
)


class SignInSuspended(AccountRefused):
    """Too many failed sign-ins: refused for a while, whatever the password."""


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, or AccountRefused (same work either way).

    Raises SignInSuspended after too many failures in a row, even for the right password.
    """
    user = find_by_email(email)
    if user is None or not user.is_active:
        _DUMMY.check_password(password)
        raise AccountRefused(WRONG_CREDENTIALS)
    ensure_not_suspended(user)
    if not user.check_password(password):
        count_failed_attempt(user)
        raise AccountRefused(WRONG_CREDENTIALS)
    if not second_factor_required(user):
        clear_sign_in_throttle(user)  # staff: once the second factor is accepted too (accounts.mfa)
    return user


def ensure_not_suspended(user: User) -> None:
    """Raise SignInSuspended while sign-in to this account is suspended."""
    if user.login_blocked_until is not None and user.login_blocked_until > now():
        minutes = math.ceil((user.login_blocked_until - now()).total_seconds() / 60)
        delay = "1 minute" if minutes == 1 else f"{minutes} minutes"
        message = SUSPENDED_STAFF if second_factor_required(user) else SUSPENDED
        raise SignInSuspended(message.format(delay=delay))


def count_failed_attempt(user: User) -> None:
    """Count a wrong password or second-factor code; raise SignInSuspended once suspended."""
    _record_failed_sign_in(user)
    ensure_not_suspended(user)


def _record_failed_sign_in(user: User) -> None:
    """Count the failure; from the fifth in a row, suspend sign-in for a doubling delay."""
    user.failed_login_count += 1
    beyond = user.failed_login_count - FAILURES_BEFORE_SUSPENSION
    if beyond >= 0:
        delay = timedelta(minutes=2 ** min(beyond, 10))
        user.login_blocked_until = now() + min(delay, SUSPENSION_CAP)


def clear_sign_in_throttle(user: User) -> None:
    user.failed_login_count = 0
    user.login_blocked_until = None


def set_new_password(user: User, password: str) -> None:
    """Apply the policy, set the password and end every session; AccountRefused on new_password."""
    problem = password_problem(password, user.email or "", user.display_name)
    if problem:
        raise AccountRefused(problem, field="new_password")
    user.set_password(password)
    user.end_all_sessions()
    if not second_factor_required(user):
        clear_sign_in_throttle(user)


def change_password(user: User, current: str, new: str) -> None:
    """Change a password knowing the current one; every session ends, the caller signs in again.

    Raises AccountRefused with field "current_password" or "new_password".
    """
    if not user.check_password(current):
        raise AccountRefused("Le mot de passe actuel est incorrect.", field="current_password")
    set_new_password(user, new)


def send_confirmation(user: User, email: str | None = None) -> None:
    """Queue the mail with a confirmation link; with email, the link confirms that new address."""
    secret = issue_token(user, TokenPurpose.CONFIRM_EMAIL, email)
    link = site_url("accounts.confirm_email", token=secret)
    template = "account_email_change" if email else "account_confirm"
    queue_account_mail(email or user.email, "confirm_email", template, user=user, link=link)


def queue_account_mail(to_address: str, kind: str, template: str, **context: object) -> None:
    """Queue an account mail; every one links to the personal-data notice."""
    privacy_url = site_url("legal.page", name="donnees-personnelles")
    outbox.queue_mail(to_address, kind, template, privacy_url=privacy_url, **context)


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
