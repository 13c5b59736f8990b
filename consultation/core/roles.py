"""Roles of staff and contributors, and the decorators that guard back-office views."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, current_app
from flask_login import current_user

from consultation.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


class Role(enum.StrEnum):
    CONTRIBUTOR = "contributor"
    MODERATOR = "moderator"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CONTRIBUTOR: "Contributeur",
    Role.MODERATOR: "Modérateur",
    Role.ANALYST: "Analyste",
    Role.ADMIN: "Administrateur",
}

STAFF_ROLES = frozenset({Role.MODERATOR, Role.ANALYST, Role.ADMIN})


def second_factor_required(user: object) -> bool:
    """Staff confirm each sign-in with a code from their authenticator app (STAFF_MFA_REQUIRED).

    Until they have, in this session, the accounts domain's user loader gives no user: every
    view below sees a visitor and sends them on to the second factor, never to staff data.
    """
    required = bool(current_app.config.get("STAFF_MFA_REQUIRED", True))
    return required and getattr(user, "role", None) in STAFF_ROLES


def roles_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let signed-in users with one of the roles through; others get the login page or a 403.

    Admins pass every role check: they run the whole platform. Staff whose second factor is
    still awaited are not signed in yet: `login_manager.unauthorized()` sends them to it.
    """
    allowed = frozenset(roles) | {Role.ADMIN}

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()  # type: ignore[return-value]
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.required_roles = allowed  # type: ignore[attr-defined]
        return guarded

    return decorator


admin_required = roles_required(Role.ADMIN)
