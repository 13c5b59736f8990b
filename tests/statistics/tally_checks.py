"""What the tally tests compare: the tally as kept, as rebuilt, and as counted from the rows."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from consultation.contributions.models import Contribution
from consultation.extensions import db
from consultation.statistics import tally
from consultation.statistics.models import ContributionTally


def kept(consultation_id: int) -> Counter:
    """The tally's lines of a consultation, twin rows summed, empty lines left out."""
    table = ContributionTally.__table__
    columns = [table.c[name] for name in tally.KEY]
    query = (
        select(*columns, func.sum(table.c.count))
        .where(table.c.consultation_id == consultation_id)
        .group_by(*columns)
    )
    return +Counter({tuple(key): int(count) for *key, count in db.session.execute(query)})


def counted(consultation_id: int) -> Counter:
    """The same lines, counted from the contributions themselves."""
    condition = Contribution.consultation_id == consultation_id
    return +tally.snapshot(db.session(), condition)


def assert_exact(consultation_id: int) -> Counter:
    """The tally kept through the changes is the one rebuilt from scratch; gives it."""
    db.session.flush()
    as_kept, as_counted = kept(consultation_id), counted(consultation_id)
    tally.rebuild(consultation_id)
    assert as_kept == as_counted == kept(consultation_id)
    return as_kept


def by(lines: Counter, name: str) -> Counter:
    """The tally's lines summed on one part of their key (status, channel, disposition…)."""
    index = tally.KEY.index(name)
    result: Counter = Counter()
    for key, count in lines.items():
        result[key[index]] += count
    return +result
