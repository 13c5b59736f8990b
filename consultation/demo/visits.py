"""The demo's audience: visitors day by day since the opening, as the counting would have left it.

Raw rows (visitors and their days) and the daily counts are written together and agree: the
counts are computed from the raw rows generated. Visitor keys are hashes of a fixed label, not of
a cookie, so that they stay the same from one load to the next whatever the application's secret.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import insert

from consultation.core.dates import to_paris
from consultation.demo.crowd import Period
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics.models import AudienceDay, AudienceVisit, AudienceVisitor

OPENING_VISITORS = 420
#: The audience fades after each publication, and is lower at weekends.
DAILY_FADE, WEEKEND_FACTOR, PUBLICATION_BOOST = 0.88, 0.55, 1.9
RETURNING_SHARE = 0.3
PAGES_PER_VISIT = (1, 2, 2, 3, 3, 4, 5, 7, 9)


def load_visits(consultation: Consultation, period: Period, rng: random.Random) -> int:
    """Insert the visitors, visits and daily counts of every day before today; unique visitors."""
    first_days: dict[str, date] = {}
    visits: list[tuple[date, str]] = []
    publications = {to_paris(batch.publish_at).date() for batch in consultation.batches}
    day, last = to_paris(period.opens_at).date(), to_paris(period.end).date() - timedelta(days=1)
    fade = 1.0
    while day <= last:
        fade = 1.0 if day in publications else fade * DAILY_FADE
        count = _visitor_count(day, fade, day in publications, rng)
        visits += [(day, key) for key in _visitors_of(day, count, first_days, rng)]
        day += timedelta(days=1)
    _insert(consultation.id, first_days, visits, rng)
    return len(first_days)


def _visitor_count(day: date, fade: float, is_publication: bool, rng: random.Random) -> int:
    count = OPENING_VISITORS * fade * (PUBLICATION_BOOST if is_publication else 1.0)
    if day.weekday() >= 5:
        count *= WEEKEND_FACTOR
    return max(5, round(count * rng.uniform(0.85, 1.15)))


def _visitors_of(day: date, count: int, first_days: dict[str, date], rng) -> list[str]:
    known = list(first_days)
    returning = rng.sample(known, min(len(known), round(count * RETURNING_SHARE)))
    new = [_key(len(first_days) + n) for n in range(count - len(returning))]
    first_days.update((key, day) for key in new)
    return returning + new


def _key(number: int) -> str:
    return hashlib.sha256(f"visiteur-de-demonstration-{number}".encode()).hexdigest()


def _insert(consultation_id: int, first_days: dict[str, date], visits, rng) -> None:
    ids = {"consultation_id": consultation_id}
    visitors = [{**ids, "visitor_key": key, "first_day": day} for key, day in first_days.items()]
    db.session.execute(insert(AudienceVisitor.__table__), visitors)
    rows = [{**ids, "day": day, "visitor_key": key} for day, key in visits]
    db.session.execute(insert(AudienceVisit.__table__), rows)
    seen, new = Counter(day for day, _ in visits), Counter(first_days.values())
    pages = Counter()
    for day, _ in visits:
        pages[day] += rng.choice(PAGES_PER_VISIT)
    days = [
        {
            **ids,
            "day": day,
            "visitors": seen[day],
            "new_visitors": new[day],
            "page_views": pages[day],
        }
        for day in sorted(seen)
    ]
    db.session.execute(insert(AudienceDay.__table__), days)
