"""Single-use links sent by mail (confirming an address, resetting a password).

The secret travels only in the mail; the database keeps its SHA-256, so a leaked table gives no
usable link. A token is refused once used, once expired, and once another token of the same
purpose has been used by the same person.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from consultation.accounts.models import AccountToken, TokenPurpose, User
from consultation.core.clock import now
from consultation.extensions import db

LIFETIMES = {
    TokenPurpose.CONFIRM_EMAIL: timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
}
UNKNOWN = (
    "Ce lien n’est pas valide. Vérifiez qu’il a été copié en entier, ou demandez-en un nouveau."
)
USED = "Ce lien a déjà été utilisé. Chaque lien ne sert qu’une fois : demandez-en un nouveau."
EXPIRED = (
    "Ce lien a expiré : pour des raisons de sécurité, il n’est valable que pendant {lifetime}."
)


class AccountRefused(Exception):
    """An account operation refused; message is shown to the user, in French.

    field names the form field the message belongs to, when there is one. Defined here, the
    lowest layer of the accounts services, and re-exported by services.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, email: str | None = None) -> str:
    """A new token for the user; returns the secret (256 bits) to put in the link."""
    secret = secrets.token_urlsafe(32)
    token = AccountToken(
        user=user,
        purpose=purpose,
        token_hash=_hash(secret),
        email=email,
        expires_at=now() + LIFETIMES[purpose],
    )
    db.session.add(token)
    db.session.flush()
    return secret


def usable_token(secret: str, purpose: TokenPurpose) -> AccountToken:
    """The token of this secret, without using it; AccountRefused if unknown, used or expired."""
    token = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _hash(secret), AccountToken.purpose == purpose
        )
    )
    if token is None or not token.user.is_active:
        raise AccountRefused(UNKNOWN)
    if token.used_at is not None:
        raise AccountRefused(USED)
    if token.expires_at <= now():
        raise AccountRefused(EXPIRED.format(lifetime=_describe(LIFETIMES[purpose])))
    return token


def consume_token(secret: str, purpose: TokenPurpose) -> AccountToken:
    """Mark the token used, once even under concurrent requests; AccountRefused otherwise."""
    token = usable_token(secret, purpose)
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AccountRefused(USED)
    db.session.refresh(token)
    _retire_others(token)
    return token


def _retire_others(token: AccountToken) -> None:
    """Older links of the same purpose stop working once one of them has done its job."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == token.user_id,
            AccountToken.purpose == token.purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )


def _describe(lifetime: timedelta) -> str:
    hours = int(lifetime.total_seconds() // 3600)
    return "une heure" if hours == 1 else f"{hours} heures"
