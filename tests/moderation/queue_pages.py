"""What the queue tests share: reading the references a queue page lists, reports and answers."""

from __future__ import annotations

import re

from consultation.core.clock import now
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Disposition, Report

ROW_LINK = re.compile(r'<a href="/moderation/contributions/\d+">([^<]+)</a>')
NEXT_PAGE = re.compile(r'href="([^"]*apres=[^"]*)">Page suivante')


def listed(response) -> list[str]:
    """The references of the queue page, in their order."""
    assert response.status_code == 200, response.text
    return ROW_LINK.findall(response.text)


def references(*contributions) -> list[str]:
    return [contribution.reference for contribution in contributions]


def next_page(response) -> str | None:
    """The address of "Page suivante", unescaped, or None on the last page."""
    found = NEXT_PAGE.search(response.text)
    return found.group(1).replace("&amp;", "&") if found else None


def report(contribution, resolved: bool = False, key: str = "lecteur") -> Report:
    row = Report(
        contribution_id=contribution.id,
        reporter_key=key,
        reason="hors_sujet",
        created_at=now(),
        resolved_at=now() if resolved else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def answer(contribution, published: bool = True) -> Answer:
    row = Answer(
        contribution_id=contribution.id,
        body="Merci pour cette contribution.",
        disposition=Disposition.TAKEN_INTO_ACCOUNT,
        status=AnswerStatus.PUBLISHED if published else AnswerStatus.DRAFT,
        published_at=now() if published else None,
    )
    db.session.add(row)
    db.session.flush()
    db.session.expire(contribution, ["answer"])
    return row
