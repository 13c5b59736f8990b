"""The demo's mail: messages taken in by the real ingestion, then triaged by the demo moderator.

Most are published as email contributions (a few in two excerpts on two chapters, some copies of
the form letter), two are refused, and the latest wait in the triage queue. Each message has a
fixed Message-ID, so a second load finds it stored already and leaves it as it is.
"""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import select

from consultation.accounts.models import Profile, User
from consultation.contributions.models import Contribution
from consultation.demo.bank import Bank, topic_of
from consultation.demo.crowd import (
    DEMO_DOMAIN,
    PROFILE_WEIGHTS,
    PSEUDONYM_ALPHABET,
    Period,
    Place,
    moment,
    published_places,
)
from consultation.extensions import db
from consultation.inbound_mail import ingest, triage
from consultation.inbound_mail.models import InboundMessage, RefusalReason
from consultation.publication.models import Consultation

SOURCE = "demo:courriels"
OPINION_COUNT, TWO_EXCERPT_COUNT, LETTER_COUNT, WAITING_COUNT = 12, 3, 3, 2
SUBJECTS = (
    "Contribution à la concertation",
    "Remarques sur le projet de doctrine",
    "Notre avis sur le projet de texte",
)
UNWANTED = (
    (
        "Offre spéciale pour votre établissement",
        "Découvrez notre solution de prise de rendez-vous en ligne : un mois offert pour toute "
        "souscription avant la fin du mois. Répondez à ce message pour recevoir une démonstration.",
        RefusalReason.SPAM,
        None,
    ),
    (
        "Remboursement de ma consultation",
        "Ma consultation du mois dernier ne m’a toujours pas été remboursée. Pouvez-vous me dire "
        "à qui m’adresser ?",
        RefusalReason.OFF_TOPIC,
        "Question personnelle de remboursement : l’expéditeur a été orienté vers sa caisse.",
    ),
)


@dataclass(frozen=True)
class Sender:
    name: str
    address: str
    profile_code: str
    organisation: str | None
    #: The public label the moderator gives: the organisation, else a pseudonym.
    label: str


@dataclass(frozen=True)
class Excerpt:
    place: Place
    anchor: str | None
    text: str


@dataclass(frozen=True)
class Mail:
    number: int
    sender: Sender
    subject: str
    received_at: datetime
    excerpts: tuple[Excerpt, ...] = ()
    text: str = ""
    refusal: tuple[RefusalReason, str | None] | None = None
    waits: bool = False

    @property
    def body(self) -> str:
        text = self.text or "\n\n".join(excerpt.text for excerpt in self.excerpts)
        signature = "\n".join(filter(None, (self.sender.name, self.sender.organisation)))
        return f"Madame, Monsieur,\n\n{text}\n\nBien cordialement,\n{signature}\n"


@dataclass(frozen=True)
class MailReport:
    received_count: int
    published_count: int
    refused_count: int
    waiting_count: int


def load_mail(
    consultation: Consultation, moderator: User, period: Period, bank: Bank, rng: random.Random
) -> MailReport:
    """Receive, process and triage the demo's mail; a message stored already is skipped."""
    profiles = {profile.code: profile for profile in db.session.scalars(select(Profile))}
    counts = {"received": 0, "published": 0, "refused": 0, "waiting": 0}
    for mail in plan_mail(published_places(consultation, period.end), period, bank, rng):
        message = _receive(mail)
        if message is None:
            continue
        counts["received"] += 1
        if mail.waits:
            counts["waiting"] += 1
        elif mail.refusal:
            triage.refuse_message(message, moderator, *mail.refusal)
            counts["refused"] += 1
        else:
            profile = profiles[mail.sender.profile_code]
            created = _publish(message, mail, consultation, moderator, profile)
            _date_triage(message, created, period.end)
            counts["published"] += len(created)
    return MailReport(*counts.values())


