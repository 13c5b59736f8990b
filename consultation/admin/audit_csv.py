"""The audit trail as CSV, for an investigator: the events an admin filtered, newest first.

UTF-8 with a BOM and ";" between cells, as spreadsheets set up in French expect. Rows are read and
sent by batches, so a trail of a million events never sits in memory. A cell that a spreadsheet
would take for a formula (=, +, -, @…) starts with a quote instead: a label typed by the public
(a mail subject, a name) must not run in an investigator's spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from sqlalchemy import select

from consultation.admin.audit_labels import action_label
from consultation.admin.audit_reading import AuditFilter
from consultation.core.audit import AuditEvent
from consultation.core.dates import to_paris
from consultation.extensions import db

HEADER = ("Date (heure de Paris)", "Acteur", "Action", "Libellé de l’action", "Type d’objet",
          "Identifiant de l’objet", "Objet", "Avant", "Après", "Origine")  # fmt: skip
COLUMNS = (AuditEvent.occurred_at, AuditEvent.actor_label, AuditEvent.action,
           AuditEvent.object_type, AuditEvent.object_id, AuditEvent.object_label,
           AuditEvent.before, AuditEvent.after, AuditEvent.origin)  # fmt: skip
#: A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_chunks(filters: AuditFilter, batch_size: int = 1000) -> Iterator[str]:
    """The header, then the matching events, batch_size rows per chunk."""
    query = filters.apply(select(*COLUMNS))
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    yield "\ufeff" + _drain(buffer)
    for rows in db.session.execute(query.execution_options(yield_per=batch_size)).partitions():
        writer.writerows(_cells(row) for row in rows)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cells(row) -> Iterable[str]:
    moment, actor, action, kind, identifier, label, before, after, origin = row
    moment_text = to_paris(moment).isoformat(timespec="seconds")
    cells = (moment_text, actor, action, action_label(action), kind, identifier or "",
             label or "", _json(before), _json(after), origin or "")  # fmt: skip
    return [safe_cell(cell) for cell in cells]


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a quote first."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_details(filters: AuditFilter, event_count: int) -> dict[str, object]:
    """What the trail keeps of an export: the filters used and how many events left."""
    return {"filters": filters.as_args(), "event_count": event_count}
