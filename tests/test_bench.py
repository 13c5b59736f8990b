"""The bench's dataset builder, on a small crowd built exactly as `make bench` builds 100,000.

The builder empties the database it is given, so these tests give it a SQLite file of their own
(never the suite's databases), whichever backend the suite runs on.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from bench import crowd, dataset
from consultation import create_app
from consultation.contributions.models import Contribution, Status
from consultation.extensions import db
from consultation.publication.models import Consultation
from tests.conftest import app_config

PUBLISHED, AUTHORS = 90, 12
LIST = f"/consultations/{dataset.SLUG}/chapitres/1/contributions"


@pytest.fixture(scope="module")
def bench_database(tmp_path_factory: pytest.TempPathFactory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite3'}"
    built = dataset.build(url, published=PUBLISHED, authors=AUTHORS)
    app = create_app(app_config(url))
    yield app, built
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_nine_in_ten_bench_contributions_are_published_and_the_reference_counter_ends_on_the_last(
    bench_database,
):
    app, built = bench_database

    with app.app_context():
        statuses = Counter(db.session.scalars(select(Contribution.status)))
        references = db.session.scalar(select(func.count(Contribution.reference.distinct())))
        counter = db.session.scalar(select(Consultation.last_reference_number))
        lengths = db.session.execute(
            select(
                func.min(func.length(Contribution.body)), func.max(func.length(Contribution.body))
            )
        ).one()

    assert statuses == {Status.PUBLISHED: 90, Status.PENDING: 6, Status.REJECTED: 4}
    assert built.contributions.rows == references == counter == 100
    assert built.accounts == AUTHORS
    assert crowd.SHORTEST_BODY <= lengths[0] <= lengths[1] <= crowd.LONGEST_BODY


def test_a_bench_contributor_signs_in_with_the_bench_password(bench_database):
    app, _ = bench_database
    client = app.test_client()

    response = client.post(
        "/connexion", data={"email": crowd.email_of(1), "password": crowd.PASSWORD}
    )

    assert response.status_code == 302
    assert "Contributeur 1" in client.get("/").text


def test_the_deep_cursor_of_the_bench_opens_the_page_after_the_ones_it_skips(bench_database):
    app, built = bench_database
    client = app.test_client()

    first_page = _references(client.get(LIST).text)
    deep_page = client.get(f"{LIST}?apres={quote(built.deep_cursor, safe='')}")

    assert built.deep_page == PUBLISHED // 20
    assert deep_page.status_code == 200
    assert len(first_page) == 20
    skipped = built.deep_page * 20
    assert len(_references(deep_page.text)) == PUBLISHED - skipped
    assert not _references(deep_page.text) & first_page


def _references(html: str) -> set[str]:
    return set(re.findall(r"BANC2026-\d{4}", html))
