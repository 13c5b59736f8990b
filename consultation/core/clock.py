"""The one time source of the application; tests freeze and move it instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class _Clock:
    frozen_at: datetime | None = None


_clock = _Clock()


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _clock.frozen_at or datetime.now(UTC)


def freeze(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("the clock only holds timezone-aware datetimes")
    _clock.frozen_at = at.astimezone(UTC)


def advance(delta: timedelta) -> None:
    freeze(now() + delta)


def unfreeze() -> None:
    _clock.frozen_at = None
