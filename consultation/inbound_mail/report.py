"""Accounting of mail received: every message counted in exactly one state, per consultation.

received = new + published + refused + quarantined, as regulations.gov shows received and posted
comments; the figures are SQL aggregates, never rows loaded into Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage, MessageState
from consultation.publication.models import Consultation


class AccountingMismatch(RuntimeError):
    """The states do not add up to the messages received: a bug, never to be shown as figures."""


@dataclass(frozen=True)
class AccountingRow:
    #: None for the messages that no consultation was found for (unassigned).
    consultation_id: int | None
    slug: str | None
    title: str
    received: int = 0
    new: int = 0
    published: int = 0
    refused: int = 0
    quarantined: int = 0
    #: Received before the opening or after the closing of the consultation (kept, flagged).
    out_of_period: int = 0

    def __post_init__(self) -> None:
        states = self.new + self.published + self.refused + self.quarantined
        if states != self.received:
            raise AccountingMismatch(
                f"{self.title}: {self.received} received but {states} in a state"
            )


UNASSIGNED_TITLE = "Sans concertation"


def accounting(consultation_id: int | None = None) -> list[AccountingRow]:
    """One row per consultation (or only the one asked for), then one for unassigned messages."""
    counts = _counts_by_consultation()
    query = select(Consultation.id, Consultation.slug, Consultation.title)
    if consultation_id is not None:
        query = query.where(Consultation.id == consultation_id)
    rows = [
        AccountingRow(row.id, row.slug, row.title, **counts.get(row.id, {}))
        for row in db.session.execute(query.order_by(Consultation.opens_at, Consultation.id))
    ]
    if consultation_id is None:
        rows.append(AccountingRow(None, None, UNASSIGNED_TITLE, **counts.get(None, {})))
    return rows


def _counts_by_consultation() -> dict[int | None, dict[str, int]]:
    def count_of(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    state = InboundMessage.state
    query = select(
        InboundMessage.consultation_id,
        func.count().label("received"),
        count_of(state == MessageState.NEW).label("new"),
        count_of(state == MessageState.PUBLISHED).label("published"),
        count_of(state == MessageState.REFUSED).label("refused"),
        count_of(state == MessageState.QUARANTINED).label("quarantined"),
        count_of(InboundMessage.is_out_of_period).label("out_of_period"),
    ).group_by(InboundMessage.consultation_id)
    return {row.consultation_id: _figures(row._asdict()) for row in db.session.execute(query)}


def _figures(row: dict[str, object]) -> dict[str, int]:
    return {key: int(value) for key, value in row.items() if key != "consultation_id"}
