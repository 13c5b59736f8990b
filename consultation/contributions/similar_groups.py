"""Groups of near-duplicate contributions as people read them: members, sizes, counts."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select

from consultation.contributions import minhash
from consultation.contributions.models import Contribution, SimilaritySignature
from consultation.extensions import db


class GroupCounts(NamedTuple):
    group_count: int
    #: Contributions that belong to a group (every member of every group).
    member_count: int


def group_counts(consultation_id: int) -> GroupCounts:
    """How many groups of near-duplicates a consultation has, and how many members (one query)."""
    groups, members = db.session.execute(
        select(
            func.count(Contribution.duplicate_group_id.distinct()),
            func.count(Contribution.duplicate_group_id),
        ).where(Contribution.consultation_id == consultation_id)
    ).one()
    return GroupCounts(groups, members)


def group_size(group_id: int) -> int:
    """The number of members of a group (0 when there is no such group)."""
    query = select(func.count()).where(Contribution.duplicate_group_id == group_id)
    return db.session.scalar(query)


def group_members(group_id: int) -> list[Contribution]:
    """The members of a group, first one first (empty when there is no such group)."""
    query = (
        select(Contribution)
        .where(Contribution.duplicate_group_id == group_id)
        .order_by(Contribution.id)
    )
    return list(db.session.scalars(query))


def similarity_to_first(members: list[Contribution]) -> dict[int, float]:
    """Each member's estimated similarity with the group's first member, from 0 to 1."""
    if not members:
        return {}
    query = select(SimilaritySignature.contribution_id, SimilaritySignature.signature).where(
        SimilaritySignature.contribution_id.in_([member.id for member in members])
    )
    stored = dict(db.session.execute(query).all())
    first = stored.get(members[0].id)
    if first is None:
        return {}
    reference = minhash.from_bytes(first)
    return {
        identifier: float(minhash.estimated_similarity(reference, minhash.from_bytes(signature)))
        for identifier, signature in stored.items()
    }