def plan_mail(places: list[Place], period: Period, bank: Bank, rng: random.Random) -> list[Mail]:
    """Opinions (the first in two excerpts), form letters, unwanted mail, then the latest."""
    mails: list[Mail] = []
    for number in range(1, OPINION_COUNT + 1):
        mails.append(
            _opinion(number, places, period, bank, rng, 2 if number <= TWO_EXCERPT_COUNT else 1)
        )
    for _ in range(LETTER_COUNT):
        mails.append(_form_letter(len(mails) + 1, places, period, bank, rng))
    for subject, text, reason, comment in UNWANTED:
        sender, at = _sender(bank, rng, "citoyen"), moment(rng, period.opens_at, period.end, 1)
        mails.append(
            Mail(len(mails) + 1, sender, subject, at, text=text, refusal=(reason, comment))
        )
    recent = Period(period.end - timedelta(days=2), period.end)
    for _ in range(WAITING_COUNT):
        mail = _opinion(len(mails) + 1, places, recent, bank, rng, 1)
        mails.append(dataclasses.replace(mail, waits=True))
    return mails


def _sender(bank: Bank, rng: random.Random, profile_code: str | None = None) -> Sender:
    name = bank.person(rng)
    code = profile_code or rng.choices(list(PROFILE_WEIGHTS), list(PROFILE_WEIGHTS.values()))[0]
    organisation = None if code == "citoyen" else bank.organisation(code, rng)
    local = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    address = f"{local.replace(' ', '.')}.{rng.randint(10, 99)}@courriel.{DEMO_DOMAIN}"
    label = organisation or "Participant " + "".join(rng.choices(PSEUDONYM_ALPHABET, k=6))
    return Sender(name, address, code, organisation, label)


def _opinion(number: int, places: list[Place], period: Period, bank: Bank, rng, count: int) -> Mail:
    sender = _sender(bank, rng)
    chosen = rng.sample(places, count)
    excerpts = tuple(_excerpt(place, sender.profile_code, bank, rng) for place in chosen)
    start = max(period.opens_at, *(place.chapter.batch.publish_at for place in chosen))
    received_at = moment(rng, start, period.end, 1)
    return Mail(number, sender, rng.choice(SUBJECTS), received_at, excerpts)


def _excerpt(place: Place, profile_code: str, bank: Bank, rng: random.Random) -> Excerpt:
    anchor = rng.choice([None, *(anchor for anchor, _, level in place.sections if level == 2)])
    text = bank.contribution(profile_code, topic_of(place.chapter.number, anchor), rng)
    return Excerpt(place, anchor, text)


def _form_letter(number: int, places: list[Place], period: Period, bank: Bank, rng) -> Mail:
    letter = bank.letter
    place = next(place for place in places if place.chapter.number == letter["chapter"])
    sender = _sender(bank, rng, rng.choice(("citoyen", "usagers")))
    start = max(period.opens_at, place.chapter.batch.publish_at + timedelta(hours=10))
    received_at = moment(rng, start, period.end, 1)
    excerpt = Excerpt(place, letter["section"], bank.form_letter(rng))
    return Mail(
        number,
        sender,
        "Lettre pour un espace numérique de santé protecteur",
        received_at,
        (excerpt,),
    )


def _receive(mail: Mail) -> InboundMessage | None:
    """Through the ingestion, as `flask mail ingest` takes a message: stored, then processed."""
    message = ingest.store(_raw(mail), SOURCE, mail.received_at)
    if message is not None:
        ingest.process(message)
    return message


def _raw(mail: Mail) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = f"{mail.sender.name} <{mail.sender.address}>"
    message["To"] = str(
        current_app.config.get("CONSULTATION_ADDRESS", "concertation@example.gouv.fr")
    )
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<demo-courriel-{mail.number:03d}@{DEMO_DOMAIN}>"
    message["Date"] = format_datetime(mail.received_at - timedelta(minutes=3))
    message.set_content(mail.body)
    return message.as_bytes()


def _publish(
    message: InboundMessage, mail: Mail, consultation: Consultation, moderator: User, profile
) -> list[Contribution]:
    """The moderator's triage: the excerpts, the sender's profile and label; then dated."""
    excerpts = tuple(
        triage.Excerpt(excerpt.place.chapter, excerpt.anchor, excerpt.text)
        for excerpt in mail.excerpts
    )
    publication = triage.Publication(
        consultation, profile, mail.sender.organisation, mail.sender.label, excerpts
    )
    return triage.publish_message(message, moderator, publication)


def _date_triage(message: InboundMessage, created: list[Contribution], end: datetime) -> None:
    """The moderator triaged the message a few hours after it came, not while loading the demo."""
    triaged_at = min(message.received_at + timedelta(hours=20), end)
    message.triaged_at = triaged_at
    for contribution in created:
        contribution.published_at = triaged_at
    db.session.flush()
