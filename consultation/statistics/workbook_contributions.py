"""The "Contributions" sheets: every contribution of a consultation, in every status, one a row.

Staff view: pending, refused and hidden contributions are there too, with their reason. Rows come
from one streamed query (a server-side cursor on PostgreSQL), read by batches; the themes of each
batch come in one more query. Nothing holds more than a batch, so memory stays flat whatever the
number of contributions. Past Excel's row limit, the rows continue on "Contributions (2)", etc.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import quote

from sqlalchemy import Row, func, select
from sqlalchemy.orm import aliased

from consultation.accounts.models import Profile
from consultation.contributions.models import Channel, Contribution, Status
from consultation.contributions.themes import theme_names_by_contribution
from consultation.core.links import site_url
from consultation.extensions import db
from consultation.moderation.decisions import describe_reason
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from consultation.publication.models import Chapter, Consultation
from consultation.statistics.workbook_cells import (
    LONG_TEXT,
    Column,
    add_filter,
    date_time_cell,
    header_cells,
    lay_out,
    text_cell,
)

SHEET_TITLE = "Contributions"
#: Rows of a sheet, its header included (Excel's limit); a test lowers it.
MAX_SHEET_ROWS = 1_048_576
#: Rows read from the database at a time.
BATCH_SIZE = 2_000
WHOLE_CHAPTER = "Ensemble du chapitre"
NOT_GIVEN = "Non renseigné"
PLACEHOLDER = "REFERENCE"
COLUMNS = (
    Column("Référence", 16),
    Column("Déposée le", 17),
    Column("Canal", 16),
    Column("Chapitre", 30),
    Column("Section", 30),
    Column("Profil", 24),
    Column("Organisation", 24),
    Column("Nom affiché", 20),
    Column("Statut", 14),
    Column("Motif", 24),
    Column("Contribution", 80),
    Column("Réponse", 60),
    Column("État de la réponse", 12),
    Column("Disposition", 22),
    Column("Réponse publiée le", 17),
    Column("Thèmes", 24),
    Column("Groupe de doublons", 16),
    Column("Lien", 40),
)
ANSWER_STATES = {AnswerStatus.PUBLISHED: "Publiée", AnswerStatus.DRAFT: "Brouillon"}

Progress = Callable[[int], None]


def contribution_count(consultation: Consultation) -> int:
    query = select(func.count()).where(Contribution.consultation_id == consultation.id)
    return db.session.scalar(query.select_from(Contribution))


def write_contributions(workbook, consultation: Consultation, progress: Progress) -> int:
    """Add the sheets of contributions to the workbook; returns the number of rows written."""
    link = _link_maker()
    sheets = _sheets(workbook)
    sheet, in_sheet, done = next(sheets), 0, 0
    for batch in contribution_batches(consultation):
        themes = theme_names_by_contribution(row.id for row in batch)
        for row in batch:
            if in_sheet == MAX_SHEET_ROWS - 1:
                add_filter(sheet, len(COLUMNS), in_sheet)
                sheet, in_sheet = next(sheets), 0
            sheet.append(_cells(sheet, row, themes.get(row.id, ()), link))
            in_sheet += 1
        done += len(batch)
        progress(done)
    add_filter(sheet, len(COLUMNS), in_sheet)
    return done


def _sheets(workbook) -> Iterator:
    """The sheets "Contributions", "Contributions (2)"… each laid out with its header row."""
    number = 1
    while True:
        title = SHEET_TITLE if number == 1 else f"{SHEET_TITLE} ({number})"
        sheet = workbook.create_sheet(title)
        lay_out(sheet, COLUMNS)
        sheet.append(header_cells(sheet, [column.header for column in COLUMNS]))
        yield sheet
        number += 1


def contribution_batches(consultation: Consultation) -> Iterator[Sequence[Row]]:
    """The rows by batches of BATCH_SIZE, from a cursor the database streams."""
    query = _query(consultation).execution_options(yield_per=BATCH_SIZE)
    yield from db.session.execute(query).partitions()


def _query(consultation: Consultation):
    first_of_group = aliased(Contribution)
    return (
        select(
            Contribution.id,
            Contribution.reference,
            Contribution.submitted_at,
            Contribution.channel,
            Chapter.number.label("chapter_number"),
            Chapter.title.label("chapter_title"),
            Contribution.section_title,
            Profile.label.label("profile"),
            Contribution.organisation,
            Contribution.author_label,
            Contribution.status,
            Contribution.status_reason,
            Contribution.body,
            Answer.body.label("answer"),
            Answer.status.label("answer_status"),
            Answer.disposition,
            Answer.published_at.label("answered_at"),
            first_of_group.reference.label("group"),
        )
        .join(Chapter, Chapter.id == Contribution.chapter_id)
        .outerjoin(Profile, Profile.id == Contribution.profile_id)
        .outerjoin(Answer, Answer.contribution_id == Contribution.id)
        .outerjoin(first_of_group, first_of_group.id == Contribution.duplicate_group_id)
        .where(Contribution.consultation_id == consultation.id)
        .order_by(Contribution.id)
    )


def _cells(sheet, row: Row, themes: Sequence[str], link: Callable[[str], str]) -> list:
    texts = (
        row.reference,
        Channel(row.channel).label,
        f"{row.chapter_number}. {row.chapter_title}",
        row.section_title or WHOLE_CHAPTER,
        row.profile or NOT_GIVEN,
        row.organisation,
        row.author_label,
        Status(row.status).label,
    )
    cells = [text_cell(sheet, value) for value in texts]
    cells.insert(1, date_time_cell(sheet, row.submitted_at))
    cells.extend(_moderation_cells(sheet, row))
    cells.append(text_cell(sheet, "; ".join(sorted(themes, key=french_order)), LONG_TEXT))
    cells.append(text_cell(sheet, row.group))
    cells.append(text_cell(sheet, link(row.reference)))
    return cells


def _moderation_cells(sheet, row: Row) -> list:
    """Reason, text, answer, its state and disposition, and when it was published."""
    reason = describe_reason(row.status_reason) if row.status_reason else None
    disposition = Disposition(row.disposition).label if row.disposition else None
    state = ANSWER_STATES[AnswerStatus(row.answer_status)] if row.answer_status else None
    return [
        text_cell(sheet, reason, LONG_TEXT),
        text_cell(sheet, row.body, LONG_TEXT),
        text_cell(sheet, row.answer, LONG_TEXT),
        text_cell(sheet, state),
        text_cell(sheet, disposition),
        date_time_cell(sheet, row.answered_at),
    ]


def french_order(name: str) -> str:
    """A sort key that puts "Éthique" among the E, on every database and locale."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _link_maker() -> Callable[[str], str]:
    """The public address of a contribution, built once and filled with each reference."""
    template = site_url("contributions.show", reference=PLACEHOLDER)
    return lambda reference: template.replace(PLACEHOLDER, quote(reference, safe=""))
