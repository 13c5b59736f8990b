"""Dates are stored in UTC and shown in Europe/Paris time, in French."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

PARIS = ZoneInfo("Europe/Paris")

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime kept in UTC on every database (SQLite stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: say which zone they are in")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_paris(value: datetime) -> datetime:
    return value.astimezone(PARIS)


def from_paris(local: datetime) -> datetime:
    """Read a wall-clock time typed in Paris (a form field) as an aware UTC datetime."""
    return local.replace(tzinfo=PARIS).astimezone(UTC)


def format_date(value: datetime | None, with_time: bool = False) -> str:
    """'3 mars 2026' or '3 mars 2026 à 14 h 05', in Paris time."""
    if value is None:
        return ""
    local = to_paris(value)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{day} {MONTHS_FR[local.month - 1]} {local.year}"
    if with_time:
        text += f" à {local.hour} h {local.minute:02d}"
    return text


def format_iso(value: datetime) -> str:
    """Machine-readable date for <time datetime> and JSON, with the Paris offset."""
    return to_paris(value).isoformat(timespec="minutes")
