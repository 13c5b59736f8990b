"""Counting the visitors of each consultation within the CNIL's exemption from consent.

The site's own statistics only: a first-party random identifier set once for at most 13 months
(never extended), stored as a keyed hash that differs from one consultation to the next, no IP
address, no third party; bots, Do Not Track, Global Privacy Control and opted-out visitors are
not counted. `AudienceDay` keeps the anonymous counts; the raw rows are purged after 25 months.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date, timedelta

from flask import Request, Response, current_app, request
from flask_login import current_user
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from consultation.core.clock import now
from consultation.core.dates import to_paris
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics.models import AudienceDay, AudienceVisit, AudienceVisitor

VISITOR_COOKIE = "audience_visiteur"
OPT_OUT_COOKIE = "audience_refus"
#: Thirteen months at most, whatever the months: 365 days and the shortest month, less a margin.
COOKIE_MAX_AGE = timedelta(days=390)
#: Raw rows (visitors, visits) are kept 25 months; the daily counts stay.
RAW_RETENTION_DAYS = 760

#: The public pages of a consultation that count as read: itself, its chapters, their sections,
#: their contributions, its statistics. Matched on the route, so that endpoint names may change.
COUNTED_RULES = frozenset(
    {
        "/consultations/<slug>",
        "/consultations/<slug>/chapitres/<int:number>",
        "/consultations/<slug>/chapitres/<int:number>/sections/<anchor>",
        "/consultations/<slug>/chapitres/<int:number>/contributions",
        "/consultations/<slug>/statistiques",
    }
)
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|scrap|curl|wget|python-|httpx|aiohttp|go-http-client|java/|"
    r"libwww|okhttp|axios|node-fetch|headless|phantomjs|lighthouse|pingdom|uptime|monitor|"
    r"facebookexternalhit|preview|archive",
    re.IGNORECASE,
)
_VISITOR_ID = re.compile(r"[A-Za-z0-9_-]{32}")


def count_page_view(response: Response) -> Response:
    """After-request hook: count the page if it is one; a failure is logged, never shown."""
    try:
        _count(response)
    except Exception:  # the page must be served even if counting fails
        current_app.logger.exception("Page vue non comptée dans la mesure d’audience")
    return response


def _count(response: Response) -> None:
    if not is_counted_page(request, response.status_code) or refuses_counting(request):
        return
    consultation_id = db.session.scalar(
        select(Consultation.id).where(Consultation.slug == request.view_args["slug"])
    )
    if consultation_id is None:
        return
    visitor_id = request.cookies.get(VISITOR_COOKIE, "")
    if not _VISITOR_ID.fullmatch(visitor_id):
        visitor_id = secrets.token_urlsafe(24)
        set_cookie(response, VISITOR_COOKIE, visitor_id)
    record_page_view(consultation_id, visitor_key(consultation_id, visitor_id), paris_today())


def is_counted_page(req: Request, status_code: int) -> bool:
    """A page of a consultation read successfully, by someone who is not staff."""
    if req.method != "GET" or status_code != 200 or req.url_rule is None:
        return False
    if req.url_rule.rule not in COUNTED_RULES:
        return False
    return not getattr(current_user, "is_staff", False)


def refuses_counting(req: Request) -> bool:
    """Opted out on our page, Do Not Track or Global Privacy Control, or a robot."""
    if req.cookies.get(OPT_OUT_COOKIE) or has_privacy_signal(req):
        return True
    return is_bot(req.headers.get("User-Agent", ""))


def has_privacy_signal(req: Request) -> bool:
    return req.headers.get("DNT") == "1" or req.headers.get("Sec-GPC") == "1"


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or BOT_PATTERN.search(user_agent) is not None


def visitor_key(consultation_id: int, visitor_id: str) -> str:
    """A keyed hash: the cookie cannot be found from the database, nor one visitor linked
    from one consultation to another."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"audience:{consultation_id}:{visitor_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def paris_today() -> date:
    return to_paris(now()).date()


def set_cookie(response: Response, name: str, value: str) -> None:
    """A first-party cookie, unreadable by scripts, set for at most 13 months."""
    response.set_cookie(
        name,
        value,
        max_age=int(COOKIE_MAX_AGE.total_seconds()),
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Lax",
    )


def record_page_view(consultation_id: int, key: str, day: date) -> None:
    """Count one page view in a short transaction of its own, committed at once.

    The page's transaction stays as its view left it (a GET commits nothing). On SQLite a page
    reads in a deferred transaction, which could not turn into a write while another process
    writes; a fresh transaction whose first statement writes waits for the lock instead. Two
    processes at once: the inserts that lose a race do nothing, and the counters are incremented
    in the database, so nothing is counted twice or lost.
    """
    bind = db.session.get_bind()  # the engine; in tests, the connection of the test
    with Session(bind=bind, join_transaction_mode="create_savepoint") as session, session.begin():
        where = {"consultation_id": consultation_id, "day": day}
        _insert_ignore(session, AudienceDay, visitors=0, new_visitors=0, page_views=0, **where)
        visitor = {"consultation_id": consultation_id, "visitor_key": key}
        is_new = _insert_ignore(session, AudienceVisitor, first_day=day, **visitor)
        is_new_today = _insert_ignore(session, AudienceVisit, visitor_key=key, **where)
        session.execute(
            update(AudienceDay)
            .filter_by(**where)
            .values(
                page_views=AudienceDay.page_views + 1,
                visitors=AudienceDay.visitors + int(is_new_today),
                new_visitors=AudienceDay.new_visitors + int(is_new),
            )
        )


def _insert_ignore(session: Session, model: type, **values: object) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was new."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    return session.execute(statement.returning(*table.primary_key)).first() is not None


def purge_raw(before: date) -> tuple[int, int]:
    """Delete the visitors first seen and the visits made before `before`; the counts stay.

    Returns (visitors, visits) deleted. The caller commits.
    """
    visitors = db.session.execute(delete(AudienceVisitor).where(AudienceVisitor.first_day < before))
    visits = db.session.execute(delete(AudienceVisit).where(AudienceVisit.day < before))
    return visitors.rowcount, visits.rowcount


def retention_cutoff() -> date:
    """The first day whose raw rows are kept."""
    days = int(current_app.config.get("AUDIENCE_RAW_RETENTION_DAYS", RAW_RETENTION_DAYS))
    return paris_today() - timedelta(days=days)


def opt_out(response: Response) -> None:
    """Remember the refusal for 13 months, and forget the visitor's identifier at once."""
    set_cookie(response, OPT_OUT_COOKIE, "1")
    response.delete_cookie(VISITOR_COOKIE, httponly=True, samesite="Lax")


def opt_in(response: Response) -> None:
    response.delete_cookie(OPT_OUT_COOKIE, httponly=True, samesite="Lax")
