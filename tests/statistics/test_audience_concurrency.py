"""Two processes counting at once: no page view lost, no visitor counted twice, no error.

Each thread has its own client, application context, session and connections, as two gunicorn
workers would; the rows are committed for real, so this test cleans up after itself.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select

from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics.audience import VISITOR_COOKIE
from consultation.statistics.models import AudienceDay, AudienceVisitor
from tests import factories

SHARED_VISITOR = "v" * 32
THREADS = 10


@pytest.fixture
def slug(app, clock):
    with app.app_context():
        consultation = factories.make_consultation()
        db.session.commit()
        slug, consultation_id = consultation.slug, consultation.id
    yield slug
    with app.app_context():
        db.session.execute(delete(Consultation).where(Consultation.id == consultation_id))
        db.session.commit()


def read_at_once(app, slug: str, clients: list) -> list[int]:
    """Every client reads the consultation page at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def read(client) -> None:
        with app.app_context():
            barrier.wait()
            statuses.append(client.get(f"/consultations/{slug}").status_code)

    threads = [threading.Thread(target=read, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_readers_are_counted_exactly(app, slug, caplog):
    clients = [app.test_client() for _ in range(THREADS)]
    for client in clients[: THREADS // 2]:  # one browser's pages opened in several tabs at once
        client.set_cookie(VISITOR_COOKIE, SHARED_VISITOR, domain="concertation.test")

    first = read_at_once(app, slug, clients)
    second = read_at_once(app, slug, clients)

    with app.app_context():
        day = db.session.execute(select(AudienceDay)).scalar_one()
        visitor_count = len(db.session.scalars(select(AudienceVisitor.visitor_key)).all())
        counts = (day.visitors, day.new_visitors, day.page_views, visitor_count)
    assert first + second == [200] * 2 * THREADS
    assert counts == (THREADS // 2 + 1, THREADS // 2 + 1, 2 * THREADS, THREADS // 2 + 1)
    assert "non comptée" not in caplog.text
