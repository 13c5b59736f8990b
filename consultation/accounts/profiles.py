"""Stakeholder profiles as the admins configure them: order, activation, and the rules of a change.

A profile that accounts or contributions carry is never deleted, only retired: it stays on them
and is no longer offered. Services flush; the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from consultation.accounts.models import Profile, User
from consultation.contributions.models import Contribution
from consultation.extensions import db
from consultation.publication.editing import Problem

CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
IN_USE = (
    "Le profil « {label} » est utilisé par {account_count} compte(s) et {contribution_count} "
    "contribution(s) : il ne peut pas être supprimé. Désactivez-le : il ne sera plus proposé à "
    "l’inscription mais restera sur les comptes et les contributions qui l’ont."
)


class ProfileRefused(Exception):
    """A profile change refused; each problem names its form field and says why, in French."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class ProfileUsage:
    profile: Profile
    account_count: int
    contribution_count: int

    @property
    def is_in_use(self) -> bool:
        return self.account_count + self.contribution_count > 0


def _count_by_profile(column) -> dict[int, int]:
    query = select(column, func.count()).where(column.is_not(None)).group_by(column)
    return dict(db.session.execute(query).all())


def list_with_usage() -> list[ProfileUsage]:
    """Every profile in position order, with how many accounts and contributions carry it."""
    accounts = _count_by_profile(User.profile_id)
    contributions = _count_by_profile(Contribution.profile_id)
    profiles = db.session.scalars(select(Profile).order_by(Profile.position, Profile.id))
    return [
        ProfileUsage(item, accounts.get(item.id, 0), contributions.get(item.id, 0))
        for item in profiles
    ]


def usage_of(profile: Profile) -> ProfileUsage:
    accounts = select(func.count()).select_from(User).where(User.profile_id == profile.id)
    contributions = select(func.count()).where(Contribution.profile_id == profile.id)
    return ProfileUsage(
        profile, db.session.scalar(accounts) or 0, db.session.scalar(contributions) or 0
    )


def offered_profiles(current: Profile | None = None) -> list[Profile]:
    """The active profiles in order, plus the given one (a user's own) even if it was retired."""
    query = select(Profile).where(Profile.is_active).order_by(Profile.position, Profile.id)
    profiles = list(db.session.scalars(query))
    if current is not None and current not in profiles:
        profiles.append(current)
    return profiles


def next_position() -> int:
    return (db.session.scalar(select(func.max(Profile.position))) or 0) + 1


def save_profile(
    profile: Profile | None,
    *,
    code: str,
    label: str,
    position: int,
    requires_organisation: bool,
    is_active: bool,
) -> Profile:
    """Create (profile None) or update a profile, or raise ProfileRefused."""
    code, label = code.strip().lower(), label.strip()
    _check(profile, code, label)
    if profile is None:
        profile = Profile()
        db.session.add(profile)
    profile.code, profile.label, profile.position = code, label, position
    profile.requires_organisation, profile.is_active = requires_organisation, is_active
    db.session.flush()
    return profile


def _check(profile: Profile | None, code: str, label: str) -> None:
    problems = []
    if not CODE_PATTERN.fullmatch(code):
        problems.append(
            Problem(
                "code",
                "Le code ne peut contenir que des lettres minuscules sans accent, des chiffres et "
                "des tirets entre eux, par exemple « association-patients ».",
            )
        )
    elif _code_taken(code, profile):
        problems.append(Problem("code", f"Le code « {code} » est déjà utilisé par un profil."))
    if not label:
        problems.append(Problem("label", "Saisissez le libellé du profil."))
    if problems:
        raise ProfileRefused(problems)


def _code_taken(code: str, profile: Profile | None) -> bool:
    query = select(Profile.id).where(Profile.code == code)
    if profile is not None and profile.id is not None:
        query = query.where(Profile.id != profile.id)
    return db.session.scalar(query) is not None


def move_profile(profile: Profile, step: int) -> None:
    """Move a profile one place up (step -1) or down (+1); positions become 1, 2, 3… again."""
    ordered = list(db.session.scalars(select(Profile).order_by(Profile.position, Profile.id)))
    index = ordered.index(profile)
    target = index + step
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()


def delete_profile(profile: Profile) -> None:
    """Delete a profile nobody uses; one in use raises ProfileRefused (retire it instead)."""
    usage = usage_of(profile)
    if usage.is_in_use:
        message = IN_USE.format(
            label=profile.label,
            account_count=usage.account_count,
            contribution_count=usage.contribution_count,
        )
        raise ProfileRefused([Problem(None, message)])
    db.session.delete(profile)
    db.session.flush()
