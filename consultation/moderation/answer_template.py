"""The workbook analysts fill in: one row per published contribution still awaiting an answer.

Its columns are those `answer_import` reads back. Every cell holding a user's words is written as
text, never as a formula: a contribution starting with "=" must not run in the analyst's Excel.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consultation.contributions.models import Contribution, Status
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from consultation.publication.models import Chapter, Consultation

COLUMNS = (
    ("Référence", 18),
    ("Chapitre", 30),
    ("Section", 30),
    ("Extrait de la contribution", 60),
    ("Disposition", 28),
    ("Réponse", 80),
    ("Publier", 10),
)
EXCERPT_LENGTH = 300
#: Enough rows of drop-down lists for the contributions and a margin for added rows.
VALIDATED_ROWS_MARGIN = 200


def template_workbook(consultation: Consultation) -> BytesIO:
    """The filled-in template as an .xlsx file in memory, streamed row by row while written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Réponses")
    sheet.freeze_panes = "A2"
    for letter, (_, width) in zip("ABCDEFG", COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_text(sheet, header, bold=True) for header, _ in COLUMNS])
    row_count = 0
    for contribution in unanswered(consultation):
        sheet.append(_row(sheet, contribution))
        row_count += 1
    _add_lists(sheet, row_count + 1 + VALIDATED_ROWS_MARGIN)
    stream = BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def unanswered(consultation: Consultation) -> Iterator[Contribution]:
    """Published contributions of the consultation with no published answer, by chapter."""
    published_answer = select(Answer.id).where(
        Answer.contribution_id == Contribution.id, Answer.status == AnswerStatus.PUBLISHED
    )
    query = (
        select(Contribution)
        .join(Chapter, Contribution.chapter_id == Chapter.id)
        .where(
            Contribution.consultation_id == consultation.id,
            Contribution.status == Status.PUBLISHED,
            ~published_answer.exists(),
        )
        .order_by(Chapter.number, Contribution.id)
        .options(joinedload(Contribution.chapter))
        .execution_options(yield_per=1000)
    )
    yield from db.session.scalars(query)


def _row(sheet, contribution: Contribution) -> list[WriteOnlyCell]:
    chapter = contribution.chapter
    excerpt = " ".join(contribution.body.split())
    if len(excerpt) > EXCERPT_LENGTH:
        excerpt = excerpt[: EXCERPT_LENGTH - 1] + "…"
    values = (
        contribution.reference,
        f"{chapter.number}. {chapter.title}",
        contribution.section_title or "Ensemble du chapitre",
        excerpt,
        "",
        "",
        "",
    )
    return [_text(sheet, value) for value in values]


def _text(sheet, value: str, bold: bool = False) -> WriteOnlyCell:
    """A cell that holds text whatever it starts with, without the characters XML forbids."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) or None)
    if cell.value is not None:
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _add_lists(sheet, last_row: int) -> None:
    """Drop-down lists of the French labels in the Disposition and Publier columns."""
    labels = ",".join(item.label for item in Disposition)
    for column, choices, title in (("E", labels, "Disposition"), ("G", "oui,non", "Publier")):
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.error, validation.errorTitle = f"Choisissez dans la liste : {choices}.", title
        validation.showErrorMessage = True
        validation.add(f"{column}2:{column}{last_row}")
        sheet.data_validations.append(validation)
