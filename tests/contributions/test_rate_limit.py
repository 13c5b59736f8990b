"""Contributing is rate-limited per account: a script cannot flood a chapter."""

from __future__ import annotations

from sqlalchemy import func, select

from consultation.contributions.models import Contribution
from consultation.extensions import db
from tests import factories
from tests.contributions.test_contributing import contribute_url, form


def test_an_eleventh_contribution_in_a_minute_gets_the_french_429_page(rate_limited_app):
    with rate_limited_app.app_context():
        chapter = factories.make_chapter()
        url, email = contribute_url(chapter), factories.make_user().email
        db.session.commit()
    client = rate_limited_app.test_client()
    client.post("/connexion", data={"email": email, "password": factories.PASSWORD})

    responses = [client.post(url, data=form(submission_key=f"k{n:031d}")) for n in range(11)]

    assert [response.status_code for response in responses[:10]] == [302] * 10
    assert responses[10].status_code == 429
    assert "Trop de requêtes" in responses[10].text
    with rate_limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contribution)) == 10
