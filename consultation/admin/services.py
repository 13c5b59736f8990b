"""Reads of the back office: every consultation and every batch, published or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from consultation.extensions import db
from consultation.publication.models import Batch, Consultation, ConsultationStatus


@dataclass(frozen=True)
class ConsultationRow:
    consultation: Consultation
    status: ConsultationStatus


@dataclass(frozen=True)
class ScheduledBatch:
    batch: Batch
    is_published: bool


def list_consultations(at: datetime) -> list[ConsultationRow]:
    """All consultations, the most recently opened first, with their status at that moment."""
    query = select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.id.desc())
    return [ConsultationRow(item, item.status(at)) for item in db.session.scalars(query)]


def schedule(consultation: Consultation, at: datetime) -> list[ScheduledBatch]:
    """The batches of a consultation in order, each saying whether it is already public."""
    return [ScheduledBatch(batch, batch.is_published(at)) for batch in consultation.batches]
