"""A consultation whose figures the tests know by heart, built through the real services.

Five chapters in two batches (1–3, then 4–5). Accounts counted: three citizens (Alice, Bruno,
Emma), Chloé (industry), David (health establishment); Alice and Chloé opted in to news. An
erased account, one opened after the closing and the moderators do not count.

Online (7): Alice ch1 published, ch1 §1.1 published a week later, ch2 pending; Bruno ch1
published; Chloé ch3 §2 published, ch3 refused; David ch4 hidden.
By mail (4, all published, profile "usagers"): asso@ — ch5 and ch2 §1 in one message, ch5 in a
second message from ASSO@ (the same sender); autre@ — ch1. Plus one refused and one new message.

Answers published: Alice's first (taken), Bruno's (taken), autre@'s (not retained); a draft on
Chloé's published one. Themes: Interopérabilité on Alice's first, Chloé's published and the
first mail excerpt; Sécurité on Alice's pending one; Accessibilité on none. Near-duplicates:
Alice's first with Bruno's; Chloé's published with her refused one. Unique visitors: 10 on
1 March, 5 on 2 March, 3 on 10 March. The clock then moves to Monday 16 March.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from consultation.accounts import models as account_models
from consultation.contributions.models import Contribution, Status, Theme
from consultation.core.clock import now
from consultation.extensions import db
from consultation.inbound_mail import triage
from consultation.inbound_mail.models import MessageState
from consultation.moderation import answers
from consultation.moderation.answers import AnswerText
from consultation.moderation.models import Disposition
from consultation.publication.models import Chapter, Consultation
from consultation.statistics.models import AudienceDay
from tests import factories

#: Counted accounts per profile code, and those opted in to news.
ACCOUNTS = {"citoyen": 3, "industriel": 1, "etablissement": 1}
ACCOUNTS_NEWS = 2
VISITS = {date(2026, 3, 1): 10, date(2026, 3, 2): 5, date(2026, 3, 10): 3}


@dataclass
class Scenario:
    consultation: Consultation
    chapters: list[Chapter]
    web: dict[str, Contribution] = field(default_factory=dict)
    mail: list[Contribution] = field(default_factory=list)
    themes: dict[str, Theme] = field(default_factory=dict)

    @property
    def batches(self) -> list[int]:
        return [self.chapters[0].batch_id, self.chapters[3].batch_id]


def build(clock, monkeypatch) -> Scenario:
    """The scenario; nobody signs in, so passwords are hashed the cheap way (scrypt would take
    half a second per account)."""
    monkeypatch.setattr(account_models, "PASSWORD_METHOD", "pbkdf2:sha256:1")
    consultation = factories.make_consultation()
    first, second = factories.make_batch(consultation), factories.make_batch(consultation)
    chapters = [factories.make_chapter(first) for _ in range(3)]
    chapters += [factories.make_chapter(second) for _ in range(2)]
    scenario = Scenario(consultation, chapters)
    people = _accounts(consultation)
    _web(scenario, people)
    _mail(scenario)
    _answers(scenario)
    _themes_and_groups(scenario)
    for day, count in VISITS.items():
        db.session.add(AudienceDay(consultation_id=consultation.id, day=day, new_visitors=count))
    db.session.flush()
    clock.advance(days=14)
    return scenario


def _accounts(consultation: Consultation) -> dict[str, object]:
    make, profile = factories.make_user, factories.profile
    people = {
        "alice": make(news_opt_in=True),
        "bruno": make(),
        "chloe": make(profile=profile("industriel"), news_opt_in=True),
        "david": make(profile=profile("etablissement")),
    }
    make()  # Emma, who does not contribute
    make(news_opt_in=True, anonymised_at=now(), email=None)
    make(created_at=consultation.closes_at + timedelta(days=1))
    make(role="moderator")
    return people


def _web(scenario: Scenario, people: dict) -> None:
    ch = scenario.chapters
    make = factories.make_contribution
    week_later = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    scenario.web = {
        "alice_1": make(ch[0], author=people["alice"]),
        "alice_2": make(
            ch[0], author=people["alice"], section_anchor="1-1", submitted_at=week_later
        ),
        "alice_3": make(ch[1], author=people["alice"], status=Status.PENDING),
        "bruno": make(ch[0], author=people["bruno"]),
        "chloe_1": make(ch[2], author=people["chloe"], section_anchor="2"),
        "chloe_2": make(ch[2], author=people["chloe"], status=Status.REJECTED),
        "david": make(ch[3], author=people["david"], status=Status.HIDDEN),
    }


def _mail(scenario: Scenario) -> None:
    ch, moderator = scenario.chapters, factories.make_user(role="moderator")
    messages = [
        ("asso@exemple.org", [(ch[4], None), (ch[1], "1")]),
        ("ASSO@exemple.org", [(ch[4], None)]),
        ("autre@exemple.org", [(ch[0], None)]),
    ]
    for sender, excerpts in messages:
        message = factories.make_inbound_message(
            consultation=scenario.consultation, sender_address=sender
        )
        publication = triage.Publication(
            consultation=scenario.consultation,
            profile=factories.profile("usagers"),
            organisation="Association d’usagers",
            author_label="Association d’usagers",
            excerpts=tuple(
                triage.Excerpt(chapter, anchor, "Un avis reçu par courriel, assez long.")
                for chapter, anchor in excerpts
            ),
        )
        scenario.mail += triage.publish_message(message, moderator, publication)
    for state in (MessageState.REFUSED, MessageState.NEW):
        factories.make_inbound_message(consultation=scenario.consultation, state=state)


def _answers(scenario: Scenario) -> None:
    moderator = factories.make_user(role="moderator")
    taken = AnswerText("Reprise dans le texte final.", Disposition.TAKEN_INTO_ACCOUNT)
    answers.publish(scenario.web["alice_1"], taken, moderator)
    answers.publish(scenario.web["bruno"], taken, moderator)
    refused = AnswerText("Non retenue.", Disposition.NOT_RETAINED)
    answers.publish(scenario.mail[3], refused, moderator)
    draft = AnswerText("Brouillon.", Disposition.PARTLY_TAKEN)
    answers.save_draft(scenario.web["chloe_1"], draft, moderator)


def _themes_and_groups(scenario: Scenario) -> None:
    web = scenario.web
    for name in ("Interopérabilité", "Sécurité", "Accessibilité"):
        theme = Theme(consultation=scenario.consultation, name=name)
        db.session.add(theme)
        scenario.themes[name] = theme
    for contribution in (web["alice_1"], web["chloe_1"], scenario.mail[0]):
        contribution.themes.append(scenario.themes["Interopérabilité"])
    web["alice_3"].themes.append(scenario.themes["Sécurité"])
    for root, other in ((web["alice_1"], web["bruno"]), (web["chloe_1"], web["chloe_2"])):
        root.duplicate_group_id = other.duplicate_group_id = root.id
    db.session.flush()
