"""My account: what a signed-in person changes about themselves, exports, or erases.

Every change that needs it asks for the current password again. Services flush; the view
commits once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete

from consultation.accounts import services as accounts
from consultation.accounts.models import DELETED_ACCOUNT_LABEL, AccountToken, Profile, User
from consultation.accounts.services import AccountRefused
from consultation.contributions import services as contributions
from consultation.contributions.models import Contribution
from consultation.core.clock import now
from consultation.core.dates import format_iso
from consultation.extensions import db
from consultation.moderation.redaction import original_text

WRONG_PASSWORD = "Le mot de passe actuel est incorrect."  # noqa: S105 - a message
#: Written in place of a password: no password ever matches it.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105 - a marker, not a password


def check_current_password(user: User, password: str) -> None:
    """Re-authentication before a sensitive change; raises AccountRefused on current_password."""
    if not user.check_password(password):
        raise AccountRefused(WRONG_PASSWORD, field="current_password")


def my_contributions(user: User) -> list[Contribution]:
    """The user's own contributions, newest first, whatever their status."""
    return contributions.list_by_author(user)


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def update_profile(
    user: User,
    *,
    display_name: str,
    profile: Profile,
    organisation: str | None,
    hatvp_number: str | None,
    show_name: bool,
    news_opt_in: bool,
) -> None:
    """Change name, profile and consents; name and consent changes relabel past contributions.

    Past contributions keep the profile and organisation they were made with.
    """
    organisation = _blank_to_none(organisation)
    if profile.requires_organisation and organisation is None:
        message = f"Indiquez votre organisation : le profil « {profile.label} » la demande."
        raise AccountRefused(message, field="organisation")
    display_name = display_name.strip()
    is_relabelled = (display_name, show_name) != (user.display_name, user.show_name)
    user.display_name, user.profile, user.organisation = display_name, profile, organisation
    user.hatvp_number = _blank_to_none(hatvp_number)
    user.show_name, user.news_opt_in = show_name, news_opt_in
    db.session.flush()
    if is_relabelled:
        contributions.relabel_author(user)


def request_email_change(user: User, password: str, new_email: str) -> str:
    """Send a confirmation link to the new address and a notice to the old one.

    The address changes only when the link is followed. Returns the normalised new address.
    """
    check_current_password(user, password)
    new_email = User.normalise_email(new_email)
    if new_email == user.email:
        raise AccountRefused("C’est déjà l’adresse de votre compte.", field="new_email")
    if accounts.find_by_email(new_email) is not None:
        raise AccountRefused("Cette adresse ne peut pas être utilisée.", field="new_email")
    accounts.send_confirmation(user, email=new_email)
    accounts.queue_account_mail(
        user.email,
        "email_change_notice",
        "myaccount_email_change_notice",
        user=user,
        new_email=new_email,
    )
    return new_email


def delete_my_account(user: User, password: str) -> None:
    """Anonymise the account: personal data erased, contributions kept as "Compte supprimé".

    The address is freed for a new registration; a goodbye mail goes to it.
    """
    check_current_password(user, password)
    accounts.queue_account_mail(user.email, "account_deleted", "myaccount_goodbye", user=user)
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    user.email, user.display_name = None, DELETED_ACCOUNT_LABEL
    user.organisation = user.hatvp_number = None
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.show_name = user.news_opt_in = False
    user.anonymised_at = now()
    user.end_all_sessions()
    db.session.flush()
    contributions.relabel_author(user)


def _iso(value: datetime | None) -> str | None:
    return format_iso(value) if value is not None else None


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about the user, as the JSON of "download my data"."""
    return {
        "exported_at": _iso(now()),
        "account": _account_data(user),
        "consents": {
            "show_name": user.show_name,
            "news_opt_in": user.news_opt_in,
            "charter_accepted_at": _iso(user.charter_accepted_at),
        },
        "contributions": [_contribution_data(item) for item in my_contributions(user)],
        "answers": [],
    }


def _account_data(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "email_confirmed_at": _iso(user.email_confirmed_at),
        "display_name": user.display_name,
        "pseudonym": user.pseudonym,
        "public_name": user.public_name,
        "profile": user.profile.label if user.profile else None,
        "organisation": user.organisation,
        "hatvp_number": user.hatvp_number,
        "role": user.role.label,
        "created_at": _iso(user.created_at),
    }


def _contribution_data(contribution: Contribution) -> dict[str, Any]:
    return {
        "reference": contribution.reference,
        "consultation": contribution.consultation.title,
        "chapter": f"{contribution.chapter.number}. {contribution.chapter.title}",
        "section": contribution.section_title,
        # The text as the author sent it: a moderator may have masked passages of the public one.
        "text": original_text(contribution),
        "public_text": contribution.body,
        "status": contribution.status.label,
        "status_reason": contribution.status_reason,
        "channel": contribution.channel.label,
        "public_label": contribution.author_label,
        "profile": contribution.profile.label if contribution.profile else None,
        "organisation": contribution.organisation,
        "submitted_at": _iso(contribution.submitted_at),
        "published_at": _iso(contribution.published_at),
        "attachments": [attachment.filename for attachment in contribution.attachments],
    }
