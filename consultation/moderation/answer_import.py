"""Official answers imported from a workbook that analysts filled in (one row per contribution).

Reading, checking and writing are separate steps: the whole file is read and every row checked
before anything is written, and a single refused row means nothing is written at all. The report
names each refused row by its number in the sheet, so the analyst can correct the file in place.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import select

from consultation.accounts.models import User
from consultation.contributions.models import Contribution
from consultation.core import audit
from consultation.core.errors import Refused
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.answers import MAX_LENGTH, TOO_LONG, AnswerText
from consultation.moderation.models import Disposition

MAX_FILE_BYTES = 5 * 1024 * 1024
#: A small .xlsx may unpack to gigabytes (a "zip bomb"): the unpacked size is checked first.
MAX_UNPACKED_BYTES = 80 * 1024 * 1024
MAX_ROWS = 5_000
#: Columns read per row: the template has seven; analysts may add a few of their own.
MAX_COLUMNS = 40

NOT_A_WORKBOOK = "Le fichier n’est pas un classeur Excel (.xlsx) lisible."
TOO_BIG = "Le classeur dépasse la taille maximale de 5 Mo."
TOO_BIG_UNPACKED = "Le classeur est trop volumineux une fois décompressé (80 Mo au plus)."
TOO_MANY_ROWS = "Le classeur compte plus de {} réponses : découpez-le en plusieurs fichiers."
NO_ROW = "Le classeur ne contient aucune réponse sous sa ligne d’en-tête."

#: Column headers, as written in the template, by their form without accents or case.
HEADERS = {"reference": "Référence", "disposition": "Disposition", "reponse": "Réponse"}
PUBLISH_HEADER = ("publier", "Publier")
YES, NO = {"oui", "o", "x", "1", "vrai", "true"}, {"non", "n", "0", "faux", "false"}


class WorkbookRefused(Refused):
    """The file as a whole cannot be read; message says why, in French."""


@dataclass(frozen=True)
class Row:
    number: int
    reference: str
    disposition: str
    body: str
    publish: str
    #: Headers of the columns holding a formula: refused, the text must be the text itself.
    formulas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    row_number: int
    reference: str
    message: str


@dataclass
class ImportPlan:
    """What the import would write, or the problems that prevent it."""

    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    drafts: list[tuple[Contribution, AnswerText]] = field(default_factory=list)
    publications: list[tuple[Contribution, AnswerText]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def references(self) -> list[str]:
        return [contribution.reference for contribution, _ in (*self.drafts, *self.publications)]


@dataclass(frozen=True)
class AnswerWorkbook:
    """The imported file, as the audit trail names it (it is not stored)."""

    name: str
    id: None = None


def normal(text: object) -> str:
    """Text without accents, case or extra spaces: " Prise en COMPTE" reads "prise en compte"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return " ".join(decomposed.encode("ascii", "ignore").decode().casefold().split())


DISPOSITIONS = {normal(item.label): item for item in Disposition} | {
    normal(item.value): item for item in Disposition
}
DISPOSITION_LABELS = ", ".join(f"« {item.label} »" for item in Disposition)


def read_rows(data: bytes) -> list[Row]:
    """The non-empty rows under the header of the first sheet; raises WorkbookRefused."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(TOO_BIG)
    _check_archive(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=False)
    # openpyxl reports a damaged file through many exception types (zip, XML, key, value…).
    except Exception as error:
        raise WorkbookRefused(NOT_A_WORKBOOK) from error
    try:
        rows = _rows_of(workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS))
    except WorkbookRefused:
        raise
    except Exception as error:  # a damaged sheet, found while reading it
        raise WorkbookRefused(NOT_A_WORKBOOK) from error
    finally:
        workbook.close()
    if not rows:
        raise WorkbookRefused(NO_ROW)
    return rows


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise WorkbookRefused(NOT_A_WORKBOOK) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(TOO_BIG_UNPACKED)


def _rows_of(sheet_rows) -> list[Row]:
    header = next(sheet_rows, None)
    columns = _columns(header or ())
    rows: list[Row] = []
    for number, cells in enumerate(sheet_rows, start=2):
        row = _row(number, cells, columns)
        if row is None:
            continue
        if len(rows) == MAX_ROWS:
            limit = f"{MAX_ROWS:_}".replace("_", "\u202f")
            raise WorkbookRefused(TOO_MANY_ROWS.format(limit))
        rows.append(row)
    return rows


def _columns(header) -> dict[str, int]:
    """Where each known column is, found by its header name."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = normal(cell.value) if cell.value is not None else ""
        if key in (*HEADERS, PUBLISH_HEADER[0]):
            found.setdefault(key, index)
    missing = [label for key, label in HEADERS.items() if key not in found]
    if missing:
        names = ", ".join(f"« {label} »" for label in missing)
        raise WorkbookRefused(
            f"Colonne{'s' * (len(missing) > 1)} introuvable{'s' * (len(missing) > 1)} dans la "
            f"première ligne : {names}. Partez du modèle de classeur proposé au téléchargement."
        )
    return found


