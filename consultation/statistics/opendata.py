"""Open data: a consultation's published contributions and answers, as CSV or JSON, streamed.

Only what the public pages show goes out: published contributions on published chapters, with
their published answer, under their public label, their text as published (redacted passages
masked). No address and no account id: a keyed hash stands for the author. Rows are read from a
streamed query in batches and written as they come, so memory stays flat whatever the size.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from consultation.accounts.models import Profile, User
from consultation.contributions import reading
from consultation.contributions.models import Channel, Contribution, Status
from consultation.contributions.themes import theme_names_by_contribution
from consultation.core.clock import now
from consultation.core.dates import to_paris
from consultation.core.errors import Refused
from consultation.core.links import site_url
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage
from consultation.moderation.models import Answer, AnswerStatus
from consultation.publication.models import Chapter, Consultation
from consultation.statistics.opendata_schema import NAMES, descriptor

BATCH_SIZE = 1000
PSEUDONYM_LENGTH = 16
PSEUDONYM_SALT = b"concertation/opendata/pseudonym"
THEMES = NAMES.index("themes")

#: One row of the files: its values in the order of the columns, as JSON values.
Record = tuple[object, ...]


class OpendataRefused(Refused):
    """The files of this consultation cannot be produced (unknown, or nothing public yet)."""


def public_consultation(slug: str, at: datetime | None = None) -> Consultation:
    """The consultation if at least one of its batches is public; raise OpendataRefused."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise OpendataRefused(f"Aucune consultation ne porte l’identifiant « {slug} ».")
    if not consultation.published_batches(at or now()):
        raise OpendataRefused(
            f"La consultation « {slug} » n’a encore rien publié : il n’y a pas de données ouvertes."
        )
    return consultation


# Reading


def _public_chapter_ids(consultation: Consultation, at: datetime):
    return select(Chapter.id).where(
        Chapter.consultation_id == consultation.id, Chapter.is_published(at)
    )


def _is_public(model, consultation: Consultation, at: datetime):
    return (
        (model.consultation_id == consultation.id)
        & (model.status == Status.PUBLISHED)
        & model.chapter_id.in_(_public_chapter_ids(consultation, at))
    )


def _duplicate_groups(consultation: Consultation, at: datetime):
    """Groups with at least two public members, named by the reference of their first one."""
    member = aliased(Contribution)
    groups = (
        select(member.duplicate_group_id.label("group_id"), func.min(member.id).label("first_id"))
        .where(_is_public(member, consultation, at), member.duplicate_group_id.is_not(None))
        .group_by(member.duplicate_group_id)
        .having(func.count() >= 2)
        .subquery()
    )
    first = aliased(Contribution)
    return (
        select(groups.c.group_id, first.reference.label("groupe_doublons"))
        .join(first, first.id == groups.c.first_id)
        .subquery()
    )


def _rows_query(consultation: Consultation, at: datetime) -> Select:
    groups = _duplicate_groups(consultation, at)
    published_answer = (Answer.contribution_id == Contribution.id) & (
        Answer.status == AnswerStatus.PUBLISHED
    )
    query = select(
        Contribution.id, Contribution.reference, Chapter.number, Chapter.title,
        Contribution.section_anchor, Contribution.section_title, Contribution.channel,
        Profile.label.label("profile"), Contribution.organisation, Contribution.author_label,
        Contribution.author_id, User.anonymised_at, InboundMessage.sender_address,
        Contribution.submitted_at, Contribution.published_at, Contribution.body,
        Answer.disposition, Answer.body.label("answer_body"),
        Answer.published_at.label("answered_at"), Answer.updated_at.label("answer_updated_at"),
        groups.c.groupe_doublons,
    )  # fmt: skip
    return (
        query.join(Chapter, Chapter.id == Contribution.chapter_id)
        .outerjoin(Profile, Profile.id == Contribution.profile_id)
        .outerjoin(User, User.id == Contribution.author_id)
        .outerjoin(InboundMessage, InboundMessage.id == Contribution.source_message_id)
        .outerjoin(Answer, published_answer)
        .outerjoin(groups, groups.c.group_id == Contribution.duplicate_group_id)
        .where(_is_public(Contribution, consultation, at))
        # The order of the consultation's queue index: PostgreSQL reads it without sorting.
        .order_by(Contribution.submitted_at, Contribution.id)
    )


def published_summary(
    consultation: Consultation, at: datetime | None = None
) -> tuple[int, datetime | None]:
    """How many contributions the files hold and when the latest was published.

    The count comes from the counts kept per chapter; the date from one index lookup per chapter
    (chapter, status, published_at): neither reads the contributions themselves.
    """
    chapter_ids = list(db.session.scalars(_public_chapter_ids(consultation, at or now())))
    counts = reading.counts_by_chapter(consultation)
    latest = (
        select(func.max(Contribution.published_at))
        .where(Contribution.chapter_id == Chapter.id, Contribution.status == Status.PUBLISHED)
        .scalar_subquery()
    )
    dates = db.session.scalars(select(latest).where(Chapter.id.in_(chapter_ids)))
    last = max((moment for moment in dates if moment is not None), default=None)
    return sum(counts.get(chapter_id, 0) for chapter_id in chapter_ids), last


