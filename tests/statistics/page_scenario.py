"""A consultation whose statistics the tests know by heart (START is Monday 2 March 2026).

Opened on 10 February. Batch 1 is out with chapters 1 and 2; batch 2, with chapter 3, comes in
ten days. Four participants' accounts (two citizens, one industry, one health establishment; two
take the news) and a moderator. Published: four contributions online and two by mail (one
sender), over four weeks; besides them one pending, one refused and one hidden. Published
answers: one taken into account, one out of scope; a draft on another. One theme used twice
(once on the pending one), one unused; one group of near-duplicates (published + refused).
Visitors: 30 new on 20 February, 12 on 1 March.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from consultation.contributions import themes
from consultation.contributions.models import Channel, Contribution, Status
from consultation.extensions import db
from consultation.moderation import answers
from consultation.moderation.answers import AnswerText
from consultation.moderation.models import Disposition
from consultation.statistics.models import AudienceDay
from tests import factories

TITLE = "Doctrine du numérique en santé"
SECRET_CHAPTER = "Chapitre encore secret"
THEMES = ("Sécurité", "Éthique")


@dataclass(frozen=True)
class Scenario:
    slug: str
    chapter_ids: tuple[int, int, int]
    batch_ids: tuple[int, int]
    theme_ids: tuple[int, int]


def build_scenario() -> Scenario:
    consultation = factories.make_consultation(opens_in=-timedelta(days=20), title=TITLE)
    first, later = (
        factories.make_batch(consultation),
        factories.make_batch(consultation, publish_in=timedelta(days=10)),
    )
    one = factories.make_chapter(first, title="Principes communs")
    two = factories.make_chapter(first, title="Services socles")
    three = factories.make_chapter(later, title=SECRET_CHAPTER)
    made = _contributions(one, two)
    moderator = factories.make_user(role="moderator")
    _answer(made, moderator)
    security, ethics = (themes.create_theme(consultation, name) for name in THEMES)
    themes.set_themes(made["alice"], [security])
    themes.set_themes(made["pending"], [security])
    made["bob"].duplicate_group_id = made["refused"].duplicate_group_id = made["bob"].id
    _visitors(consultation.id)
    db.session.flush()
    return Scenario(
        consultation.slug, (one.id, two.id, three.id), (first.id, later.id),
        (security.id, ethics.id),
    )  # fmt: skip


def _contributions(one, two) -> dict[str, Contribution]:
    profile = factories.profile
    alice = factories.make_user(display_name="Alice")
    bob = factories.make_user(display_name="Bob", news_opt_in=True)
    carol = factories.make_user(profile=profile("industriel"), news_opt_in=True)
    dan = factories.make_user(profile=profile("etablissement"))
    made = {
        "alice": _web(one, alice, -15),
        "bob": _web(one, bob, -8),
        "carol": _web(one, carol, -6),
        "dan": _web(two, dan, -1),
        "mail": _mailed(one, -5),
        "mail_again": _mailed(two, 0),
        "pending": _web(one, alice, 0, Status.PENDING),
        "refused": _web(two, bob, 0, Status.REJECTED),
        "hidden": _web(one, carol, 0, Status.HIDDEN),
    }
    return made


def _web(chapter, author, days: int, status: Status = Status.PUBLISHED) -> Contribution:
    reason = None if status in (Status.PUBLISHED, Status.PENDING) else "hors_sujet"
    return factories.make_contribution(
        chapter, author=author, status=status, status_reason=reason,
        submitted_at=factories.at(days=days),
    )  # fmt: skip


def _mailed(chapter, days: int) -> Contribution:
    """Sent by the same association, without an account, and published by a moderator."""
    message = factories.make_inbound_message(
        consultation=chapter.consultation, sender_address="collectif@exemple.org"
    )
    carrier = factories.make_user(role="moderator")
    contribution = factories.make_contribution(
        chapter, author=carrier, channel=Channel.EMAIL, profile=factories.profile("usagers"),
        author_label="Collectif de patients", organisation=None, source_message=message,
        submitted_at=factories.at(days=days),
    )  # fmt: skip
    contribution.author = None
    db.session.flush()
    return contribution


def _answer(made: dict[str, Contribution], moderator) -> None:
    taken = AnswerText("Merci, le chapitre en tient compte.", Disposition.TAKEN_INTO_ACCOUNT)
    answers.publish(made["alice"], taken, moderator)
    aside = AnswerText("Cette proposition sort du cadre.", Disposition.OUT_OF_SCOPE)
    answers.publish(made["mail"], aside, moderator)
    draft = AnswerText("Brouillon de réponse.", Disposition.NOT_RETAINED)
    answers.save_draft(made["bob"], draft, moderator)


def _visitors(consultation_id: int) -> None:
    for day, count in ((date(2026, 2, 20), 30), (date(2026, 3, 1), 12)):
        db.session.add(
            AudienceDay(
                consultation_id=consultation_id, day=day, visitors=count, new_visitors=count,
                page_views=count * 3,
            )
        )  # fmt: skip
