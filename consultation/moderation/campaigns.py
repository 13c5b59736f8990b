"""Answer campaigns: the same official answer given to several contributions at once.

All or nothing: every selected contribution is checked before any answer is written, and one
that cannot take the answer refuses the whole campaign, naming it and saying why. A published
answer is replaced only when the moderator asks for it explicitly ("replace"): a campaign
meant for new contributions must not silently rewrite answers the public has already read.
Drafts are not public, so a campaign draft takes the place of an earlier draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from consultation.accounts.models import User
from consultation.contributions.models import Contribution, Status
from consultation.core import audit
from consultation.core.errors import Refused
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.answers import AnswerText
from consultation.publication.models import Consultation

MAX_SELECTION = 500
EMPTY = "Aucune contribution n’est sélectionnée : cochez-en au moins une dans la liste."
TOO_MANY = (
    f"Vous avez sélectionné {{count}} contributions : une campagne en compte au plus "
    f"{MAX_SELECTION}. Répondez-y en plusieurs fois."
)
SEVERAL_CONSULTATIONS = (
    "Les contributions sélectionnées relèvent de plusieurs concertations : une campagne répond "
    "aux contributions d’une seule concertation, car la réponse cite son texte final."
)
#: A group of near-identical contributions (a form letter) may be much larger than a selection.
MAX_GROUP = 5000
EMPTY_GROUP = "Ce groupe de contributions similaires n’a aucune contribution publiée."
GROUP_TOO_BIG = (
    f"Ce groupe compte plus de {MAX_GROUP} contributions publiées : sélectionnez-les par pages "
    "dans la file de modération."
)
NOT_FOUND = "Contribution introuvable (identifiant « {} »)."
#: ASCII digits only ("²" is a digit to str.isdigit), short enough for the database's integer.
_IDENTIFIER = re.compile(r"[0-9]{1,11}")


@dataclass(frozen=True)
class Refusal:
    reference: str
    message: str


class CampaignRefused(Refused):
    """The campaign cannot be made; message says why, refusals name each contribution at fault."""

    def __init__(self, message: str, refusals: list[Refusal] | None = None) -> None:
        super().__init__(message)
        self.refusals = refusals or []


@dataclass(frozen=True)
class Selection:
    consultation: Consultation
    contributions: list[Contribution]
    #: Set when the selection is a group of near-identical contributions, chosen as a whole.
    group_id: int | None = None

    @property
    def ids(self) -> list[int]:
        return [contribution.id for contribution in self.contributions]


def select_contributions(raw_ids: list[str]) -> Selection:
    """The selected contributions, in the order given; raises CampaignRefused."""
    tokens = list(dict.fromkeys(token.strip() for token in raw_ids if token.strip()))
    if not tokens:
        raise CampaignRefused(EMPTY)
    if len(tokens) > MAX_SELECTION:
        raise CampaignRefused(TOO_MANY.format(count=len(tokens)))
    ids = {token: int(token) for token in tokens if _IDENTIFIER.fullmatch(token)}
    query = select(Contribution).where(Contribution.id.in_(ids.values()))
    found = {contribution.id: contribution for contribution in db.session.scalars(query)}
    missing = [token for token in tokens if ids.get(token) not in found]
    if missing:
        refusals = [Refusal(token[:20], NOT_FOUND.format(token[:20])) for token in missing]
        raise CampaignRefused("Certaines contributions sélectionnées n’existent pas.", refusals)
    contributions = [found[ids[token]] for token in tokens]
    if len({contribution.consultation_id for contribution in contributions}) > 1:
        raise CampaignRefused(SEVERAL_CONSULTATIONS)
    return Selection(contributions[0].consultation, contributions)


def select_group(raw_group: str | None) -> Selection:
    """The published members of a group of near-identical contributions, oldest first.

    Members still pending, refused or hidden cannot take a published answer and are left out.
    The group is read again when the answer is sent, so a member that joined meanwhile gets it.
    """
    group = (raw_group or "").strip()
    if not _IDENTIFIER.fullmatch(group):
        raise CampaignRefused(EMPTY_GROUP)
    query = (
        select(Contribution)
        .where(Contribution.duplicate_group_id == int(group))
        .where(Contribution.status == Status.PUBLISHED)
        .order_by(Contribution.id)
        .limit(MAX_GROUP + 1)
    )
    contributions = list(db.session.scalars(query))
    if not contributions:
        raise CampaignRefused(EMPTY_GROUP)
    if len(contributions) > MAX_GROUP:
        raise CampaignRefused(GROUP_TOO_BIG)
    return Selection(contributions[0].consultation, contributions, int(group))


def answer_all(
    selection: Selection,
    text: AnswerText,
    moderator: User | None,
    *,
    publish: bool,
    replace: bool = False,
) -> None:
    """Give the answer to every selected contribution, or to none (raises CampaignRefused)."""
    refusals = [
        Refusal(contribution.reference, problem)
        for contribution in selection.contributions
        if (problem := answers.answer_problem(contribution, text, publish=publish, replace=replace))
    ]
    if refusals:
        count = len(refusals)
        raise CampaignRefused(
            f"Aucune réponse n’a été enregistrée : {count} contribution{'s' * (count > 1)} "
            f"ne peu{'vent' if count > 1 else 't'} pas la recevoir.",
            refusals,
        )
    replaced = [c.reference for c in selection.contributions if _has_public_answer(c)]
    _write(selection, text, moderator, publish)
    _record(selection, text, publish, replaced)


def _has_public_answer(contribution: Contribution) -> bool:
    return contribution.answer is not None and contribution.answer.is_published


def _write(selection: Selection, text: AnswerText, moderator: User | None, publish: bool) -> None:
    items = [(contribution, text) for contribution in selection.contributions]
    if publish:
        answers.publish_many(items, moderator, guard_races=False)
    else:
        answers.save_drafts(items, moderator, guard_races=False)


def _record(selection: Selection, text: AnswerText, publish: bool, replaced: list[str]) -> None:
    references = [contribution.reference for contribution in selection.contributions]
    audit.record(
        "answer.campaign",
        selection.consultation,
        after={
            "mode": "publish" if publish else "draft",
            "count": len(references),
            "references": references,
            "replaced": replaced,
            "disposition": text.disposition.value,
        },
    )
