"""The second factor of staff sign-in: TOTP codes from an authenticator app, and recovery codes.

Codes are checked at `core.clock.now()` (tests freeze it), one time step either side, and each
time step works once: `totp_last_step` only grows, through a conditional UPDATE, so two requests
racing with one code cannot both pass. Recovery codes are kept as SHA-256 and spent the same way.
Wrong codes count with wrong passwords (`services.count_failed_attempt`); for staff, only a
completed sign-in clears that count. Services flush; the caller commits, refusals included.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from consultation.accounts import services
from consultation.accounts.models import RecoveryCode, User
from consultation.accounts.tokens import AccountRefused
from consultation.core import audit
from consultation.core.clock import now
from consultation.core.outbox import queue_mail
from consultation.core.roles import STAFF_ROLES
from consultation.extensions import db

ISSUER = "Concertation"
#: The codes of the time steps just before and after the current one pass too (clock drift).
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
#: 32 symbols without 0, 1, I and O, which read alike: 12 of them carry 60 random bits.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECOVERY_GROUPS = 3
RECOVERY_GROUP_SIZE = 4

WRONG_CODE = (
    "Ce code n’est pas le bon. Saisissez le code affiché en ce moment par votre application ; "
    "s’il est refusé encore, vérifiez que l’heure de votre téléphone est à l’heure."
)
USED_CODE = (
    "Ce code a déjà servi. Attendez que votre application affiche le suivant (toutes les "
    "30 secondes), puis saisissez-le."
)
WRONG_RECOVERY_CODE = "Ce code de secours n’est pas valable : il est inconnu ou a déjà servi."
WRONG_NEW_CODE = (
    "Ce code n’est pas celui de la nouvelle application. Vérifiez que vous avez scanné le code QR "
    "de cette page, puis saisissez le code qu’elle affiche en ce moment."
)
NOT_ENROLLED = "Aucune application d’authentification n’est enregistrée pour ce compte."
ALREADY_ENROLLED = "Une application d’authentification est déjà enregistrée pour ce compte."


class SecondFactorRefused(AccountRefused):
    """A wrong or already used code: the message is for the person, on the form's field."""


@dataclass(frozen=True)
class StaffFactor:
    """A staff account and the state of its second factor, for the admins' list."""

    user: User
    is_enrolled: bool
    recovery_code_count: int


def is_enrolled(user: User) -> bool:
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def new_secret() -> str:
    """A fresh TOTP secret (160 random bits, base32), offered at enrolment."""
    return pyotp.random_base32()


