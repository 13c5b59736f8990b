"""Grouping near-duplicate contributions: form letters, campaigns, the same mail sent twice.

Each contribution is signed once (MinHash, see `minhash.py`): its signature and its 16 LSH band
keys are stored. Contributions of one consultation that share a band key are candidates; a
candidate pair whose estimated Jaccard similarity reaches 0.8 is joined (single linkage), and a
group is named by its smallest member id: when a new text bridges two groups, the one with the
larger id is relabelled. Candidates are found in the database, so a run reads only the new
texts and the few stored rows that share a band with them.

The rules a run follows:

- `group_new()` places only contributions without a signature: a new one, one whose text
  changed (`forget_signature`), or all of them after `reset()`. Running it twice in a row does
  nothing the second time; it can run from cron.
- A contribution a moderator took out of a group (`leave_group`, audit event
  "contribution.ungroup") is never grouped again by the command: its bands are deleted, so no
  later text finds it, and when it is signed again (after a redaction or `--all`) it gets a
  signature but no band.
- A new text is first compared with the smallest other member of each bucket it falls in (one
  comparison per band, whatever the size of a campaign); only a bucket where that one is not
  similar enough is read whole.

Two runs at the same time would sign the same rows: the second fails on the signature's primary
key and rolls back its chunk, losing nothing. Services flush; the command commits each chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from sqlalchemy import delete, func, select, update

from consultation.contributions import minhash
from consultation.contributions.models import Contribution, SimilarityBand, SimilaritySignature
from consultation.core import audit, bulk
from consultation.core.audit import AuditEvent
from consultation.core.clock import now
from consultation.extensions import db

CHUNK_SIZE = 2_000
#: Band keys per query: well below SQLite's limit of bind parameters.
KEYS_PER_QUERY = 5_000
#: The audit action of a moderator taking a contribution out of its group.
UNGROUP_ACTION = "contribution.ungroup"


@dataclass
class GroupingReport:
    signed_count: int = 0
    #: Contributions that were in no group and now are: new ones, and those they resemble.
    grouped_count: int = 0
    #: Existing groups relabelled into another one, because a new text bridged them.
    merged_count: int = 0

    def add(self, other: GroupingReport) -> None:
        self.signed_count += other.signed_count
        self.grouped_count += other.grouped_count
        self.merged_count += other.merged_count


def reset() -> None:
    """Forget every signature, band and group: the next `group_new()` recomputes them all."""
    db.session.execute(delete(SimilarityBand))
    db.session.execute(delete(SimilaritySignature))
    db.session.execute(
        update(Contribution)
        .where(Contribution.duplicate_group_id.is_not(None))
        .values(duplicate_group_id=None),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()


def group_new(chunk_size: int = CHUNK_SIZE) -> Iterator[GroupingReport]:
    """Sign and place the contributions without a signature, one chunk at a time.

    Yields after each chunk (flushed) so that the caller commits it: memory stays flat and a run
    cut short keeps what it did.
    """
    after = 0
    while rows := _unsigned(after, chunk_size):
        after = rows[-1].id
        yield _place_chunk(rows)


def _unsigned(after: int, limit: int) -> list:
    signed = select(SimilaritySignature.contribution_id).where(
        SimilaritySignature.contribution_id == Contribution.id
    )
    query = (
        select(Contribution.id, Contribution.consultation_id, Contribution.body)
        .where(~signed.exists(), Contribution.id > after)
        .order_by(Contribution.id)
        .limit(limit)
    )
    return list(db.session.execute(query))


def _place_chunk(rows: list) -> GroupingReport:
    ids = [row.id for row in rows]
    signatures = minhash.signatures([row.body for row in rows])
    keys = minhash.band_keys(signatures, np.array([row.consultation_id for row in rows]))
    bands = _bands(ids, signatures, keys, excluded=_taken_out(ids))
    _store(ids, signatures, bands)
    report = _merge(_similar_pairs(bands))
    report.signed_count = len(ids)
    return report


def _taken_out(ids: list[int]) -> set[int]:
    """Those of `ids` that a moderator once took out of a group."""
    query = select(AuditEvent.object_id).where(
        AuditEvent.object_type == "contribution",
        AuditEvent.action == UNGROUP_ACTION,
        bulk.among(AuditEvent.object_id, [str(identifier) for identifier in ids]),
    )
    return {int(identifier) for identifier in db.session.scalars(query)}


def _bands(ids, signatures, keys, excluded: set[int]) -> list[tuple[int, int]]:
    """(contribution, band key) pairs to store: none for a text without words, nor for a
    contribution taken out of a group (so that no one finds it)."""
    return [
        (identifier, key)
        for identifier, row, row_keys in zip(ids, signatures, keys.tolist(), strict=True)
        if identifier not in excluded and not minhash.is_empty(row)
        for key in row_keys
    ]


def _store(ids: list[int], signatures: np.ndarray, bands: list[tuple[int, int]]) -> None:
    at = now()
    bulk.insert_rows(
        SimilaritySignature.__table__,
        [
            {"contribution_id": identifier, "signature": minhash.to_bytes(row), "computed_at": at}
            for identifier, row in zip(ids, signatures, strict=True)
        ],
    )
    # In key order: each insertion lands next to the previous one in the primary key's index.
    bulk.insert_rows(
        SimilarityBand.__table__,
        [
            {"contribution_id": identifier, "band_key": key}
            for identifier, key in sorted(bands, key=itemgetter(1))
        ],
    )


def _similar_pairs(bands: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Pairs (new, other) of near-duplicates, other being any signed contribution, new included.

    Each new band is first compared with the smallest other member of its bucket only; the
    buckets where that one is not similar enough are then read whole.
    """
    if not bands:
        return set()
    smallest = _bucket_members({key for _, key in bands}, first=2)
    leaders = {(new, key): _other(smallest[key], new) for new, key in bands if key in smallest}
    similar = _verified({(new, leader) for (new, _), leader in leaders.items()})
    unresolved = [band for band, leader in leaders.items() if (band[0], leader) not in similar]
    if not unresolved:
        return similar
    everyone = _bucket_members({key for _, key in unresolved})
    pairs = {(new, member) for new, key in unresolved for member in everyone[key] if member != new}
    return similar | _verified(pairs)