def _row(number: int, cells, columns: dict[str, int]) -> Row | None:
    values, formulas = {}, []
    for key, index in columns.items():
        cell = cells[index] if index < len(cells) else None
        text, is_formula = _cell_text(cell)
        values[key] = text
        if is_formula:
            formulas.append(HEADERS.get(key, PUBLISH_HEADER[1]))
    if not any(values.values()) and not formulas:
        return None
    reference, disposition, body = (values[key] for key in HEADERS)
    return Row(number, reference, disposition, body, values.get("publier", ""), tuple(formulas))


def _cell_text(cell) -> tuple[str, bool]:
    """The cell as text, and whether it holds a formula (or text that Excel would take for one)."""
    value = None if cell is None else cell.value
    if value is None:
        return "", False
    if isinstance(value, ArrayFormula) or cell.data_type == "f":
        return "", True
    if isinstance(value, bool):
        return ("oui" if value else "non"), False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").strip()
    return text, text.startswith("=")


def check(rows: list[Row], *, publish: bool, replace: bool = False) -> ImportPlan:
    """Check every row; the plan lists each problem, or what to write when there is none."""
    plan = ImportPlan(row_count=len(rows))
    known = _contributions([row.reference for row in rows if row.reference])
    first_seen: dict[str, int] = {}
    for row in rows:
        problems = _row_problems(row, known, first_seen)
        first_seen.setdefault(row.reference, row.number)
        if problems:
            plan.problems.extend(Problem(row.number, row.reference, text) for text in problems)
            continue
        _plan_row(plan, row, known[row.reference], publish=publish, replace=replace)
    return plan


def _contributions(references: list[str]) -> dict[str, Contribution]:
    found: dict[str, Contribution] = {}
    unique = list(dict.fromkeys(references))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        query = select(Contribution).where(Contribution.reference.in_(chunk))
        found.update((item.reference, item) for item in db.session.scalars(query))
    return found


def _row_problems(row: Row, known: dict[str, Contribution], first_seen: dict) -> list[str]:
    problems = [
        f"Formule refusée dans la colonne « {header} » : saisissez le texte lui-même, "
        "sans « = » au début."
        for header in row.formulas
    ]
    problems += _reference_problems(row, known, first_seen)
    if not row.disposition and "Disposition" not in row.formulas:
        problems.append(f"Disposition manquante : choisissez parmi {DISPOSITION_LABELS}.")
    elif row.disposition and normal(row.disposition) not in DISPOSITIONS:
        problems.append(
            f"Disposition inconnue « {row.disposition[:60]} » : "
            f"choisissez parmi {DISPOSITION_LABELS}."
        )
    if not row.body and "Réponse" not in row.formulas:
        problems.append("Réponse vide : saisissez le texte de la réponse.")
    elif len(row.body) > MAX_LENGTH:
        problems.append(TOO_LONG)
    if row.publish and normal(row.publish) not in YES | NO:
        problems.append("Colonne « Publier » : indiquez « oui » ou « non », ou laissez vide.")
    return problems


def _reference_problems(row: Row, known: dict[str, Contribution], first_seen: dict) -> list[str]:
    if not row.reference:
        return [] if "Référence" in row.formulas else ["Référence manquante."]
    if row.reference in first_seen:
        return [
            f"Référence déjà présente ligne {first_seen[row.reference]} : "
            "une seule réponse par contribution."
        ]
    if row.reference not in known:
        return ["Référence inconnue : aucune contribution ne porte cette référence."]
    return []


def _plan_row(
    plan: ImportPlan, row: Row, contribution: Contribution, *, publish: bool, replace: bool
) -> None:
    text = AnswerText(row.body, DISPOSITIONS[normal(row.disposition)])
    if row.publish:
        publish = normal(row.publish) in YES
    problem = answers.answer_problem(contribution, text, publish=publish, replace=replace)
    if problem is not None:
        plan.problems.append(Problem(row.number, row.reference, problem))
    else:
        (plan.publications if publish else plan.drafts).append((contribution, text))


def apply(plan: ImportPlan, moderator: User | None, file_name: str) -> None:
    """Write a valid plan: drafts, then publications (each author told once). Flush only.

    Raises AnswerRefused when someone answered one of the contributions meanwhile."""
    if not plan.is_valid:
        raise ValueError("an import plan with problems is never written")
    answers.save_drafts(plan.drafts, moderator, guard_races=False)
    answers.publish_many(plan.publications, moderator, guard_races=False)
    details = {
        "file": file_name[:200],
        "row_count": plan.row_count,
        "draft_count": len(plan.drafts),
        "published_count": len(plan.publications),
        "references": plan.references,
    }
    audit.record("answer.import", AnswerWorkbook(file_name[:200]), after=details)
