"""The figures of a consultation, as its synthesis reports them, computed by the database.

Every function takes a Scope (what the figures are cut to) and returns small frozen values that
the statistics page, the dashboard, the workbook and `flask stats` show as they are. Counts of
contributions come from the tally when the scope allows it (see figures_counts); accounts,
contributors, sections, themes and mail are counted live, each by one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from consultation.contributions.models import Channel, Status
from consultation.moderation.models import Disposition
from consultation.publication.models import Consultation
from consultation.statistics import figures_live
from consultation.statistics.figures_counts import counts
from consultation.statistics.figures_live import Share
from consultation.statistics.figures_shapes import (
    chapters_in_scope,
    profile_columns,
    week_range,
)

__all__ = [
    "ChannelSplit",
    "KeyFigures",
    "Matrix",
    "Scope",
    "Share",
    "WeekCount",
    "accounts_by_profile",
    "by_chapter",
    "by_disposition",
    "by_profile",
    "by_section",
    "by_theme",
    "by_week",
    "chapter_by_profile",
    "key_figures",
    "mail_accounting",
]

NO_ANSWER = "Sans réponse"


@dataclass(frozen=True)
class Scope:
    """What the figures are cut to."""

    consultation: Consultation
    #: True: published contributions and published answers only.
    public: bool = True
    batch_id: int | None = None
    chapter_id: int | None = None
    profile_id: int | None = None
    channel: Channel | None = None
    theme_id: int | None = None
    #: Paris dates, inclusive, on submitted_at.
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class KeyFigures:
    visitors: int
    accounts: int
    accounts_news: int
    contributors: int
    contributions: int
    published: int
    pending: int
    rejected: int
    hidden: int
    web: int
    email: int
    answered: int
    answered_share: float
    duplicate_groups: int


@dataclass(frozen=True)
class ChannelSplit:
    label: str
    web: int
    email: int

    @property
    def total(self) -> int:
        return self.web + self.email


@dataclass(frozen=True)
class WeekCount:
    #: Monday of the week, in Paris time.
    week: date
    web: int
    email: int

    @property
    def total(self) -> int:
        return self.web + self.email


@dataclass(frozen=True)
class Matrix:
    rows: list[str]
    columns: list[str]
    counts: list[list[int]]


def key_figures(scope: Scope) -> KeyFigures:
    rows = counts(scope, "status", "channel", "disposition")
    status, channel, answered = _split(rows)
    contributions = sum(rows.values())
    accounts, accounts_news = figures_live.accounts(scope)
    return KeyFigures(
        visitors=figures_live.visitors(scope),
        accounts=accounts,
        accounts_news=accounts_news,
        contributors=figures_live.contributors(scope),
        contributions=contributions,
        published=status[Status.PUBLISHED.value],
        pending=status[Status.PENDING.value],
        rejected=status[Status.REJECTED.value],
        hidden=status[Status.HIDDEN.value],
        web=channel[Channel.WEB.value],
        email=channel[Channel.EMAIL.value],
        answered=answered,
        answered_share=answered / contributions if contributions else 0.0,
        duplicate_groups=figures_live.duplicate_groups(scope),
    )


def _split(rows) -> tuple[dict[str, int], dict[str, int], int]:
    status = dict.fromkeys((member.value for member in Status), 0)
    channel = dict.fromkeys((member.value for member in Channel), 0)
    answered = 0
    for (state, way, disposition), count in rows.items():
        status[state] += count
        channel[way] += count
        answered += count if disposition is not None else 0
    return status, channel, answered


def accounts_by_profile(scope: Scope) -> list[Share]:
    """Every profile, in profile order, zeros kept ("Non renseigné" last, when some have none)."""
    found = figures_live.accounts_per_profile(scope)
    return [Share(label, found.get(key, 0)) for key, label in profile_columns(found)]


def by_chapter(scope: Scope) -> list[ChannelSplit]:
    """Contributions per chapter ("1. Titre"), in chapter order, zeros kept."""
    rows = counts(scope, "chapter_id", "channel")
    return [
        ChannelSplit(chapter.label, rows[(chapter.id, "web")], rows[(chapter.id, "email")])
        for chapter in chapters_in_scope(scope)
    ]


def by_profile(scope: Scope) -> list[ChannelSplit]:
    """Contributions per profile of their author, in profile order, "Non renseigné" last."""
    rows = counts(scope, "profile_id", "channel")
    present = {key[0]: 1 for key in rows}
    return [
        ChannelSplit(label, rows[(key, "web")], rows[(key, "email")])
        for key, label in profile_columns(present)
    ]


def chapter_by_profile(scope: Scope) -> Matrix:
    rows = counts(scope, "chapter_id", "profile_id")
    columns = profile_columns({profile_id: 1 for _, profile_id in rows})
    chapters = chapters_in_scope(scope)
    return Matrix(
        rows=[chapter.label for chapter in chapters],
        columns=[label for _, label in columns],
        counts=[[rows[(chapter.id, key)] for key, _ in columns] for chapter in chapters],
    )


def by_week(scope: Scope) -> list[WeekCount]:
    """Every week from the opening to the closing (or today), zeros kept, Monday in Paris."""
    rows = counts(scope, "week", "channel")
    weeks = week_range(scope, {week for week, _ in rows})
    return [WeekCount(week, rows[(week, "web")], rows[(week, "email")]) for week in weeks]


def by_section(scope: Scope) -> list[Share]:
    """Per chapter, each section of the text put to consultation, then the whole chapter."""
    return figures_live.by_section(scope)


def by_disposition(scope: Scope) -> list[Share]:
    """What was done with the contributions: every disposition, then those without an answer."""
    rows = counts(scope, "disposition")
    shares = [Share(member.label, rows[(member.value,)]) for member in Disposition]
    return [*shares, Share(NO_ANSWER, rows[(None,)])]


def by_theme(scope: Scope) -> list[Share]:
    """Themes of the consultation, most frequent first (then by name), zeros kept."""
    return figures_live.by_theme(scope)


def mail_accounting(scope: Scope) -> list[Share]:
    """Mail received by the consultation and what became of it."""
    return figures_live.mail_accounting(scope)


#: Every figure of a consultation, in the order the dashboard shows them (tests and the bench).
EVERY_FIGURE = (
    key_figures,
    accounts_by_profile,
    by_chapter,
    by_profile,
    chapter_by_profile,
    by_week,
    by_section,
    by_disposition,
    by_theme,
    mail_accounting,
)
