"""A user account: contributors and staff alike, told apart by their role."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from consultation.core.clock import now
from consultation.core.dates import UTCDateTime
from consultation.core.roles import STAFF_ROLES, Role
from consultation.extensions import db

# scrypt with werkzeug's parameters (n=2**15, r=8, p=1): memory-hard, maintained in the stdlib.
PASSWORD_METHOD = "scrypt"  # noqa: S105 - the name of a hashing method, not a password


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so that one address is one account whatever its case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            native_enum=False,
            length=20,
            name="role",
            create_constraint=True,
            values_callable=lambda roles: [role.value for role in roles],
        ),
        default=Role.CONTRIBUTOR,
    )
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES
