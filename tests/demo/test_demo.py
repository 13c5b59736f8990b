"""`flask demo load`: a demo that looks alive and demo staff accounts, alike when loaded twice."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from consultation.accounts.models import User
from consultation.contributions.models import Contribution, Status, Theme
from consultation.core.clock import now
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage
from consultation.moderation.models import Answer
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation
from consultation.statistics.models import AudienceDay, AudienceVisitor, ContributionTally

DEMO_URL = "/consultations/doctrine-numerique-sante-demo"
#: Batch 3 is due ten days after the frozen test clock (2 March 2026), at 9:00 in Paris.
LAST_BATCH_AT = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
ANSWERS, VISITORS, TALLY_LINES = 263, 2941, 194
ACCOUNT_ROW = re.compile(r"^\s+\S+\s+(\S+@demo\.concertation\.example)\s+(\S{12,})$", re.MULTILINE)
KEY_ROW = re.compile(r"^\s+(\S+@demo\.concertation\.example) : clé ([A-Z2-7 ]+)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def development(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "development")


MODELS = {
    "consultations": Consultation,
    "batches": Batch,
    "chapters": Chapter,
    "versions": ChapterVersion,
    "users": User,
    "contributions": Contribution,
    "mails": OutboxMessage,
    "received mails": InboundMessage,
    "answers": Answer,
    "themes": Theme,
    "visitors": AudienceVisitor,
    "days": AudienceDay,
    "tally lines": ContributionTally,
}


def counts() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in MODELS.items()
    }


def demo_consultation() -> Consultation:
    return db.session.scalar(select(Consultation))


def test_loading_the_demo_twice_duplicates_nothing(cli, clock):
    first = cli.invoke(args=["demo", "load"])
    after_first = counts()

    second = cli.invoke(args=["demo", "load"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert after_first == {
        "consultations": 1,
        "batches": 3,
        "chapters": 5,
        "versions": 5,
        "users": 415,
        "contributions": 531,
        "mails": 0,
        "received mails": 19,
        "answers": ANSWERS,
        "themes": 8,
        "visitors": VISITORS,
        "days": 12,
        "tally lines": TALLY_LINES,
    }
    assert counts() == after_first
    assert "0 créés, 0 modifiés, 9 inchangés" in second.output


def test_the_demo_is_open_with_two_batches_out_and_one_to_come(cli, clock):
    cli.invoke(args=["demo", "load"])

    consultation = demo_consultation()
    dates = [batch.publish_at for batch in consultation.batches]

    assert consultation.status(clock.now()).value == "open"
    assert consultation.opens_at == datetime(2026, 2, 18, 8, 0, tzinfo=UTC)
    assert consultation.closes_at == datetime(2026, 4, 16, 7, 0, tzinfo=UTC)
    assert dates == [consultation.opens_at, datetime(2026, 2, 26, 8, 0, tzinfo=UTC), LAST_BATCH_AT]


def test_loading_the_demo_another_day_moves_it_to_stay_open(cli, clock):
    cli.invoke(args=["demo", "load"])
    clock.advance(days=30)

    result = cli.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert counts()["consultations"] == 1
    assert counts()["chapters"] == 5
    assert demo_consultation().opens_at == datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
    assert demo_consultation().upcoming_batches(clock.now())[0].number == 3


def test_the_output_lists_the_staff_accounts_and_a_contributor_with_their_passwords(cli, clock):
    result = cli.invoke(args=["demo", "load"])

    accounts = dict(ACCOUNT_ROW.findall(result.output))

    assert sorted(accounts) == [
        "admin@demo.concertation.example",
        "analyste@demo.concertation.example",
        "dr.lenoir@demo.concertation.example",
        "moderateur@demo.concertation.example",
    ]
    assert "Administrateur" in result.output
    assert "Modérateur" in result.output
    assert "Analyste" in result.output


def sign_in(app, email: str, password: str, totp_key: str | None = None):
    """Post the login form from a new browser, as a person would; staff then give their code.

    A fresh application context each time: the test's own context would keep the previous
    user in flask.g, and the login page would take the second person for the first.
    """
    with app.app_context():
        browser = app.test_client()
        data = {"email": email, "password": password}
        response = browser.post("/connexion", data=data, follow_redirects=True)
        if totp_key is None:
            return response
        code = pyotp.TOTP(totp_key.replace(" ", "")).at(now())
        return browser.post(response.request.path, data={"code": code}, follow_redirects=True)


def test_the_printed_credentials_sign_in(app, cli, clock):
    result = cli.invoke(args=["demo", "load"])
    accounts = ACCOUNT_ROW.findall(result.output)
    keys = dict(KEY_ROW.findall(result.output))

    responses = [sign_in(app, email, password, keys.get(email)) for email, password in accounts]

    assert len(responses) == 4
    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert "Bienvenue, Administration (démo)." in responses[0].text
    assert "Bienvenue, Modération (démo)." in responses[1].text
    assert "Bienvenue, Analyse (démo)." in responses[2].text
    assert "Bienvenue, Dr Paul Lenoir." in responses[3].text


def test_loading_again_gives_back_a_demo_password_that_was_changed(app, cli, clock):
    cli.invoke(args=["demo", "load"])
    admin = db.session.scalar(select(User).where(User.email.startswith("admin@")))
    admin.set_password("un autre mot de passe choisi")
    db.session.commit()

    keys = dict(KEY_ROW.findall(cli.invoke(args=["demo", "load"]).output))
    admin_email = "admin@demo.concertation.example"
    response = sign_in(app, admin_email, "demo-admin-concertation", keys[admin_email])

    assert "Bienvenue, Administration (démo)." in response.text


def test_demo_codes_prints_the_code_that_signs_a_staff_account_in(app, cli, clock):
    cli.invoke(args=["demo", "load"])
    output = cli.invoke(args=["demo", "codes"]).output
    code = re.search(r"moderateur@demo\.concertation\.example : (\d{6})", output)[1]

    with app.app_context():
        browser = app.test_client()
        data = {"email": "moderateur@demo.concertation.example"}
        browser.post("/connexion", data=data | {"password": "demo-moderation-concertation"})
        response = browser.post("/connexion/verification", data={"code": code})

    assert "Codes du moment, renouvelés dans 30 secondes" in output
    assert response.status_code == 302
    assert response.location == "/"


def test_the_consultation_page_shows_the_upcoming_batch_by_its_date_only(cli, client, clock):
    cli.invoke(args=["demo", "load"])

    page = client.get(DEMO_URL).text

    assert "Lot 3 — à venir" in page
    assert "12 mars 2026 à 9 h 00" in page
    assert "Innovation et mobilisation" not in page
    assert "Soutenir l’innovation" not in page
    assert "Les plateformes numériques de santé" in page


def test_the_last_chapter_is_a_404_until_its_batch_is_due(cli, client, clock):
    cli.invoke(args=["demo", "load"])
    clock.set(LAST_BATCH_AT - timedelta(seconds=1))

    before = client.get(f"{DEMO_URL}/chapitres/5")
    clock.set(LAST_BATCH_AT)
    after = client.get(f"{DEMO_URL}/chapitres/5")

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Soutenir l’innovation et favoriser l’engagement des acteurs" in after.text


def test_loading_in_production_is_refused_without_force(app, cli, clock, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")

    refused = cli.invoke(args=["demo", "load"])
    nothing_written = counts()
    forced = cli.invoke(args=["demo", "load", "--force"])

    assert refused.exit_code == 1
    assert "production" in refused.output
    assert "--force" in refused.output
    assert nothing_written["consultations"] == 0
    assert nothing_written["users"] == 0
    assert forced.exit_code == 0, forced.output
    assert counts()["users"] == 415


def test_the_demo_shows_published_contributions_and_leaves_some_for_the_moderator(
    cli, client, clock
):
    cli.invoke(args=["demo", "load"])

    statuses = Counter(db.session.scalars(select(Contribution.status)))
    chapter_page = client.get("/consultations/doctrine-numerique-sante-demo/chapitres/2").text
    federation = db.session.scalar(
        select(Contribution.reference)
        .where(
            Contribution.author_label == "Commission numérique de la fédération",
            Contribution.status == Status.PUBLISHED,
        )
        # The label signs several contributions, not all published: the page of one that is.
        .order_by(Contribution.id)
        .limit(1)
    )
    federation_page = client.get(f"/contributions/{federation}").text
    profiles = set(db.session.scalars(select(User.profile_id).where(User.profile_id.is_not(None))))
    assert statuses[Status.PUBLISHED] > 400
    assert 20 < statuses[Status.PENDING] < 80
    assert statuses[Status.REJECTED] > 0
    assert statuses[Status.HIDDEN] > 0
    assert len(profiles) == 7
    assert "DEMO-" in chapter_page
    assert "Commission numérique de la fédération" in federation_page
