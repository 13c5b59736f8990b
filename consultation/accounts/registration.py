"""Opening an account, confirming its address and resetting a forgotten password by mail links.

None of these answers reveals whether an address has an account: the owner of a taken address is
told by mail, and a reset request for an unknown address is answered like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from consultation.accounts.models import Profile, TokenPurpose, User
from consultation.accounts.passwords import password_problem
from consultation.accounts.services import (
    AccountRefused,
    find_by_email,
    queue_account_mail,
    send_confirmation,
    set_new_password,
    site_url,
)
from consultation.accounts.tokens import consume_token, issue_token, usable_token
from consultation.core.clock import now
from consultation.extensions import db

ADDRESS_TAKEN = "Cette adresse est déjà celle d’un autre compte."
ORGANISATION_REQUIRED = (
    "Indiquez votre organisation : elle est obligatoire pour le profil « {profile} »."
)
ALREADY_CONFIRMED = "Votre adresse électronique est déjà confirmée."


@dataclass(frozen=True)
class Registration:
    """What a person types in the registration form."""

    email: str
    password: str
    display_name: str
    profile_code: str
    organisation: str = ""
    hatvp_number: str = ""
    show_name: bool = False
    news_opt_in: bool = False
    accepts_charter: bool = False
    accepts_privacy_notice: bool = False


class RegistrationRefused(AccountRefused):
    """The registration breaks a rule; problems maps each form field to its French message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


def register(registration: Registration) -> User | None:
    """Create an unconfirmed account and queue its confirmation mail.

    For an address that already has an account nothing is created: its owner is told by mail
    and None is returned, so the caller answers the same. Raises RegistrationRefused.
    """
    profile = _check(registration)
    existing = find_by_email(registration.email)
    if existing is not None:
        _tell_owner_of_attempt(existing)
        return None
    user = _new_user(registration, profile)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    return user


def _check(registration: Registration) -> Profile:
    problems: dict[str, str] = {}
    query = select(Profile).where(Profile.code == registration.profile_code, Profile.is_active)
    profile = db.session.scalar(query)
    if profile is None:
        problems["profile"] = "Choisissez votre profil dans la liste."
    elif profile.requires_organisation and not registration.organisation.strip():
        problems["organisation"] = ORGANISATION_REQUIRED.format(profile=profile.label)
    inputs = (registration.email, registration.display_name)
    if problem := password_problem(registration.password, *inputs):
        problems["password"] = problem
    if not registration.accepts_charter:
        problems["accept_charter"] = "Acceptez la charte de modération pour créer un compte."
    if not registration.accepts_privacy_notice:
        problems["accept_privacy_notice"] = (
            "Prenez connaissance de la notice sur les données personnelles pour créer un compte."
        )
    if problems:
        raise RegistrationRefused(problems)
    return profile


def _new_user(registration: Registration, profile: Profile) -> User:
    user = User(
        email=User.normalise_email(registration.email),
        display_name=registration.display_name.strip(),
        profile=profile,
        organisation=registration.organisation.strip() or None,
        hatvp_number=registration.hatvp_number.strip() or None,
        show_name=registration.show_name,
        news_opt_in=registration.news_opt_in,
        charter_accepted_at=now(),
    )
    user.set_password(registration.password)
    return user


def _tell_owner_of_attempt(owner: User) -> None:
    queue_account_mail(
        owner.email,
        "registration_attempt",
        "account_already_registered",
        user=owner,
        login_url=site_url("accounts.login"),
        reset_url=site_url("accounts.forgot_password"),
    )


def confirm_email(secret: str) -> User:
    """Use a confirmation link: the address (or the new one, for a change) is now confirmed."""
    token = consume_token(secret, TokenPurpose.CONFIRM_EMAIL)
    user = token.user
    if token.email is not None:
        holder = find_by_email(token.email)
        if holder is not None and holder is not user:
            raise AccountRefused(ADDRESS_TAKEN)
        user.email = User.normalise_email(token.email)
        user.email_confirmed_at = now()
    elif user.email_confirmed_at is None:
        user.email_confirmed_at = now()
    return user


def resend_confirmation(user: User) -> None:
    if user.is_confirmed:
        raise AccountRefused(ALREADY_CONFIRMED)
    send_confirmation(user)


def request_reset(email: str) -> None:
    """Mail a reset link if the address has an active account; do nothing visible otherwise."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    secret = issue_token(user, TokenPurpose.RESET_PASSWORD)
    link = site_url("accounts.reset_password", token=secret)
    queue_account_mail(user.email, "reset_password", "account_reset", user=user, link=link)


def reset_password(secret: str, password: str) -> User:
    """Set a new password from a reset link; every session ends and sign-in throttling is cleared.

    The link proved the address, so it counts as confirmed. A refused password keeps the link.
    """
    user = usable_token(secret, TokenPurpose.RESET_PASSWORD).user
    set_new_password(user, password)
    consume_token(secret, TokenPurpose.RESET_PASSWORD)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
    return user
