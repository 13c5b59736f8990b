"""Random sequences of changes to contributions and answers leave the tally equal to its
rebuild: creations, changes of status, chapter, profile, date, answers drafted, published,
edited, withdrawn and deleted, deletions, with flushes at random points between them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultation.accounts import models as account_models
from consultation.contributions.models import Channel, Contribution, Status
from consultation.contributions.services import change_status
from consultation.core.clock import now
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from tests import factories
from tests.statistics.tally_checks import assert_exact

PROFILES = ("citoyen", "industriel", None)
index = st.integers(min_value=0, max_value=50)
operations = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 1),
        st.sampled_from(PROFILES),
        st.sampled_from(Channel),
        st.sampled_from(Status),
        st.integers(-20, 20),
    ),
    st.tuples(st.just("status"), index, st.sampled_from(Status)),
    st.tuples(st.just("move"), index, st.integers(0, 1), st.sampled_from(PROFILES)),
    st.tuples(st.just("date"), index, st.integers(-10, 10)),
    st.tuples(st.just("answer"), index, st.sampled_from(Disposition), st.booleans()),
    st.tuples(st.just("withdraw"), index),
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("flush")),
)


@pytest.fixture
def world(database, clock, monkeypatch):
    monkeypatch.setattr(account_models, "PASSWORD_METHOD", "pbkdf2:sha256:1")
    chapter = factories.make_chapter()
    other = factories.make_chapter(chapter.batch)
    return [chapter, other], factories.make_user()


def profile_of(code: str | None):
    return factories.profile(code) if code else None


class Sequence:
    """Applies the operations to the contributions it made, through the ORM and the services."""

    def __init__(self, chapters, author) -> None:
        self.chapters, self.author, self.made = chapters, author, []

    def pick(self, number: int) -> Contribution | None:
        return self.made[number % len(self.made)] if self.made else None

    def add(self, chapter, code, channel, status, hours) -> None:
        contribution = factories.make_contribution(
            self.chapters[chapter],
            author=self.author,
            profile=profile_of(code),
            channel=channel,
            status=status,
            submitted_at=now() + timedelta(hours=hours * 7),
        )
        self.made.append(contribution)

    def status(self, contribution, status) -> None:
        change_status(contribution, status)

    def move(self, contribution, chapter, code) -> None:
        contribution.chapter = self.chapters[chapter]
        contribution.profile = profile_of(code)

    def date(self, contribution, days) -> None:
        contribution.submitted_at = contribution.submitted_at + timedelta(days=days)

    def answer(self, contribution, disposition, published) -> None:
        answer = contribution.answer
        if answer is None:
            answer = Answer(contribution=contribution, body="Réponse.", disposition=disposition)
            db.session.add(answer)
        answer.disposition = disposition
        answer.status = AnswerStatus.PUBLISHED if published else AnswerStatus.DRAFT

    def withdraw(self, contribution) -> None:
        if contribution.answer is not None:
            db.session.flush()  # an answer just added is written first, then deleted
            db.session.delete(contribution.answer)
            db.session.flush()
            db.session.expire(contribution, ["answer"])

    def delete(self, contribution) -> None:
        self.withdraw(contribution)
        db.session.delete(contribution)
        self.made.remove(contribution)

    def run(self, operation: tuple) -> None:
        name, *arguments = operation
        if name == "flush":
            db.session.flush()
        elif name == "add":
            self.add(*arguments)
        elif (contribution := self.pick(arguments[0])) is not None:
            getattr(self, name)(contribution, *arguments[1:])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operations, min_size=1, max_size=25))
def test_any_sequence_of_changes_leaves_the_tally_equal_to_its_rebuild(world, steps):
    chapters, author = world
    savepoint = db.session.begin_nested()
    sequence = Sequence(chapters, author)
    try:
        for step in steps:
            sequence.run(step)

        assert_exact(chapters[0].consultation_id)
    finally:
        savepoint.rollback()
