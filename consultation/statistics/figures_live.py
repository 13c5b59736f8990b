"""Figures the tally does not hold, each counted by one grouped query: audience, accounts,
contributors, near-duplicate groups, sections, themes and mail."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Integer, and_, cast, distinct, exists, func, select

from consultation.accounts.models import User
from consultation.contributions.models import (
    Channel,
    Contribution,
    Status,
    Theme,
    contribution_theme,
)
from consultation.core.roles import Role
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage, MessageState
from consultation.publication.models import Chapter
from consultation.statistics.figures_counts import (
    contribution_conditions,
    counts,
    paris_midnight,
    period_conditions,
    tune_planner,
)
from consultation.statistics.figures_shapes import chapters_in_scope
from consultation.statistics.models import AudienceDay

if TYPE_CHECKING:
    from consultation.statistics.figures import Scope

WHOLE_CHAPTER = "chapitre entier"
MAIL_LABELS = (
    (MessageState.PUBLISHED, "Courriels publiés"),
    (MessageState.REFUSED, "Courriels refusés"),
    (MessageState.NEW, "Courriels à trier"),
    (MessageState.QUARANTINED, "Courriels en quarantaine"),
)


@dataclass(frozen=True)
class Share:
    label: str
    count: int


def visitors(scope: Scope) -> int:
    """Unique visitors: those seen for the first time on the consultation, in the period."""
    day = AudienceDay
    query = select(func.coalesce(func.sum(day.new_visitors), 0)).where(
        day.consultation_id == scope.consultation.id
    )
    if scope.start is not None:
        query = query.where(day.day >= scope.start)
    if scope.end is not None:
        query = query.where(day.day <= scope.end)
    return int(db.session.scalar(query))


def _account_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    """Participants' accounts (staff left out) not erased, created by the closing date or
    within the scope's period; site-wide, since an account is not tied to one consultation."""
    closing: datetime = scope.consultation.closes_at
    if scope.end is not None:
        closing = paris_midnight(scope.end + timedelta(days=1))
    conditions = [User.role == Role.CONTRIBUTOR, User.anonymised_at.is_(None)]
    conditions.append(User.created_at < closing)
    if scope.start is not None:
        conditions.append(User.created_at >= paris_midnight(scope.start))
    if scope.profile_id is not None:
        conditions.append(User.profile_id == scope.profile_id)
    return conditions


def accounts(scope: Scope) -> tuple[int, int]:
    """Accounts, and those of them that opted in to the news."""
    news = func.sum(cast(User.news_opt_in, Integer))
    query = select(func.count(), func.coalesce(news, 0)).where(*_account_conditions(scope))
    total, opted_in = db.session.execute(query).one()
    return int(total), int(opted_in)


def accounts_per_profile(scope: Scope) -> dict[int | None, int]:
    query = (
        select(User.profile_id, func.count())
        .where(*_account_conditions(scope))
        .group_by(User.profile_id)
    )
    return {profile_id: int(count) for profile_id, count in db.session.execute(query)}


def contributors(scope: Scope) -> int:
    """Distinct authors online, plus distinct senders of the mail the contributions came from.

    Counted from the people's side, one indexed probe each (accounts, messages), rather than by
    a DISTINCT over every contribution of the consultation.
    """
    c, message = Contribution, InboundMessage
    conditions = contribution_conditions(scope)
    wrote = exists().where(c.author_id == User.id, c.channel == Channel.WEB, *conditions)
    online = select(func.count()).select_from(User).where(wrote)
    by_message = c.source_message_id == message.id
    sent = exists().where(by_message, c.channel == Channel.EMAIL, *conditions)
    by_mail = select(func.count(distinct(func.lower(message.sender_address)))).where(
        message.consultation_id == scope.consultation.id, sent
    )
    return int(db.session.scalar(online)) + int(db.session.scalar(by_mail))


def duplicate_groups(scope: Scope) -> int:
    """Groups of near-identical contributions with at least two members in scope."""
    tune_planner()
    group = Contribution.duplicate_group_id
    groups = (
        select(group)
        .where(*contribution_conditions(scope), group.is_not(None))
        .group_by(group)
        .having(func.count() >= 2)
        .subquery()
    )
    return int(db.session.scalar(select(func.count()).select_from(groups)))


def by_section(scope: Scope) -> list[Share]:
    tune_planner()
    c = Contribution
    query = (
        select(c.chapter_id, c.section_anchor, func.count())
        .where(*contribution_conditions(scope))
        .group_by(c.chapter_id, c.section_anchor)
    )
    rows = db.session.execute(query)
    found = {(chapter, anchor or ""): int(count) for chapter, anchor, count in rows}
    return [share for chapter in chapters_in_scope(scope) for share in _sections(chapter, found)]


def _sections(chapter, found: dict[tuple[int, str], int]) -> list[Share]:
    titles = {
        section.anchor: section.title
        for section in db.session.get(Chapter, chapter.id).consultation_version.sections
    }
    others = {anchor for (number, anchor) in found if number == chapter.id and anchor}
    anchors = [*titles, *sorted(others - set(titles))]
    shares = [Share(titles.get(a, a), found.get((chapter.id, a), 0)) for a in anchors]
    whole = Share(f"{chapter.label} — {WHOLE_CHAPTER}", found.get((chapter.id, ""), 0))
    return [*shares, whole]


def by_theme(scope: Scope) -> list[Share]:
    tune_planner()
    link = contribution_theme.c
    in_scope = and_(Contribution.id == link.contribution_id, *contribution_conditions(scope))
    query = (
        select(Theme.name, func.count(Contribution.id))
        .select_from(Theme)
        .outerjoin(contribution_theme, link.theme_id == Theme.id)
        .outerjoin(Contribution, in_scope)
        .where(Theme.consultation_id == scope.consultation.id)
        .group_by(Theme.id, Theme.name)
    )
    rows = [(name, int(count)) for name, count in db.session.execute(query)]
    rows.sort(key=lambda row: (-row[1], row[0].casefold()))
    return [Share(name, count) for name, count in rows]


def mail_accounting(scope: Scope) -> list[Share]:
    """Mail received, what became of it, and the contributions published from it."""
    message = InboundMessage
    query = (
        select(message.state, func.count())
        .where(message.consultation_id == scope.consultation.id)
        .where(*period_conditions(scope, message.received_at))
        .group_by(message.state)
    )
    states = {MessageState(state): int(count) for state, count in db.session.execute(query)}
    shares = [Share("Courriels reçus", sum(states.values()))]
    shares += [Share(label, states.get(state, 0)) for state, label in MAIL_LABELS]
    return [*shares, Share("Contributions publiées issues des courriels", _mail_published(scope))]


def _mail_published(scope: Scope) -> int:
    if scope.channel not in (None, Channel.EMAIL):
        return 0
    by_mail = counts(replace(scope, channel=Channel.EMAIL), "status")
    return by_mail[(Status.PUBLISHED.value,)]
