"""How many contributions each tab of the queue holds under the moderator's filters.

Filters that the contribution tally is cut by (consultation, batch, chapter, profile, channel)
are answered exactly from it: a few hundred rows summed, whatever the number of contributions.
The others (theme, dates, group, search) and the reported tab count rows, capped: an exact count
walks every matching row, a capped one stops past its cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from consultation.contributions.models import Contribution, Status
from consultation.extensions import db
from consultation.moderation.queue import (
    QueueFilter,
    View,
    conditions,
    in_view,
    tune_postgresql,
)
from consultation.publication.models import Chapter
from consultation.statistics.models import ContributionTally

#: Counts stop there ("plus de 10 000" is all a moderator needs beyond): the view shown…
COUNT_CAP = 10_000
#: …and the other tabs, whose counts cost up to ten times less (measured in bench/README.md).
TAB_COUNT_CAP = 1_000


@dataclass(frozen=True)
class Count:
    """How many contributions a view holds: exact, or up to its cap and "plus de" the cap beyond."""

    value: int
    cap: int | None = None

    @property
    def is_capped(self) -> bool:
        return self.cap is not None and self.value > self.cap

    def __str__(self) -> str:
        if self.is_capped:
            return f"plus de {self.cap:,}".replace(",", "\u202f")
        return f"{self.value:,}".replace(",", "\u202f")


def counts(filters: QueueFilter) -> dict[View, Count]:
    """The count of every view: from the tally when the filters allow it, else capped."""
    tune_postgresql()
    if not _is_tallied(filters):
        return _capped_counts(filters)
    found = _tallied_counts(filters)
    reported = _capped_counts(filters, views=[View.REPORTED])
    return {view: found.get(view) or reported[view] for view in View}


def _is_tallied(filters: QueueFilter) -> bool:
    others = (filters.theme_id, filters.submitted_from, filters.submitted_before, filters.group_id)
    return not filters.search and all(value is None for value in others)


def _tallied_counts(filters: QueueFilter) -> dict[View, Count]:
    tally = ContributionTally
    published = tally.status == Status.PUBLISHED.value

    def total(condition):
        return func.coalesce(func.sum(case((condition, tally.count), else_=0)), 0)

    columns = {
        View.PENDING: total(tally.status == Status.PENDING.value),
        View.UNANSWERED: total(and_(published, tally.disposition.is_(None))),
        View.PUBLISHED: total(published),
        View.REJECTED: total(tally.status == Status.REJECTED.value),
        View.HIDDEN: total(tally.status == Status.HIDDEN.value),
    }
    row = db.session.execute(select(*columns.values()).where(*_tally_conditions(filters))).one()
    return {view: Count(int(value)) for view, value in zip(columns, row, strict=True)}


def _tally_conditions(filters: QueueFilter) -> list:
    tally = ContributionTally
    equal = {
        tally.consultation_id: filters.consultation_id,
        tally.chapter_id: filters.chapter_id,
        tally.profile_id: filters.profile_id,
        tally.channel: filters.channel.value if filters.channel else None,
    }
    found = [column == value for column, value in equal.items() if value is not None]
    if filters.batch_id is not None:
        in_batch = select(Chapter.id).where(Chapter.batch_id == filters.batch_id)
        found.append(tally.chapter_id.in_(in_batch))
    return found


def _capped_counts(filters: QueueFilter, views: list[View] | None = None) -> dict[View, Count]:
    """Counts in one statement: the view shown up to COUNT_CAP, the other tabs up to
    TAB_COUNT_CAP. With a search, the view shown stops at TAB_COUNT_CAP too: a common word makes
    PostgreSQL check rows one by one."""
    views = views or list(View)
    where = conditions(filters)
    shown = TAB_COUNT_CAP if filters.search else COUNT_CAP
    caps = {view: shown if view is filters.view else TAB_COUNT_CAP for view in views}
    columns = [_capped_count(in_view(view), where, caps[view]) for view in views]
    row = db.session.execute(select(*columns)).one()
    return {view: Count(value, caps[view]) for view, value in zip(views, row, strict=True)}


def _capped_count(condition, where: list, cap: int):
    capped = select(Contribution.id).where(condition, *where).limit(cap + 1).subquery()
    return select(func.count()).select_from(capped).scalar_subquery()
