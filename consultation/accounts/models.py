"""Accounts: who people are (profile, organisation, consents) and how they sign in."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.enums import enum_type
from consultation.core.roles import STAFF_ROLES, Role
from consultation.extensions import db

# scrypt with werkzeug's parameters (n=2**15, r=8, p=1): memory-hard, maintained in the stdlib.
PASSWORD_METHOD = "scrypt"  # noqa: S105 - the name of a hashing method, not a password
DELETED_ACCOUNT_LABEL = "Compte supprimé"


def new_pseudonym() -> str:
    """'Participant 7KQ3M9': short, readable, and unrelated to the person."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "Participant " + "".join(secrets.choice(alphabet) for _ in range(6))


class Profile(db.Model):
    """A kind of stakeholder (industry, health establishment, citizen…), as the admins list them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column(default=0)
    #: Citizens and health professionals may contribute in their own name, without organisation.
    requires_organisation: Mapped[bool] = mapped_column(default=True)
    #: A retired profile stays on the accounts and contributions that have it, but is not offered.
    is_active: Mapped[bool] = mapped_column(default=True)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so that one address is one account; erased when the account is deleted.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    #: Shown instead of the name to people who did not consent to show it.
    pseudonym: Mapped[str] = mapped_column(String(40), default=new_pseudonym)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.CONTRIBUTOR)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("profile.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    #: Number in the HATVP register of interest representatives, when the person has one.
    hatvp_number: Mapped[str | None] = mapped_column(String(40))
    show_name: Mapped[bool] = mapped_column(default=False)
    news_opt_in: Mapped[bool] = mapped_column(default=False)
    charter_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Part of the session cookie: changing it ends every session of the user at once.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    #: Failed sign-ins since the last success, and until when sign-in is slowed down.
    failed_login_count: Mapped[int] = mapped_column(default=0)
    login_blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Second factor of staff sign-in: the TOTP secret (base32), set at enrolment, confirmed once
    #: a first code was accepted; the last time step accepted, so that a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    profile: Mapped[Profile | None] = relationship()

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = secrets.token_hex(16)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled and self.anonymised_at is None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def public_name(self) -> str:
        """The name shown beside contributions: the real one only with consent."""
        if self.anonymised_at is not None:
            return DELETED_ACCOUNT_LABEL
        return self.display_name if self.show_name else self.pseudonym


class TokenPurpose(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password


class AccountToken(db.Model):
    """A single-use secret sent by mail; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    #: SHA-256 of the secret sent by mail, so a database leak gives no usable link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: For an email change, the new address, confirmed by this token.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use code that replaces the authenticator app once; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