def secret_groups(secret: str, size: int = 4) -> list[str]:
    """The key in groups of four, easier to copy by hand into an app."""
    return [secret[start : start + size] for start in range(0, len(secret), size)]


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address that the QR code carries to the authenticator app."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def confirm_enrolment(user: User, secret: str, code: str) -> list[str]:
    """Keep `secret` once a first code from it is accepted; return new recovery codes.

    Raises SecondFactorRefused (counted as a failed sign-in) for a wrong code, or when another
    request enrolled the account first.
    """
    services.ensure_not_suspended(user)
    steps = _matching_steps(secret, code)
    if not steps:
        _refuse(user, WRONG_CODE)
    values = {"totp_secret": secret, "totp_confirmed_at": now(), "totp_last_step": steps[-1]}
    enrolled = db.session.execute(
        update(User)
        .where(User.id == user.id, User.totp_confirmed_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if enrolled.rowcount != 1:
        raise SecondFactorRefused(ALREADY_ENROLLED, field="code")
    for name, value in values.items():
        set_committed_value(user, name, value)
    codes = _replace_recovery_codes(user)
    _record_own_action("mfa.enrol", user, recovery_code_count=len(codes))
    services.clear_sign_in_throttle(user)
    return codes


def check_code(user: User, code: str) -> None:
    """Accept a code of the enrolled user's app once; raise SecondFactorRefused otherwise.

    A refusal counts as a failed sign-in, and raises SignInSuspended from the fifth in a row.
    """
    services.ensure_not_suspended(user)
    if not is_enrolled(user):
        raise SecondFactorRefused(NOT_ENROLLED, field="code")
    steps = _matching_steps(user.totp_secret, code)
    if not steps:
        _refuse(user, WRONG_CODE)
    fresh = [step for step in steps if user.totp_last_step is None or step > user.totp_last_step]
    if not fresh or not _claim_step(user, fresh[0]):
        _refuse(user, USED_CODE)


def complete_sign_in(user: User, code: str) -> None:
    """The second step of a staff sign-in: the code passes, and the failures count starts again."""
    check_code(user, code)
    services.clear_sign_in_throttle(user)


def _matching_steps(secret: str, code: str) -> list[int]:
    """The time steps, within the window around now, whose code is `code` (oldest first)."""
    if not re.fullmatch(r"\d{6}", code or ""):
        return []
    totp, at = pyotp.TOTP(secret), now()
    current = totp.timecode(at)
    return [
        current + offset
        for offset in range(-VALID_WINDOW, VALID_WINDOW + 1)
        if hmac.compare_digest(totp.at(at, counter_offset=offset), code)
    ]


def _claim_step(user: User, step: int) -> bool:
    """Mark the time step used, unless a request with the same code got there first."""
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _refuse(user: User, message: str, field: str = "code") -> None:
    services.count_failed_attempt(user)
    raise SecondFactorRefused(message, field=field)


def new_recovery_code() -> str:
    """'7KQ3-M9XP-2WTR': random, and grouped so that a person can read it out and type it."""
    symbols = "".join(
        secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_SIZE)
    )
    groups = range(0, len(symbols), RECOVERY_GROUP_SIZE)
    return "-".join(symbols[start : start + RECOVERY_GROUP_SIZE] for start in groups)


def _recovery_hash(code: str) -> str:
    """SHA-256 of the code without its dashes, spaces or case: only this is stored."""
    normalised = re.sub(r"[\s-]", "", code).upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    db.session.flush()
    return codes


def recovery_code_count(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    query = select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0


def are_unused_recovery_codes(user: User, codes: list[str]) -> bool:
    """True when every code given is one of the user's unused recovery codes."""
    hashes = {_recovery_hash(code) for code in codes}
    query = select(func.count()).where(
        RecoveryCode.user_id == user.id,
        RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash.in_(hashes),
    )
    return bool(hashes) and db.session.scalar(query) == len(hashes)


def use_recovery_code(user: User, code: str) -> int:
    """Spend one recovery code instead of a TOTP code; return how many remain.

    Raises SecondFactorRefused, counted as a failed sign-in, for an unknown or spent code.
    """
    services.ensure_not_suspended(user)
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        _refuse(user, WRONG_RECOVERY_CODE, field="recovery_code")
    remaining = recovery_code_count(user)
    _record_own_action("mfa.recovery_used", user, recovery_code_count=remaining)
    # A recovery code stands in for the phone: the owner is told, in case it was not them.
    queue_mail(user.email, "mfa_recovery_used", "mfa_recovery_used", user=user, remaining=remaining)
    services.clear_sign_in_throttle(user)
    return remaining


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes in place of all the old ones, for a user who gives a current code."""
    check_code(user, code)
    codes = _replace_recovery_codes(user)
    audit.record("mfa.recovery_regenerated", user, after={"recovery_code_count": len(codes)})
    return codes


def replace_app(user: User, current_code: str, secret: str, new_code: str) -> None:
    """Move the second factor to another app (a new phone) without an admin.

    A current code of the old app proves the person holds it, a first code of the new one that
    it is set up. Recovery codes stay. The owner is told by mail: whoever holds both the
    password and the old phone could be someone else.
    """
    check_code(user, current_code)
    steps = _matching_steps(secret, new_code)
    if not steps:
        _refuse(user, WRONG_NEW_CODE, field="new_code")
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = secret, now(), steps[-1]
    services.clear_sign_in_throttle(user)
    audit.record("mfa.replaced", user)
    queue_mail(user.email, "mfa_app_replaced", "mfa_app_replaced", user=user)
    db.session.flush()


def reset_second_factor(user: User) -> None:
    """Forget the user's app and recovery codes and end their sessions (an admin's action).

    They enrol a new app at their next sign-in; their sign-in suspension, if any, is lifted.
    """
    before = {"is_enrolled": is_enrolled(user), "recovery_code_count": recovery_code_count(user)}
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_all_sessions()
    services.clear_sign_in_throttle(user)
    after = {"is_enrolled": False, "recovery_code_count": 0}
    audit.record("mfa.reset", user, before=before, after=after)
    db.session.flush()


def staff_factors() -> list[StaffFactor]:
    """Every staff account with its second-factor state, by role then address (one query)."""
    unused = (
        select(RecoveryCode.user_id, func.count().label("count"))
        .where(RecoveryCode.used_at.is_(None))
        .group_by(RecoveryCode.user_id)
        .subquery()
    )
    query = (
        select(User, func.coalesce(unused.c.count, 0))
        .outerjoin(unused, unused.c.user_id == User.id)
        .where(User.role.in_(sorted(STAFF_ROLES)), User.anonymised_at.is_(None))
        .order_by(User.role, User.email)
    )
    rows = db.session.execute(query)
    return [StaffFactor(user, is_enrolled(user), count) for user, count in rows]


def _record_own_action(action: str, user: User, **after: object) -> None:
    """Audit what a person does to their own factor, their session being complete or not yet."""
    event = audit.record(action, user, after=after)
    event.actor_id, event.actor_label = user.id, user.email or user.display_name