def _other(two_smallest: list[int], new: int) -> int:
    return two_smallest[1] if two_smallest[0] == new else two_smallest[0]


def _bucket_members(keys: set[int], first: int | None = None) -> dict[int, list[int]]:
    """The members of each bucket shared by two contributions or more, smallest first; only the
    `first` smallest when given. Each bucket is read once per chunk, however many new texts
    share it."""
    members: dict[int, list[int]] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        query = _members_query(ordered[start : start + KEYS_PER_QUERY], first)
        for key, identifier in db.session.execute(query):
            members.setdefault(key, []).append(identifier)
    return members


def _members_query(keys: list[int], first: int | None):
    band = SimilarityBand
    rank = func.row_number().over(partition_by=band.band_key, order_by=band.contribution_id)
    size = func.count().over(partition_by=band.band_key)
    ranked = (
        select(band.band_key, band.contribution_id, rank.label("rank"), size.label("size"))
        .where(bulk.among(band.band_key, keys))
        .subquery()
    )
    query = select(ranked.c.band_key, ranked.c.contribution_id).where(ranked.c.size > 1)
    if first is not None:
        query = query.where(ranked.c.rank <= first)
    return query.order_by(ranked.c.band_key, ranked.c.contribution_id)


def _verified(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs of one consultation whose estimated similarity reaches the threshold."""
    if not pairs:
        return set()
    ordered = sorted(pairs)
    known = _signatures({identifier for pair in ordered for identifier in pair})
    index = {identifier: position for position, identifier in enumerate(known.ids)}
    left = np.array([index[a] for a, _ in ordered])
    right = np.array([index[b] for _, b in ordered])
    similar = minhash.estimated_similarity(known.rows[left], known.rows[right]) >= minhash.THRESHOLD
    similar &= known.consultations[left] == known.consultations[right]
    return {pair for pair, keep in zip(ordered, similar.tolist(), strict=True) if keep}


@dataclass
class _Signatures:
    ids: list[int]
    rows: np.ndarray
    consultations: np.ndarray


def _signatures(ids: set[int]) -> _Signatures:
    query = (
        select(SimilaritySignature.contribution_id, SimilaritySignature.signature)
        .add_columns(Contribution.consultation_id)
        .join(Contribution, Contribution.id == SimilaritySignature.contribution_id)
        .where(bulk.among(SimilaritySignature.contribution_id, sorted(ids)))
    )
    rows = db.session.execute(query).all()
    return _Signatures(
        ids=[row[0] for row in rows],
        rows=np.stack([minhash.from_bytes(row[1]) for row in rows]),
        consultations=np.array([row[2] for row in rows]),
    )


@dataclass
class _Groups:
    """Union-find over group labels: a label is a group id, or the id of an ungrouped text."""

    parent: dict[int, int] = field(default_factory=dict)

    def find(self, label: int) -> int:
        root = label
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while label != root:
            self.parent[label], label = root, self.parent.get(label, label)
        return root

    def union(self, first: int, second: int) -> None:
        first, second = self.find(first), self.find(second)
        if first != second:
            # The smallest label names the merged group: it is its smallest member id.
            self.parent[max(first, second)] = min(first, second)


def _merge(edges: set[tuple[int, int]]) -> GroupingReport:
    """Join the groups of each similar pair, then write the new labels in a few UPDATEs."""
    if not edges:
        return GroupingReport()
    nodes = {identifier for pair in edges for identifier in pair}
    current = dict(
        db.session.execute(
            select(Contribution.id, Contribution.duplicate_group_id).where(
                bulk.among(Contribution.id, sorted(nodes))
            )
        ).all()
    )
    labels = {identifier: current[identifier] or identifier for identifier in nodes}
    groups = _Groups()
    for first, second in edges:
        groups.union(labels[first], labels[second])
    return _write_labels(groups, labels, current)


def _write_labels(groups: _Groups, labels, current) -> GroupingReport:
    report = GroupingReport()
    joining: dict[int, list[int]] = {}
    for identifier, label in labels.items():
        if current[identifier] is None:
            joining.setdefault(groups.find(label), []).append(identifier)
            report.grouped_count += 1
    relabelled = {
        label: groups.find(label)
        for identifier, label in labels.items()
        if current[identifier] is not None and groups.find(label) != label
    }
    for old, root in relabelled.items():
        _relabel(old, root)
    for root, members in joining.items():
        db.session.execute(
            update(Contribution).where(Contribution.id.in_(members)).values(duplicate_group_id=root)
        )
    report.merged_count = len(relabelled)
    return report


def _relabel(old_group: int, new_group: int | None) -> None:
    db.session.execute(
        update(Contribution)
        .where(Contribution.duplicate_group_id == old_group)
        .values(duplicate_group_id=new_group)
    )


def forget_signature(contribution: Contribution) -> None:
    """Its text changed (a redaction): drop its signature, bands and group, so that the next run
    signs and places it again."""
    db.session.execute(
        delete(SimilaritySignature).where(SimilaritySignature.contribution_id == contribution.id)
    )
    _drop_bands(contribution)
    _take_out_of_group(contribution)


def leave_group(contribution: Contribution) -> int | None:
    """A moderator's "not a near-duplicate": out of its group, and never grouped again by a run.

    Records the audit event; returns the id the rest of the group now has (None if it is gone).
    """
    group_id = contribution.duplicate_group_id
    if group_id is None:
        return None
    audit.record(UNGROUP_ACTION, contribution, before={"group": group_id}, after={"group": None})
    _drop_bands(contribution)
    return _take_out_of_group(contribution)


def _drop_bands(contribution: Contribution) -> None:
    db.session.execute(
        delete(SimilarityBand).where(SimilarityBand.contribution_id == contribution.id)
    )


def _take_out_of_group(contribution: Contribution) -> int | None:
    """Leave the group; the rest keeps being named by its smallest id, and one alone is no group."""
    group_id = contribution.duplicate_group_id
    if group_id is None:
        return None
    contribution.duplicate_group_id = None
    db.session.flush()
    remaining, smallest = db.session.execute(
        select(func.count(), func.min(Contribution.id)).where(
            Contribution.duplicate_group_id == group_id
        )
    ).one()
    if remaining < 2:
        _relabel(group_id, None)
        return None
    if smallest != group_id:
        _relabel(group_id, smallest)
    return smallest
