"""Masking passages of a contribution (personal or health data) without ever losing its text.

Each redaction keeps the whole text as it was just before it, so the first one holds what the
author sent. Undoing a redaction writes that text back and adds an audit event: redaction rows
are never changed nor deleted, the history only grows. Services flush; the view commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from consultation.accounts.models import User
from consultation.contributions import similarity
from consultation.contributions.models import Contribution, Status
from consultation.contributions.services import ContributionRefused
from consultation.core import audit
from consultation.core.audit import AuditEvent
from consultation.core.sanitize import render_plain_text
from consultation.extensions import db
from consultation.moderation.decisions import CharterReason
from consultation.moderation.models import Redaction

PLACEHOLDER = "[passage masqué par la modération]"
REDACT, UNDO = "contribution.redact", "contribution.redact_undo"
MAX_PASSAGES, MIN_PASSAGE_LENGTH = 20, 2
REDACTABLE = frozenset({Status.PUBLISHED, Status.HIDDEN, Status.PENDING})
NO_PASSAGE = "Indiquez au moins un passage à masquer, un par ligne."
TEXT_CHANGED = (
    "Le texte de la contribution vient d’être modifié par quelqu’un d’autre : rechargez la page."
)


class RedactionRefused(ContributionRefused):
    """A redaction or an undo that cannot be applied; nothing was changed."""


class PassageRefused(RedactionRefused):
    """The passages given cannot be masked (none, too short, not in the text)."""


def parse_passages(text: str) -> list[str]:
    """The passages given one per line, stripped, without blanks or repeats, in their order."""
    lines = (line.strip() for line in (text or "").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def passage_problem(passages: list[str]) -> str | None:
    """What is wrong with the list itself, whatever the text (checked before reading the body)."""
    if not passages:
        return NO_PASSAGE
    if len(passages) > MAX_PASSAGES:
        return f"Indiquez au plus {MAX_PASSAGES} passages à la fois."
    short = next((passage for passage in passages if len(passage) < MIN_PASSAGE_LENGTH), None)
    if short is not None:
        return (
            f"Le passage « {short} » est trop court : "
            f"copiez au moins {MIN_PASSAGE_LENGTH} caractères."
        )
    return None


def _pattern(passage: str) -> re.Pattern[str]:
    """The passage as written, but any run of spaces or line breaks matches any other run:
    a passage copied from the page keeps its words while the text may break the line."""
    return re.compile(r"\s+".join(re.escape(word) for word in passage.split()))


def _segments(text: str) -> list[str]:
    """The text around the placeholders already there, which a new passage must never cut."""
    return text.split(PLACEHOLDER)


def occurs(text: str, passage: str) -> bool:
    pattern = _pattern(passage)
    return any(pattern.search(segment) for segment in _segments(text))


def mask(text: str, passages: list[str]) -> str:
    """The text with every occurrence of each passage replaced by the placeholder.

    Longest first, so that "Jean Dupont" is masked whole even when "Dupont" is also given.
    """
    for passage in sorted(passages, key=len, reverse=True):
        pattern = _pattern(passage)
        text = PLACEHOLDER.join(pattern.sub(PLACEHOLDER, part) for part in _segments(text))
    return text


def redact(
    contribution: Contribution, passages: list[str], reason: CharterReason, moderator: User
) -> Redaction:
    """Mask the passages in the text; raise PassageRefused naming a passage not found."""
    if contribution.status not in REDACTABLE:
        raise RedactionRefused(
            f"La contribution {contribution.reference} est refusée : il n’y a rien à masquer."
        )
    problem = passage_problem(passages) or _missing(contribution.body, passages)
    if problem:
        raise PassageRefused(problem)
    before = contribution.body
    _rewrite(contribution, mask(before, passages))
    redaction = Redaction(contribution=contribution, reason=reason.value, body_before=before)
    redaction.moderator_id, redaction.passages = moderator.id, list(passages)
    db.session.add(redaction)
    db.session.flush()
    _record(redaction, len(before))
    return redaction


def _record(redaction: Redaction, length_before: int) -> None:
    """The audit event of a redaction.

    The audit trail is read by staff only, who can already read the original on the
    contribution's page: keeping the passages there shows an investigator what was masked, and
    why, without exposing anything to the public.
    """
    after = {"length": len(redaction.contribution.body), "passages": redaction.passages,
             "reason": redaction.reason, "redaction_id": redaction.id}  # fmt: skip
    audit.record(REDACT, redaction.contribution, before={"length": length_before}, after=after)


def _missing(body: str, passages: list[str]) -> str | None:
    absent = [passage for passage in passages if not occurs(body, passage)]
    if not absent:
        return None
    names = ", ".join(f"« {passage} »" for passage in absent)
    if len(absent) == 1:
        return f"Le passage {names} ne figure pas dans le texte actuel de la contribution."
    return f"Les passages {names} ne figurent pas dans le texte actuel de la contribution."


def undo(contribution: Contribution, redaction: Redaction) -> None:
    """Write back the text as it was before `redaction` (later ones are undone with it)."""
    before = contribution.body
    if before == redaction.body_before:
        raise RedactionRefused(
            "Le texte est déjà celui d’avant cette modification : il n’y a rien à rétablir."
        )
    _rewrite(contribution, redaction.body_before)
    audit.record(
        UNDO,
        contribution,
        before={"length": len(before)},
        after={"length": len(contribution.body), "redaction_id": redaction.id},
    )


def _rewrite(contribution: Contribution, body: str) -> None:
    """Change the text only if nobody changed it since it was read: two moderators masking at
    once would otherwise write over each other, and a masked passage could come back."""
    html = str(render_plain_text(body))
    statement = (
        update(Contribution)
        .where(Contribution.id == contribution.id, Contribution.body == contribution.body)
        .values(body=body, body_html=html)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount != 1:
        raise RedactionRefused(TEXT_CHANGED)
    set_committed_value(contribution, "body", body)
    set_committed_value(contribution, "body_html", html)
    # A new text: the next `flask contributions group-similar` signs and places it again.
    similarity.forget_signature(contribution)


def original_text(contribution: Contribution) -> str:
    """What the author sent: the text before the first redaction, or the text itself."""
    redactions = contribution.redactions
    return redactions[0].body_before if redactions else contribution.body


def moderated_at(contribution: Contribution) -> datetime | None:
    """When moderation last changed the text still shown, or None when it shows no mask.

    Costs nothing for a text without the placeholder, so lists of cards stay query-free.
    """
    if PLACEHOLDER not in contribution.body:
        return None
    query = select(func.max(AuditEvent.occurred_at)).where(
        AuditEvent.object_type == "contribution",
        AuditEvent.object_id == str(contribution.id),
        AuditEvent.action.in_((REDACT, UNDO)),
    )
    return db.session.scalar(query)


@dataclass(frozen=True)
class TextEvent:
    """One change of the text for the staff history: a redaction or the undoing of one."""

    at: datetime
    actor: str
    redaction: Redaction | None = None
    undone: Redaction | None = None


def history(contribution: Contribution) -> list[TextEvent]:
    """Every redaction and every undo of the contribution, oldest first."""
    redactions = {redaction.id: redaction for redaction in contribution.redactions}
    events = [
        TextEvent(redaction.created_at, _name(redaction.moderator), redaction=redaction)
        for redaction in redactions.values()
    ]
    query = select(AuditEvent).where(
        AuditEvent.object_type == "contribution",
        AuditEvent.object_id == str(contribution.id),
        AuditEvent.action == UNDO,
    )
    for row in db.session.scalars(query):
        undone = redactions.get((row.after or {}).get("redaction_id"))
        events.append(TextEvent(row.occurred_at, row.actor_label, undone=undone))
    return sorted(events, key=lambda event: event.at)


def _name(user: User | None) -> str:
    if user is None:
        return "compte supprimé"
    return user.display_name or user.email
