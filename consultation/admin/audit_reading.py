"""Reading the audit trail for admins: filters taken from a query string, pages, counts.

Pages are read newest first by keyset on (occurred_at, id), the `ix_audit_event_recent` index, so
the hundredth page costs what the first does. Every parameter is checked against what it may be;
anything else is ignored rather than refused, so no query string can break the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import func, literal, or_, select, tuple_

from consultation.accounts.models import Profile
from consultation.admin.audit_labels import (
    ACTION_LABELS,
    OBJECT_TYPE_LABELS,
    Change,
    action_label,
    describe_changes,
    object_type_label,
)
from consultation.contributions.models import Contribution
from consultation.core.audit import AuditEvent
from consultation.core.dates import UTCDateTime, from_paris
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage
from consultation.moderation.models import Answer
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation

PAGE_SIZE = 50
#: Pages count matching events up to this many, then say "plus de": counting every row of a large
#: trail would cost a full scan on each page, where the page itself reads 51 rows of an index.
COUNT_LIMIT = 10_000
MAX_TEXT_LENGTH = 100
#: Characters a search text never needs; PostgreSQL refuses NUL in a string.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CURSOR = re.compile(r"(.{19,40})~(\d{1,18})")


@dataclass(frozen=True)
class AuditFilter:
    #: Part of the actor's address (or "ligne de commande"), any case.
    actor: str = ""
    action: str = ""
    object_type: str = ""
    #: Part of the object's label (a reference, a title…), or its exact identifier.
    object_text: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilter:
        """The filters of a query string or a form; a malformed value is left out."""
        action, object_type = args.get("action", ""), args.get("type", "")
        return cls(
            actor=_text(args.get("acteur")),
            action=action if action in ACTION_LABELS else "",
            object_type=object_type if object_type in OBJECT_TYPE_LABELS else "",
            object_text=_text(args.get("objet")),
            since=_day(args.get("du")),
            until=_day(args.get("au")),
        )

    def as_args(self) -> dict[str, str]:
        """The query string of these filters, empty ones left out (links, the CSV form)."""
        values = {
            "acteur": self.actor,
            "action": self.action,
            "type": self.object_type,
            "objet": self.object_text,
            "du": _iso(self.since),
            "au": _iso(self.until),
        }
        return {name: value for name, value in values.items() if value}

    def apply(self, query):
        if self.actor:
            query = query.where(AuditEvent.actor_label.ilike(_containing(self.actor), escape="\\"))
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.object_text:
            label = AuditEvent.object_label.ilike(_containing(self.object_text), escape="\\")
            query = query.where(or_(label, AuditEvent.object_id == self.object_text))
        if self.since:
            query = query.where(AuditEvent.occurred_at >= _start_of(self.since))
        if self.until:
            query = query.where(AuditEvent.occurred_at < _start_of(self.until + timedelta(days=1)))
        return query


def _text(value: str | None) -> str:
    return CONTROL_CHARACTERS.sub("", value or "").strip()[:MAX_TEXT_LENGTH]


def _day(value: str | None) -> date | None:
    """A day typed in a date field (YYYY-MM-DD), within years any event can have."""
    if not value or not DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1970 <= day.year <= 2999 else None


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _containing(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _start_of(day: date) -> datetime:
    """Midnight in Paris: the days an admin types are the days they live in."""
    return from_paris(datetime.combine(day, time()))


@dataclass(frozen=True)
class JournalRow:
    event: AuditEvent
    action_label: str
    object_type_label: str
    #: The object's page, when it has one and still exists.
    link: str | None
    changes: list[Change]


@dataclass(frozen=True)
class JournalPage:
    rows: list[JournalRow]
    next_cursor: str | None
    #: How many events match, counted up to COUNT_LIMIT + 1.
    total: int

    @property
    def is_total_capped(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def total_text(self) -> str:
        """The count as the page says it: "42", or "Plus de 10 000"."""
        if self.is_total_capped:
            return f"Plus de {COUNT_LIMIT:,}".replace(",", "\u202f")
        return f"{self.total:,}".replace(",", "\u202f")


def journal_page(filters: AuditFilter, after: str | None = None, size: int = PAGE_SIZE):
    """One page of matching events, newest first, with how many match in all."""
    query = filters.apply(select(AuditEvent))
    position = decode_cursor(after)
    if position is not None:
        bound = tuple_(literal(position[0], UTCDateTime()), literal(position[1]))
        query = query.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < bound)
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(size + 1)
    events = list(db.session.scalars(query))
    shown = events[:size]
    links = object_links(shown)
    rows = [_row(event, links.get((event.object_type, event.object_id))) for event in shown]
    next_cursor = encode_cursor(shown[-1]) if len(events) > size else None
    # A first page that holds every match has counted them: a rare match costs one scan, not two.
    is_whole = position is None and next_cursor is None
    total = len(shown) if is_whole else count(filters, limit=COUNT_LIMIT)
    return JournalPage(rows, next_cursor, total)


def count(filters: AuditFilter, limit: int | None = None) -> int:
    """How many events match; with a limit, counting stops after limit + 1 of them."""
    matching = filters.apply(select(AuditEvent.id))
    if limit is not None:
        matching = matching.limit(limit + 1)
    return db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0


def _row(event: AuditEvent, link: str | None) -> JournalRow:
    return JournalRow(
        event,
        action_label(event.action),
        object_type_label(event.object_type),
        link,
        describe_changes(event.before, event.after),
    )


def encode_cursor(event: AuditEvent) -> str:
    return f"{event.occurred_at.isoformat()}~{event.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The position a cursor names, or None for the first page (also when it is malformed)."""
    match = CURSOR.fullmatch(cursor or "")
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(match.group(1))
        if moment.tzinfo is None:
            return None
        return moment.astimezone(UTC), int(match.group(2))
    except (ValueError, OverflowError):
        return None


