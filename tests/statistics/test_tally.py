"""The tally of contributions stays exact through every way people change contributions and
answers: after each step it equals the tally rebuilt from the rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from consultation.contributions.models import Channel, Contribution, Status
from consultation.contributions.services import ContributionRefused, change_status
from consultation.demo.contributions import discard_contributions
from consultation.extensions import db
from consultation.inbound_mail import triage
from consultation.moderation import answer_import
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from consultation.publication.models import ModerationMode
from consultation.statistics import tally
from consultation.statistics.models import ContributionTally
from tests import factories
from tests.statistics.tally_checks import assert_exact, by

TEXT = "Les référentiels doivent rester ouverts aux éditeurs régionaux."


def contribute(client, chapter, key: str, section: str = ""):
    url = f"/consultations/{chapter.consultation.slug}/chapitres/{chapter.number}/contribuer"
    data = {"section": section, "body": TEXT, "submission_key": key * 32}
    return client.post(url, data=data)


def decide(client, contribution, action: str, **data):
    return client.post(f"/moderation/contributions/{contribution.id}/{action}", data=data)


def answer(client, contribution, disposition: str, button: str = "publish"):
    data = {"disposition": disposition, "body": "Réponse officielle.", button: "1"}
    return client.post(f"/moderation/contributions/{contribution.id}/reponse", data=data)


def contributions_of(consultation) -> list[Contribution]:
    query = db.select(Contribution).where(Contribution.consultation_id == consultation.id)
    return list(db.session.scalars(query.order_by(Contribution.id)))


def test_web_contributions_moderated_from_the_queue_keep_the_tally_exact(
    client, login, make_chapter
):
    chapter = make_chapter()
    consultation_id = chapter.consultation_id
    login()
    contribute(client, chapter, "a")
    contribute(client, chapter, "b", section="1-1")
    first, second = contributions_of(chapter.consultation)
    pending = assert_exact(consultation_id)
    client.post("/deconnexion")
    login(role="moderator")

    decide(client, first, "publier")
    decide(client, second, "refuser", reason="hors_sujet", comment="")
    published = assert_exact(consultation_id)
    decide(client, first, "masquer", reason="injurieux", comment="")
    hidden = assert_exact(consultation_id)
    decide(client, first, "retablir")
    restored = assert_exact(consultation_id)

    assert by(pending, "status") == {"pending": 2}
    assert by(published, "status") == {"published": 1, "rejected": 1}
    assert by(hidden, "status") == {"hidden": 1, "rejected": 1}
    assert by(restored, "status") == {"published": 1, "rejected": 1}
    assert by(restored, "channel") == {"web": 2}


def test_a_posteriori_contributions_count_as_published_at_once(client, login, make_batch):
    consultation = factories.make_consultation(moderation_mode=ModerationMode.A_POSTERIORI)
    chapter = factories.make_chapter(make_batch(consultation))
    login()

    contribute(client, chapter, "c")

    assert by(assert_exact(consultation.id), "status") == {"published": 1}


def test_an_answer_counts_once_published_and_follows_its_disposition(client, login, make_chapter):
    contribution = factories.make_contribution(make_chapter())
    login(role="moderator")

    answer(client, contribution, "partly_taken", button="save_draft")
    drafted = assert_exact(contribution.consultation_id)
    answer(client, contribution, "taken")
    published = assert_exact(contribution.consultation_id)
    answer(client, contribution, "not_retained")
    edited = assert_exact(contribution.consultation_id)

    assert by(drafted, "disposition") == {None: 1}
    assert by(published, "disposition") == {"taken": 1}
    assert by(edited, "disposition") == {"not_retained": 1}


def test_mail_published_by_a_moderator_counts_as_email(make_chapter, make_inbound_message):
    chapter = make_chapter()
    message = make_inbound_message(consultation=chapter.consultation)
    excerpts = (
        triage.Excerpt(chapter, None, "Un premier avis sur le chapitre."),
        triage.Excerpt(chapter, "1-1", "Un second avis, sur une section."),
    )
    publication = triage.Publication(
        consultation=chapter.consultation,
        profile=factories.profile("usagers"),
        organisation="Association d’usagers",
        author_label="Association d’usagers",
        excerpts=excerpts,
    )

    triage.publish_message(message, factories.make_user(role="moderator"), publication)

    lines = assert_exact(chapter.consultation_id)
    assert by(lines, "channel") == {"email": 2}
    assert by(lines, "status") == {"published": 2}
    assert by(lines, "profile_id") == {factories.profile("usagers").id: 2}


def test_a_campaign_and_an_answers_import_publish_many_dispositions(client, login, make_chapter):
    chapter = make_chapter()
    contributions = [factories.make_contribution(chapter) for _ in range(4)]
    login(role="moderator")
    ids = [str(contribution.id) for contribution in contributions[:3]]
    data = {"disposition": "taken", "body": "Reprise dans le texte.", "publish": "1"}

    client.post("/moderation/reponses/campagne", data={**data, "contribution": ids})
    rows = [
        answer_import.Row(2, contributions[2].reference, "Hors périmètre", "Hors champ.", "oui"),
        answer_import.Row(3, contributions[3].reference, "Pour information", "Noté.", "oui"),
    ]
    plan = answer_import.check(rows, publish=True, replace=True)
    answer_import.apply(plan, None, "reponses.xlsx")

    lines = assert_exact(chapter.consultation_id)
    assert plan.is_valid
    assert by(lines, "disposition") == {"taken": 2, "out_of_scope": 1, "information": 1}


def test_changes_made_through_the_orm_move_contributions_between_lines(make_chapter):
    chapter = make_chapter()
    other = factories.make_chapter(chapter.batch)
    kept, moved, removed = (factories.make_contribution(chapter) for _ in range(3))
    answered = Answer(contribution=moved, body="Vu.", disposition=Disposition.TAKEN_INTO_ACCOUNT)
    answered.status = AnswerStatus.PUBLISHED
    db.session.add(answered)
    db.session.flush()

    moved.chapter = other
    moved.profile = factories.profile("industriel")
    moved.submitted_at = kept.submitted_at + timedelta(days=8)
    answered.disposition = Disposition.PARTLY_TAKEN
    db.session.delete(removed)
    lines = assert_exact(chapter.consultation_id)
    db.session.delete(answered)
    unanswered = assert_exact(chapter.consultation_id)

    assert sum(lines.values()) == 2
    assert by(lines, "chapter_id") == {chapter.id: 1, other.id: 1}
    assert by(lines, "disposition") == {None: 1, "partly_taken": 1}
    assert len(by(lines, "week")) == 2
    assert by(unanswered, "disposition") == {None: 2}


def test_replacing_the_demo_removes_its_contributions_from_the_tally(make_chapter):
    chapter = make_chapter()
    for status in (Status.PUBLISHED, Status.PENDING):
        factories.make_contribution(chapter, status=status)

    discard_contributions(chapter.consultation)

    assert assert_exact(chapter.consultation_id) == {}


def test_a_refused_change_of_status_leaves_the_tally_as_it_was(make_chapter):
    contribution = factories.make_contribution(make_chapter(), status=Status.PENDING)
    db.session.expire(contribution, ["status"])
    contribution.status  # noqa: B018 - read as pending; another moderator then publishes it
    db.session.execute(
        db.update(Contribution)
        .where(Contribution.id == contribution.id)
        .values(status=Status.PUBLISHED)
        .execution_options(synchronize_session=False)
    )
    tally.rebuild(contribution.consultation_id)

    with pytest.raises(ContributionRefused, match="traitée par quelqu’un d’autre"):
        change_status(contribution, Status.REJECTED, "doublon")

    assert by(assert_exact(contribution.consultation_id), "status") == {"published": 1}


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tally.PARIS).astimezone(UTC)


def test_weeks_start_on_monday_at_midnight_in_paris_summer_and_winter(make_chapter):
    chapter = make_chapter()
    # Sunday late and Monday early, in winter (UTC+1) and in summer (UTC+2).
    moments = {
        paris(date(2026, 3, 1), 23, 30): date(2026, 2, 23),
        paris(date(2026, 3, 2), 0, 30): date(2026, 3, 2),
        paris(date(2026, 6, 7), 23, 30): date(2026, 6, 1),
        paris(date(2026, 6, 8), 0, 15): date(2026, 6, 8),
    }
    for moment in moments:
        factories.make_contribution(chapter, submitted_at=moment, channel=Channel.WEB)

    lines = assert_exact(chapter.consultation_id)

    assert {moment: tally.week_of(moment) for moment in moments} == moments
    assert by(lines, "week") == dict.fromkeys(moments.values(), 1)


def test_recount_rebuilds_the_tally_of_a_consultation_from_its_contributions(cli, make_chapter):
    chapter = make_chapter()
    for _ in range(3):
        factories.make_contribution(chapter)
    table = ContributionTally.__table__
    db.session.execute(delete(table).where(table.c.consultation_id == chapter.consultation_id))

    result = cli.invoke(args=["contributions", "recount", chapter.consultation.slug])
    everything = cli.invoke(args=["contributions", "recount"])

    assert result.exit_code == 0, result.output
    assert "Contributions recomptées : 3" in result.output
    assert everything.exit_code == 0, everything.output
    assert by(assert_exact(chapter.consultation_id), "status") == {"published": 3}


def test_recount_of_an_unknown_consultation_says_so(cli):
    result = cli.invoke(args=["contributions", "recount", "nulle-part"])

    assert result.exit_code != 0
    assert "Aucune concertation ne porte l’identifiant « nulle-part »" in result.output
