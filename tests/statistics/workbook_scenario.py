"""A consultation whose workbook the tests know by heart, and reading a workbook back.

Three chapters (the third without contributions); contributions by citizens and by industry,
online and by mail, in every status; answers published and in draft; two themes; one group of
near-duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from consultation.contributions import themes
from consultation.contributions.models import Channel, Contribution, Status
from consultation.core.clock import now
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.answers import AnswerText
from consultation.moderation.models import Disposition
from consultation.publication.models import Consultation
from tests import factories

ANSWER = "Merci : le chapitre en tient compte."


@dataclass(frozen=True)
class Scenario:
    consultation: Consultation
    contributions: list[Contribution]


def build_scenario() -> Scenario:
    consultation = factories.make_consultation(
        opens_in=-timedelta(days=20), title="Doctrine du numérique en santé"
    )
    batch = factories.make_batch(consultation)
    chapters = [factories.make_chapter(batch, title=title) for title in ("Socle", "Usages", "Fin")]
    industry = factories.make_user(profile=factories.profile("industriel"), organisation="Acme")
    made = [
        _contribution(chapters[0], body="Premier avis sur le socle."),
        _contribution(
            chapters[0],
            days_ago=2,
            body="Avis refusé.",
            status=Status.REJECTED,
            status_reason="hors_sujet",
        ),
        _contribution(
            chapters[0],
            author=industry,
            section_anchor="1-1",
            section_title="1.1 Première partie",
            body="Avis d’industriel.",
        ),
        _contribution(chapters[1], days_ago=15, body="Avis en attente.", status=Status.PENDING),
        _contribution(
            chapters[1],
            author=industry,
            body="Avis masqué.",
            status=Status.HIDDEN,
            status_reason="donnees_personnelles",
        ),
        _mailed(chapters[1], "Avis reçu par courriel."),
    ]
    _answer(made[0], Disposition.TAKEN_INTO_ACCOUNT, publish=True)
    _answer(made[5], Disposition.NOT_RETAINED, publish=False)
    _tag(consultation, made)
    return Scenario(consultation, made)


def _contribution(chapter, days_ago: int = 1, **values) -> Contribution:
    return factories.make_contribution(
        chapter, submitted_at=now() - timedelta(days=days_ago, hours=2), **values
    )


def _mailed(chapter, body: str) -> Contribution:
    """Received by mail from an association: no account behind it."""
    contribution = _contribution(
        chapter,
        days_ago=9,
        channel=Channel.EMAIL,
        profile=factories.profile("usagers"),
        author_label="Association Santé",
        organisation="Association Santé",
        body=body,
    )
    contribution.author = None
    db.session.flush()
    return contribution


def _answer(contribution: Contribution, disposition: Disposition, publish: bool) -> None:
    text = AnswerText(ANSWER, disposition)
    if publish:
        answers.publish(contribution, text, None)
    else:
        answers.save_draft(contribution, text, None)


def _tag(consultation: Consultation, made: list[Contribution]) -> None:
    security = themes.create_theme(consultation, "Sécurité")
    ethics = themes.create_theme(consultation, "Éthique")
    themes.set_themes(made[0], [security, ethics])
    themes.set_themes(made[2], [security])
    made[2].duplicate_group_id = made[0].id
    made[0].duplicate_group_id = made[0].id
    db.session.flush()


def sheet_rows(path: Path, title: str) -> list[tuple]:
    """The values of a sheet, header first, as openpyxl reads them back."""
    workbook = load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]
    finally:
        workbook.close()