# Links to the objects' pages: one query per kind of object on the page.


def _existing(model, argument: str) -> Callable[[list[int]], dict[int, dict[str, object]]]:
    def find(ids: list[int]) -> dict[int, dict[str, object]]:
        found = db.session.scalars(select(model.id).where(model.id.in_(ids)))
        return {identifier: {argument: identifier} for identifier in found}

    return find


def _references(ids: list[int]) -> dict[int, dict[str, object]]:
    query = select(Contribution.id, Contribution.reference).where(Contribution.id.in_(ids))
    return {identifier: {"reference": ref} for identifier, ref in db.session.execute(query)}


def _answered(ids: list[int]) -> dict[int, dict[str, object]]:
    query = select(Answer.id, Contribution.reference).join(Contribution).where(Answer.id.in_(ids))
    return {identifier: {"reference": ref} for identifier, ref in db.session.execute(query)}


def _version_chapters(ids: list[int]) -> dict[int, dict[str, object]]:
    query = select(ChapterVersion.id, ChapterVersion.chapter_id).where(ChapterVersion.id.in_(ids))
    rows = db.session.execute(query)
    return {identifier: {"chapter_id": chapter_id} for identifier, chapter_id in rows}


#: Each kind of object with a page: which of its objects still exist (with the page's URL
#: arguments), and the page's endpoint.
LINKED = {
    "contribution": (_references, "contributions.show"),
    "answer": (_answered, "contributions.show"),
    "consultation": (_existing(Consultation, "consultation_id"), "admin.schedule"),
    "batch": (_existing(Batch, "batch_id"), "admin.edit_batch"),
    "chapter": (_existing(Chapter, "chapter_id"), "admin.edit_chapter"),
    "chapterversion": (_version_chapters, "admin.chapter_versions"),
    "profile": (_existing(Profile, "profile_id"), "admin.edit_profile"),
    "inboundmessage": (_existing(InboundMessage, "message_id"), "moderation.mail_message"),
}


def object_links(events: Iterable[AuditEvent]) -> dict[tuple[str, str], str]:
    """The page of each event's object, keyed by (object_type, object_id)."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in LINKED and (event.object_id or "").isdigit():
            wanted.setdefault(event.object_type, set()).add(int(event.object_id))
    links = {}
    for kind, ids in wanted.items():
        find, endpoint = LINKED[kind]
        for identifier, arguments in find(sorted(ids)).items():
            links[(kind, str(identifier))] = url_for(endpoint, **arguments)
    return links