# Rows


def pseudonym_key() -> bytes:
    """OPENDATA_PSEUDONYM_KEY, or a key derived from SECRET_KEY for this purpose only. Changing
    it changes every author's identifier in the next files."""
    configured = current_app.config.get("OPENDATA_PSEUDONYM_KEY")
    if configured:
        return str(configured).encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, PSEUDONYM_SALT, hashlib.sha256).digest()


@dataclass(frozen=True)
class _Context:
    """What turns a database row into a file row, computed once per export."""

    slug: str
    key: bytes
    url_pattern: str

    def pseudonym(self, row) -> str | None:
        """The account for the web, the sender's address for mail: a mail is never tied to the
        public name of the account that sent it. None once the account is deleted."""
        if row.anonymised_at is not None:
            return None
        if row.channel == Channel.EMAIL:
            address = (row.sender_address or "").strip().lower()
            return _digest(self.key, f"courriel:{address}") if address else None
        if row.author_id is None:
            return None
        return _digest(self.key, f"compte:{row.author_id}")

    def url(self, reference: str) -> str:
        return self.url_pattern.replace("REFERENCE", reference)


@lru_cache(maxsize=65_536)
def _digest(key: bytes, subject: str) -> str:
    """Cached: an author's contributions follow each other closely in most consultations."""
    return hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def _iso(value: datetime | None) -> str | None:
    return to_paris(value).isoformat(timespec="seconds") if value is not None else None


def _edited_at(row) -> datetime | None:
    if row.answered_at is None or row.answer_updated_at <= row.answered_at:
        return None
    return row.answer_updated_at


def _record(row, themes: list[str], context: _Context) -> Record:
    return (
        row.reference, context.slug, row.number, row.title, row.section_anchor, row.section_title,
        row.channel.label, row.profile, row.organisation, row.author_label,
        context.pseudonym(row), _iso(row.submitted_at), _iso(row.published_at), row.body,
        row.disposition.label if row.disposition else None, row.answer_body,
        _iso(row.answered_at), _iso(_edited_at(row)), themes, row.groupe_doublons,
        context.url(row.reference),
    )  # fmt: skip


def public_records(
    consultation: Consultation, at: datetime | None = None
) -> Iterator[list[Record]]:
    """Batches of file rows (JSON values in the order of NAMES), oldest first."""
    at = at or now()
    url_pattern = site_url("contributions.show", reference="REFERENCE")
    context = _Context(consultation.slug, pseudonym_key(), url_pattern)
    query = _rows_query(consultation, at).execution_options(yield_per=BATCH_SIZE)
    for partition in db.session.execute(query).partitions():
        themes = theme_names_by_contribution(row.id for row in partition)
        yield [_record(row, themes.get(row.id, []), context) for row in partition]


# Writers


def _csv_row(record: Record) -> list[object]:
    """The record as CSV cells: the csv module writes None as an empty cell; a list as JSON."""
    row = list(record)
    row[THEMES] = json.dumps(row[THEMES], ensure_ascii=False) if row[THEMES] else "[]"
    return row


def csv_chunks(batches: Iterable[list[Record]]) -> Iterator[bytes]:
    """RFC 4180 CSV in UTF-8 (no BOM), CRLF line ends, one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(NAMES)
    for records in batches:
        writer.writerows(map(_csv_row, records))
        yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def json_chunks(batches: Iterable[list[Record]]) -> Iterator[bytes]:
    """One JSON array, an object per line, written batch by batch."""
    separator = "[\n"
    for records in batches:
        objects = (dict(zip(NAMES, record, strict=True)) for record in records)
        lines = [json.dumps(item, ensure_ascii=False) for item in objects]
        if lines:
            yield (separator + ",\n".join(lines)).encode("utf-8")
            separator = ",\n"
    yield ("[\n]\n" if separator == "[\n" else "\n]\n").encode("utf-8")


@dataclass(frozen=True)
class FileFormat:
    extension: str
    media_type: str
    chunks: Callable[[Iterable[list[Record]]], Iterator[bytes]]


FORMATS = {
    "csv": FileFormat("csv", "text/csv; charset=utf-8", csv_chunks),
    "json": FileFormat("json", "application/json; charset=utf-8", json_chunks),
}


def file_chunks(consultation: Consultation, file_format: str) -> Iterator[bytes]:
    return FORMATS[file_format].chunks(public_records(consultation))


def write_file(consultation: Consultation, file_format: str, path: Path) -> int:
    """Write the file at `path` whole or not at all; return the number of contributions."""
    count = 0

    def counted() -> Iterator[list[Record]]:
        nonlocal count
        for records in public_records(consultation):
            count += len(records)
            yield records

    write_atomically(path, FORMATS[file_format].chunks(counted()))
    return count


def write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write into a temporary file beside `path`, renamed only once complete."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            for chunk in chunks:
                output.write(chunk)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def schema_bytes(consultation: Consultation) -> bytes:
    """The Table Schema descriptor as indented UTF-8 JSON."""
    page = site_url("opendata.page", slug=consultation.slug)
    return json.dumps(descriptor(consultation, page), ensure_ascii=False, indent=2).encode()
