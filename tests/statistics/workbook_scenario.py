"""A consultation whose workbook the tests know by heart, and reading a workbook back.

Three chapters (the third without contributions); four accounts (three citizens, one industry
opted in to news); six contributions — five online, one from a mail of an association — of which
three published, one pending, one refused, one hidden; one published answer and one draft; two
themes; one group of near-duplicates; 200 unique visitors over three days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from consultation.contributions import themes
from consultation.contributions.models import Channel, Contribution, Status
from consultation.contributions.services import change_status, next_reference
from consultation.core.clock import now
from consultation.core.dates import PARIS
from consultation.extensions import db
from consultation.inbound_mail.models import MessageState
from consultation.moderation import answers
from consultation.moderation.answers import AnswerText
from consultation.moderation.models import Disposition
from consultation.publication.models import Consultation
from consultation.statistics.models import AudienceDay
from tests import factories

ANSWER = "Merci : le chapitre en tient compte."
#: New visitors on three days of the consultation: 200 unique visitors.
VISITORS_PER_DAY = (120, 50, 30)


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
    industry = factories.make_user(
        profile=factories.profile("industriel"), organisation="Acme", news_opt_in=True
    )
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
    _visits(consultation)
    return Scenario(consultation, made)


def _contribution(chapter, days_ago: int = 1, **values) -> Contribution:
    return factories.make_contribution(
        chapter, submitted_at=now() - timedelta(days=days_ago, hours=2), **values
    )


def _mailed(chapter, body: str) -> Contribution:
    """Received by mail from an association and published: no account behind it."""
    message = factories.make_inbound_message(
        consultation=chapter.consultation,
        sender_address="contact@association-sante.example",
        state=MessageState.PUBLISHED,
    )
    contribution = Contribution(
        source_message=message,
        reference=next_reference(chapter.consultation),
        consultation=chapter.consultation,
        chapter=chapter,
        chapter_version=chapter.consultation_version,
        channel=Channel.EMAIL,
        profile=factories.profile("usagers"),
        organisation="Association Santé",
        author_label="Association Santé",
        body=body,
        status=Status.PENDING,
        submitted_at=now() - timedelta(days=9, hours=2),
    )
    db.session.add(contribution)
    db.session.flush()
    change_status(contribution, Status.PUBLISHED)
    return contribution


def _visits(consultation: Consultation) -> None:
    for offset, new_visitors in enumerate(VISITORS_PER_DAY):
        day = (now() - timedelta(days=10 - offset)).date()
        db.session.add(
            AudienceDay(consultation_id=consultation.id, day=day, visitors=new_visitors + 5,
                        new_visitors=new_visitors, page_views=new_visitors * 3)
        )  # fmt: skip


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


def wall_clock(*parts: int) -> datetime:
    """A Paris wall-clock time as a workbook holds it: without a zone (Excel has none)."""
    return datetime(*parts, tzinfo=PARIS).replace(tzinfo=None)


def sheet_rows(path: Path, title: str) -> list[tuple]:
    """The values of a sheet, header first, as openpyxl reads them back."""
    workbook = load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]
    finally:
        workbook.close()
