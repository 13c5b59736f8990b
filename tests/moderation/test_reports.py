"""Readers report a published contribution once; moderators close the reports, each in the trail."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from sqlalchemy import func, select

from consultation.contributions.models import Status
from consultation.core.audit import AuditEvent
from consultation.extensions import db
from consultation.moderation.models import Report
from tests import factories

ADDRESS = "203.0.113.7"


def report_url(contribution) -> str:
    return f"/contributions/{contribution.reference}/signaler"


def staff_url(contribution, action: str = "") -> str:
    return f"/moderation/contributions/{contribution.id}{action}"


def send_report(client, contribution, address: str = ADDRESS, **data):
    data = {"reason": "donnees_personnelles", "comment": "", **data}
    return client.post(report_url(contribution), data=data, environ_base={"REMOTE_ADDR": address})


def _reports(contribution) -> list[Report]:
    query = select(Report).where(Report.contribution_id == contribution.id).order_by(Report.id)
    return list(db.session.scalars(query))


def _events(contribution, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.object_id == str(contribution.id), AuditEvent.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _expected_key(reporter: str, contribution) -> str:
    message = f"{reporter}\n{contribution.id}".encode()
    return hmac.new(b"test-secret-key", message, hashlib.sha256).hexdigest()


@pytest.fixture
def contribution(make_chapter):
    return factories.make_contribution(make_chapter())


def test_every_published_card_offers_to_report_it(client, contribution):
    chapter_page = client.get(f"/consultations/{contribution.consultation.slug}/chapitres/1").text
    own_page = client.get(f"/contributions/{contribution.reference}").text

    link = f'href="{report_url(contribution)}"'
    assert link in chapter_page
    assert link in own_page


def test_a_pending_contribution_shows_its_author_no_report_link(client, login, make_chapter):
    author = login()
    pending = factories.make_contribution(make_chapter(), author=author, status=Status.PENDING)

    page = client.get(f"/contributions/{pending.reference}").text

    assert report_url(pending) not in page


def test_the_form_offers_the_reasons_a_reader_can_judge(client, contribution):
    page = client.get(report_url(contribution)).text

    for label in ("Propos injurieux ou diffamatoires", "Données personnelles ou de santé",
                  "Hors sujet", "Publicité ou spam", "Autre motif"):  # fmt: skip
        assert label in page
    assert "Doublon" not in page
    assert 'name="website"' in page  # the bot trap
    assert 'name="started_at"' in page


def test_a_visitor_reports_and_no_address_is_stored(client, contribution):
    response = send_report(client, contribution, comment="Le nom d’un patient est cité.")

    assert response.status_code == 200
    assert "Merci, votre signalement est transmis" in response.text
    [row] = _reports(contribution)
    assert row.reason == "donnees_personnelles"
    assert row.comment == "Le nom d’un patient est cité."
    assert row.reporter_id is None
    assert row.reporter_key == _expected_key(ADDRESS, contribution)
    assert ADDRESS not in repr(vars(row))
    assert row.resolved_at is None


def test_reporting_twice_thanks_twice_and_stores_one_report(client, contribution):
    first = send_report(client, contribution)
    second = send_report(client, contribution, reason="spam")

    assert first.status_code == second.status_code == 200
    assert "Merci, votre signalement est transmis" in second.text
    [row] = _reports(contribution)
    assert row.reason == "donnees_personnelles"


def test_two_visitors_make_two_reports(client, contribution):
    send_report(client, contribution, address="203.0.113.7")
    send_report(client, contribution, address="2001:db8::1")

    assert len(_reports(contribution)) == 2


def test_a_signed_in_reader_is_one_reporter_from_any_address(client, login, contribution):
    reader = login()

    send_report(client, contribution, address="203.0.113.7")
    send_report(client, contribution, address="198.51.100.2")

    [row] = _reports(contribution)
    assert row.reporter_id == reader.id
    assert row.reporter_key == _expected_key(f"user:{reader.id}", contribution)


def test_the_same_reader_has_another_key_on_another_contribution(client, contribution):
    other = factories.make_contribution(contribution.chapter)

    send_report(client, contribution)
    send_report(client, other)

    [first], [second] = _reports(contribution), _reports(other)
    assert first.reporter_key != second.reporter_key


def test_a_report_raced_by_the_same_reader_is_stored_once(client, contribution, monkeypatch):
    from consultation.moderation import reports

    send_report(client, contribution)
    real_lookup = reports._reported
    misses = iter([None])  # the first look-up misses the other request's row, not yet visible
    monkeypatch.setattr(reports, "_reported", lambda *args: next(misses, real_lookup(*args)))

    response = send_report(client, contribution)

    assert response.status_code == 200
    assert len(_reports(contribution)) == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.REJECTED])
def test_only_published_contributions_can_be_reported(client, make_chapter, status):
    contribution = factories.make_contribution(make_chapter(), status=status)

    shown = client.get(report_url(contribution))
    sent = send_report(client, contribution)

    assert shown.status_code == sent.status_code == 404
    assert _reports(contribution) == []


def test_an_unknown_reference_gives_a_404(client):
    assert client.get("/contributions/INCONNUE-0001/signaler").status_code == 404


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Choisissez le motif du signalement."), ("doublon", "Choisissez un motif de la liste.")],
)
def test_a_report_without_a_valid_reason_is_refused(client, contribution, reason, message):
    response = send_report(client, contribution, reason=reason, comment="Mon commentaire.")

    assert response.status_code == 422
    assert message in response.text
    assert 'aria-describedby="reason-messages"' in response.text
    assert "Mon commentaire." in response.text  # kept for the next try
    assert _reports(contribution) == []


def test_a_too_long_comment_is_refused(client, contribution):
    response = send_report(client, contribution, comment="x" * 1001)

    assert response.status_code == 422
    assert "au plus 1 000 caractères" in response.text


def test_a_form_filled_by_a_bot_is_refused(app, client, contribution):
    app.config["ANTISPAM_ENABLED"] = True
    try:
        response = send_report(client, contribution, website="http://spam.example")
    finally:
        app.config["ANTISPAM_ENABLED"] = False

    assert response.status_code == 422
    assert "Le formulaire n’a pas pu être accepté" in response.text
    assert _reports(contribution) == []


def test_an_eleventh_report_in_a_minute_gets_the_429_page(rate_limited_app):
    with rate_limited_app.app_context():
        chapter = factories.make_chapter()
        urls = [report_url(factories.make_contribution(chapter)) for _ in range(11)]
        db.session.commit()
    client = rate_limited_app.test_client()

    responses = [client.post(url, data={"reason": "spam"}) for url in urls]

    assert [response.status_code for response in responses[:10]] == [200] * 10
    assert responses[10].status_code == 429
    assert "Trop de requêtes" in responses[10].text
    with rate_limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 10


def test_markup_in_a_comment_is_shown_as_text_to_moderators(client, login, contribution):
    payload = '<script>alert("signalement")</script><img src=x onerror=alert(1)>'
    send_report(client, contribution, comment=payload)
    login(role="moderator")

    page = client.get(staff_url(contribution)).text

    assert payload not in page
    assert "&lt;script&gt;alert(&#34;signalement&#34;)&lt;/script&gt;" in page


def _open_report(contribution, key: str, reason: str = "injurieux") -> Report:
    row = Report(contribution_id=contribution.id, reporter_key=key * 64, reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


def test_nothing_to_object_closes_the_reports_seen_and_keeps_the_text(client, login, contribution):
    first, second = _open_report(contribution, "a"), _open_report(contribution, "b")
    moderator = login(role="moderator")
    later = _open_report(contribution, "c")  # sent while the moderator was reading

    response = client.post(
        staff_url(contribution, "/signalements/rien-a-redire"),
        data={"last_report_id": second.id},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == staff_url(contribution)
    assert contribution.status == Status.PUBLISHED
    assert [(row.resolution, row.resolved_by_id) for row in (first, second)] == [
        ("kept", moderator.id),
        ("kept", moderator.id),
    ]
    assert later.resolved_at is None
    [event] = _events(contribution, "contribution.reports_resolve")
    assert event.actor_id == moderator.id
    assert event.before["open_reports"] == [first.id, second.id]
    assert event.after == {"resolution": "kept", "status": "published"}
    page = client.get(staff_url(contribution)).text
    assert "Signalements traités" in page
    assert "Rien à redire" in page


def test_closing_reports_someone_else_closed_is_a_conflict(client, login, contribution):
    row = _open_report(contribution, "a")
    login(role="moderator")
    url = staff_url(contribution, "/signalements/rien-a-redire")
    client.post(url, data={"last_report_id": row.id})

    response = client.post(url, data={"last_report_id": row.id})

    assert response.status_code == 409
    assert len(_events(contribution, "contribution.reports_resolve")) == 1


def test_closing_reports_without_the_reports_seen_is_refused(client, login, contribution):
    row = _open_report(contribution, "a")
    login(role="moderator")

    response = client.post(staff_url(contribution, "/signalements/rien-a-redire"), data={})

    assert response.status_code == 400
    assert row.resolved_at is None


def test_hiding_a_reported_contribution_closes_its_reports(client, login, contribution):
    row = _open_report(contribution, "a", reason="spam")
    moderator = login(role="moderator")
    form_page = client.get(staff_url(contribution, "/signalements/masquer")).text

    response = client.post(
        staff_url(contribution, "/signalements/masquer"),
        data={"reason": "spam", "comment": "Publicité.", "last_report_id": row.id},
    )

    assert 'value="spam"' in form_page and "1 signalement ouvert" in form_page
    assert response.status_code == 302
    assert contribution.status == Status.HIDDEN
    assert contribution.status_reason == "spam: Publicité."
    assert (row.resolution, row.resolved_by_id) == ("hidden", moderator.id)
    [event] = _events(contribution, "contribution.reports_resolve")
    assert event.before["status"] == "published"
    assert event.after == {"resolution": "hidden", "status": "hidden"}
    assert len(_events(contribution, "contribution.hide")) == 1  # the charter decision's own


def test_hiding_from_the_queue_also_closes_the_open_reports(client, login, contribution):
    row = _open_report(contribution, "b", reason="injurieux")
    moderator = login(role="moderator")

    response = client.post(
        f"/moderation/contributions/{contribution.id}/masquer",
        data={"reason": "injurieux", "comment": ""},
    )

    assert response.status_code == 302
    assert contribution.status == Status.HIDDEN
    assert (row.resolution, row.resolved_by_id) == ("hidden", moderator.id)
    assert len(_events(contribution, "contribution.reports_resolve")) == 1


def test_hiding_an_unreported_contribution_from_the_queue_closes_nothing(
    client, login, contribution
):
    login(role="moderator")

    client.post(
        f"/moderation/contributions/{contribution.id}/masquer",
        data={"reason": "hors_sujet", "comment": ""},
    )

    assert contribution.status == Status.HIDDEN
    assert _events(contribution, "contribution.reports_resolve") == []


def test_hiding_needs_a_reason_and_changes_nothing_without_one(client, login, contribution):
    row = _open_report(contribution, "a")
    login(role="moderator")

    response = client.post(
        staff_url(contribution, "/signalements/masquer"), data={"last_report_id": row.id}
    )

    assert response.status_code == 400
    assert "Choisissez un motif." in response.text
    assert contribution.status == Status.PUBLISHED
    assert row.resolved_at is None


def test_masking_a_passage_of_a_reported_contribution_closes_its_reports(
    client, login, make_chapter
):
    contribution = factories.make_contribution(make_chapter(), body="Signé Jeanne Martin, Rodez.")
    row = _open_report(contribution, "a", reason="donnees_personnelles")
    login(role="moderator")
    form_page = client.get(
        staff_url(contribution, "/masquer-un-passage"), query_string={"signalements": 1}
    ).text

    response = client.post(
        staff_url(contribution, "/masquer-un-passage"),
        data={
            "passages": "Jeanne Martin",
            "reason": "donnees_personnelles",
            "resolve_reports": "y",
            "last_report_id": row.id,
        },
    )

    assert "Clore les signalements ouverts" in form_page
    assert re.search(r'<input checked[^>]* id="resolve_reports"', form_page)
    assert response.status_code == 302
    assert "Jeanne Martin" not in contribution.body
    assert row.resolution == "redacted"
    assert len(_events(contribution, "contribution.redact")) == 1
    assert len(_events(contribution, "contribution.reports_resolve")) == 1


def test_masking_without_closing_leaves_the_reports_open(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter(), body="Signé Jeanne Martin, Rodez.")
    row = _open_report(contribution, "a")
    login(role="moderator")

    client.post(
        staff_url(contribution, "/masquer-un-passage"),
        data={"passages": "Rodez", "reason": "autre", "last_report_id": row.id},
    )

    assert "Rodez" not in contribution.body
    assert row.resolved_at is None


@pytest.mark.parametrize("role", ["contributor", "analyst"])
def test_only_moderators_close_reports(client, login, contribution, role):
    row = _open_report(contribution, "a")
    login(role=role)

    responses = [
        client.post(
            staff_url(contribution, "/signalements/rien-a-redire"), data={"last_report_id": row.id}
        ),
        client.post(
            staff_url(contribution, "/signalements/masquer"),
            data={"reason": "spam", "last_report_id": row.id},
        ),
    ]

    assert [response.status_code for response in responses] == [403, 403]
    assert row.resolved_at is None
    assert contribution.status == Status.PUBLISHED
