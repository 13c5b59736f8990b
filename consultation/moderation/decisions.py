"""Charter decisions on contributions: refuse, hide, restore (the queue is in queue.py).

A reason is stored in `Contribution.status_reason` as "<code>" or "<code>: <comment>", the code
being one of `CharterReason`: the label shown to people is always derived from the code, so the
wording can change without rewriting rows. Services flush; the view commits.
"""

from __future__ import annotations

import enum

from consultation.contributions import services
from consultation.contributions.models import Contribution, Status
from consultation.contributions.services import ContributionRefused, contribution_link
from consultation.core import audit
from consultation.core.outbox import queue_mail


class CharterReason(enum.StrEnum):
    OFF_TOPIC = "hors_sujet"
    ABUSIVE = "injurieux"
    PERSONAL_DATA = "donnees_personnelles"
    DUPLICATE = "doublon"
    SPAM = "spam"
    OTHER = "autre"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    CharterReason.OFF_TOPIC: "Hors sujet",
    CharterReason.ABUSIVE: "Propos injurieux ou diffamatoires",
    CharterReason.PERSONAL_DATA: "Données personnelles ou de santé",
    CharterReason.DUPLICATE: "Doublon",
    CharterReason.SPAM: "Publicité ou spam",
    CharterReason.OTHER: "Autre motif",
}


def encode_reason(reason: CharterReason, comment: str = "") -> str:
    comment = " ".join(comment.split())
    return f"{reason.value}: {comment}" if comment else reason.value


def describe_reason(stored: str | None) -> str:
    """The reason in French: its label, followed by the comment when there is one."""
    if not stored:
        return "motif non précisé"
    code, _, comment = stored.partition(":")
    try:
        label = CharterReason(code.strip()).label
    except ValueError:
        return stored  # a sentence written before reasons had codes
    return f"{label} ({comment.strip()})" if comment.strip() else label


def _require(contribution: Contribution, expected: Status, message: str) -> None:
    if contribution.status != expected:
        raise ContributionRefused(message.format(reference=contribution.reference))


#: What the trail keeps of a contribution before and after a charter decision.
DECISION_FIELDS = ("status", "status_reason")


def _decided(action: str, contribution: Contribution, status: Status, reason: str | None) -> None:
    """Change the status and record the decision in the audit trail, with both states."""
    before = audit.snapshot(contribution, *DECISION_FIELDS)
    services.change_status(contribution, status, reason)
    after = audit.snapshot(contribution, *DECISION_FIELDS)
    audit.record_change(action, contribution, before, after)


def refuse(contribution: Contribution, reason: CharterReason, comment: str = "") -> None:
    """Refuse a pending contribution; its author is told why by mail."""
    _require(contribution, Status.PENDING, "La contribution {reference} n’est plus en attente.")
    _decided("contribution.refuse", contribution, Status.REJECTED, encode_reason(reason, comment))
    author = contribution.author
    if author is not None and author.email:
        queue_mail(
            author.email,
            "contribution_refused",
            "contribution_refused",
            contribution=contribution,
            reason=describe_reason(contribution.status_reason),
            link=contribution_link(contribution),
        )


def hide(contribution: Contribution, reason: CharterReason, comment: str = "") -> None:
    """Take a published contribution out of every public list; its page keeps a placeholder."""
    _require(contribution, Status.PUBLISHED, "La contribution {reference} n’est pas publiée.")
    _decided("contribution.hide", contribution, Status.HIDDEN, encode_reason(reason, comment))


def restore(contribution: Contribution) -> None:
    """Publish a hidden contribution again."""
    _require(contribution, Status.HIDDEN, "La contribution {reference} n’est pas masquée.")
    _decided("contribution.restore", contribution, Status.PUBLISHED, None)
