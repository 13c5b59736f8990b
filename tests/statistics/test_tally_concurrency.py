"""Two transactions changing one contribution at once leave the tally exact: the second waits for
the first to commit before it reads the state it changes the tally from."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, func, select

from consultation.accounts import models as account_models
from consultation.accounts.models import User
from consultation.contributions.models import Contribution, PublishedCount
from consultation.extensions import db
from consultation.moderation.models import Answer, AnswerStatus, Disposition
from consultation.publication.models import Batch, Chapter, ChapterVersion, Consultation
from consultation.statistics.models import ContributionTally
from tests import factories
from tests.statistics.tally_checks import by, counted, kept

#: Tables the test commits to, children first, and the column telling its rows apart.
COMMITTED_ROWS = (
    (Answer, Answer.id),
    (ContributionTally, ContributionTally.id),
    (PublishedCount, PublishedCount.chapter_id),
    (Contribution, Contribution.id),
    (ChapterVersion, ChapterVersion.id),
    (Chapter, Chapter.id),
    (Batch, Batch.id),
    (Consultation, Consultation.id),
    (User, User.id),
)
#: How long the first transaction keeps its change uncommitted.
HOLD_SECONDS = 1.0


@pytest.fixture
def committing(app, clock, monkeypatch):
    """The application with real commits; what the test committed is deleted afterwards."""
    monkeypatch.setattr(account_models, "PASSWORD_METHOD", "pbkdf2:sha256:1")
    with app.app_context():
        before = {model: _highest(column) for model, column in COMMITTED_ROWS}
        before[PublishedCount] = before[Chapter]
        try:
            yield app
        finally:
            db.session.rollback()
            for model, column in COMMITTED_ROWS:
                db.session.execute(delete(model).where(column > before[model]))
            db.session.commit()
            db.session.remove()


def _highest(column) -> int:
    return db.session.scalar(select(func.coalesce(func.max(column), 0)))


def test_two_moderators_changing_one_answer_at_once_leave_the_tally_exact(committing):
    contribution = factories.make_contribution()
    answer = Answer(
        contribution=contribution, body="Réponse.", disposition=Disposition.OUT_OF_SCOPE
    )
    answer.status = AnswerStatus.PUBLISHED
    db.session.add(answer)
    db.session.commit()
    consultation_id, answer_id = contribution.consultation_id, answer.id
    db.session.close()  # SQLite: the test's own connection must not hold the write lock
    first_flushed, failures = threading.Event(), []

    def change(disposition: Disposition, first: bool) -> None:
        with committing.app_context():
            try:
                if not first:
                    first_flushed.wait(5)
                target = db.session.get(Answer, answer_id)
                target.disposition = disposition
                db.session.flush()  # the second one waits here for the first one's commit
                if first:
                    first_flushed.set()
                    time.sleep(HOLD_SECONDS)
                db.session.commit()
            except Exception as error:  # reported by the assertion below
                failures.append(error)
            finally:
                first_flushed.set()

    threads = [
        threading.Thread(target=change, args=(Disposition.TAKEN_INTO_ACCOUNT, True)),
        threading.Thread(target=change, args=(Disposition.NOT_RETAINED, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert db.session.get(Answer, answer_id).disposition == Disposition.NOT_RETAINED
    assert kept(consultation_id) == counted(consultation_id)
    assert by(kept(consultation_id), "disposition") == {"not_retained": 1}
