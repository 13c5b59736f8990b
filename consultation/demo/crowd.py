"""The demo's crowd: four hundred accounts and their contributions on the published chapters.

What a few weeks of consultation leave behind, written from the sentence bank with a seeded
random and dated between the opening and the start of today (Paris), so that loading twice the
same day writes the same rows. Rows go in by bulk INSERT, never object by object: the caller
rebuilds the tally and the published counts afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select, update

from consultation.accounts.models import Profile, User
from consultation.contributions.models import Channel, Contribution, Status
from consultation.core.clock import now
from consultation.core.dates import PARIS, to_paris
from consultation.core.roles import Role
from consultation.core.sanitize import render_plain_text
from consultation.demo.bank import Bank, topic_of
from consultation.extensions import db
from consultation.moderation.decisions import CharterReason, encode_reason
from consultation.publication.models import Chapter, Consultation

DEMO_DOMAIN = "demo.concertation.example"
ACCOUNT_COUNT = 400
#: Shares of the accounts by profile, in the spirit of a national consultation's synthesis.
PROFILE_WEIGHTS = {
    "citoyen": 24,
    "professionnel-sante": 22,
    "industriel": 16,
    "etablissement": 14,
    "usagers": 9,
    "institution": 8,
    "autre": 7,
}
CONTRIBUTOR_SHARE = 0.72
CONTRIBUTIONS_PER_PERSON = {1: 62, 2: 24, 3: 9, 4: 5}
CHAPTER_WEIGHTS = {1: 22, 2: 33, 3: 27, 4: 18, 5: 12}
WHOLE_CHAPTER_SHARE = 0.35
FORM_LETTER_COPIES = 34
REFUSALS = (
    (CharterReason.OFF_TOPIC, "La contribution porte sur un remboursement personnel."),
    (CharterReason.DUPLICATE, "Même texte déjà envoyé par la même personne."),
    (CharterReason.PERSONAL_DATA, "Le texte donnait des informations de santé sur un tiers."),
    (CharterReason.ABUSIVE, ""),
)
HIDINGS = (
    (CharterReason.PERSONAL_DATA, "Le nom d’un patient était cité."),
    (CharterReason.ABUSIVE, "Une personne était mise en cause nommément."),
)
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Period:
    opens_at: datetime
    #: The start of today in Paris: nothing the demo writes is dated later.
    end: datetime


def start_of_today() -> datetime:
    return datetime.combine(to_paris(now()).date(), time(0), tzinfo=PARIS).astimezone(UTC)


@dataclass(frozen=True)
class Member:
    id: int
    label: str
    profile_id: int
    profile_code: str
    organisation: str | None
    created_at: datetime


def email_of(number: int) -> str:
    return f"participant-{number:03d}@{DEMO_DOMAIN}"


def set_up_accounts(
    period: Period, password_hash: str, bank: Bank, rng: random.Random
) -> list[Member]:
    """Insert the crowd's accounts that do not exist yet; every account, as members.

    One password hash for all: scrypt is slow on purpose, and signing in checks it alike.
    """
    profiles = {profile.code: profile for profile in db.session.scalars(select(Profile))}
    rows = [
        _account_row(number, profiles[_profile_code(rng)], period, password_hash, bank, rng)
        for number in range(1, ACCOUNT_COUNT + 1)
    ]
    existing = set(db.session.scalars(select(User.email).where(_crowd_emails())))
    missing = [row for row in rows if row["email"] not in existing]
    if missing:
        db.session.execute(insert(User.__table__), missing)
    return _members({profile.id: code for code, profile in profiles.items()})


def _crowd_emails():
    return User.email.like(f"participant-%@{DEMO_DOMAIN}")


def _profile_code(rng: random.Random) -> str:
    return rng.choices(list(PROFILE_WEIGHTS), weights=list(PROFILE_WEIGHTS.values()))[0]


def _account_row(number: int, profile: Profile, period: Period, password_hash: str, bank, rng):
    created_at = moment(rng, period.opens_at - timedelta(days=2), period.end, bias=1.6)
    has_organisation = profile.requires_organisation or rng.random() < 0.2
    return {
        "email": email_of(number),
        "password_hash": password_hash,
        "display_name": bank.person(rng),
        "pseudonym": "Participant " + "".join(rng.choices(PSEUDONYM_ALPHABET, k=6)),
        "role": Role.CONTRIBUTOR,
        "profile_id": profile.id,
        "organisation": bank.organisation(profile.code, rng) if has_organisation else None,
        "show_name": rng.random() < 0.45,
        "news_opt_in": rng.random() < 0.35,
        "charter_accepted_at": created_at,
        "email_confirmed_at": created_at + timedelta(minutes=rng.randint(2, 90)),
        "created_at": created_at,
    }


def _members(codes: dict[int, str]) -> list[Member]:
    query = (
        select(User)
        .where(_crowd_emails(), User.anonymised_at.is_(None), User.profile_id.is_not(None))
        .order_by(User.email)
    )
    return [_member(user, codes[user.profile_id]) for user in db.session.scalars(query)]


def _member(user: User, profile_code: str) -> Member:
    return Member(
        user.id, user.public_name, user.profile_id, profile_code, user.organisation, user.created_at
    )


def moment(rng: random.Random, start: datetime, end: datetime, bias: float = 1.3) -> datetime:
    """A time between start and end, more often early (bias > 1), to the second."""
    seconds = (end - start).total_seconds() * rng.random() ** bias
    return start + timedelta(seconds=int(seconds))


@dataclass(frozen=True)
class Place:
    chapter: Chapter
    sections: list[tuple[str, str, int]]  # anchor, title, level


def published_places(consultation: Consultation, at: datetime) -> list[Place]:
    places = []
    for chapter in consultation.chapters:
        if chapter.is_published(at):
            sections = chapter.consultation_version.sections
            places.append(Place(chapter, [(s.anchor, s.title, s.level) for s in sections]))
    return places


def contribution_rows(
    consultation: Consultation, members: list[Member], period: Period, bank: Bank, rng
) -> list[dict]:
    """The crowd's web contributions, the form letter's copies among them, not numbered yet."""
    places = published_places(consultation, period.end)
    weights = [CHAPTER_WEIGHTS.get(place.chapter.number, 10) for place in places]
    rows = []
    for member in rng.sample(members, int(len(members) * CONTRIBUTOR_SHARE)):
        count = rng.choices(list(CONTRIBUTIONS_PER_PERSON), list(CONTRIBUTIONS_PER_PERSON.values()))
        for _ in range(count[0]):
            place = rng.choices(places, weights)[0]
            section = _section(place, rng)
            topic = topic_of(place.chapter.number, section[0])
            text = bank.contribution(member.profile_code, topic, rng)
            rows.append(_row(consultation, member, place, section, text, period, rng))
    rows += _form_letter_rows(consultation, members, places, period, bank, rng)
    for number, row in enumerate(rows, start=1):
        row["submission_key"] = f"demo-crowd-{number:04d}"
    return rows


def _section(place: Place, rng: random.Random) -> tuple[str | None, str | None]:
    if not place.sections or rng.random() < WHOLE_CHAPTER_SHARE:
        return None, None
    weights = [3 if level == 2 else 1 for _, _, level in place.sections]
    anchor, title, _ = rng.choices(place.sections, weights)[0]
    return anchor, title


def _form_letter_rows(consultation, members, places, period: Period, bank: Bank, rng) -> list[dict]:
    letter = bank.letter
    place = next((p for p in places if p.chapter.number == letter["chapter"]), None)
    if place is None:
        return []
    title = next(title for anchor, title, _ in place.sections if anchor == letter["section"])
    signers = [m for m in members if m.profile_code in {"citoyen", "usagers"}]
    launch = place.chapter.batch.publish_at + timedelta(hours=10)
    rows = []
    for member in rng.sample(signers, min(FORM_LETTER_COPIES, len(signers))):
        campaign = Period(max(launch, member.created_at), period.end)
        section, text = (letter["section"], title), bank.form_letter(rng)
        rows.append(_row(consultation, member, place, section, text, campaign, rng))
    return rows


def _row(consultation, member: Member, place: Place, section, text: str, period, rng) -> dict:
    start = max(place.chapter.batch.publish_at, member.created_at, period.opens_at)
    submitted_at = moment(rng, start, period.end)
    status, reason, published_at = _fate(submitted_at, period.end, rng)
    return {
        "consultation_id": consultation.id,
        "chapter_id": place.chapter.id,
        "chapter_version_id": place.chapter.consultation_version.id,
        "section_anchor": section[0],
        "section_title": section[1],
        "author_id": member.id,
        "channel": Channel.WEB,
        "profile_id": member.profile_id,
        "organisation": member.organisation,
        "author_label": member.label,
        "body": text,
        "body_html": str(render_plain_text(text)),
        "status": status,
        "status_reason": reason,
        "submitted_at": submitted_at,
        "published_at": published_at,
    }


def _fate(submitted_at: datetime, end: datetime, rng: random.Random):
    """Status, reason and publication time: the newest often still wait for a moderator."""
    is_recent = end - submitted_at < timedelta(hours=30)
    if (is_recent and rng.random() < 0.4) or rng.random() < 0.02:
        return Status.PENDING, None, None
    published_at = min(submitted_at + timedelta(hours=rng.uniform(1, 30)), end)
    draw = rng.random()
    if draw < 0.05:
        return Status.REJECTED, encode_reason(*rng.choice(REFUSALS)), None
    if draw < 0.075:
        return Status.HIDDEN, encode_reason(*rng.choice(HIDINGS)), published_at
    return Status.PUBLISHED, None, published_at


def insert_contributions(consultation: Consultation, rows: list[dict]) -> None:
    """Number the rows in order of submission after the consultation's last reference, insert."""
    rows.sort(key=lambda row: (row["submitted_at"], row["submission_key"]))
    last = _reserve_references(consultation, len(rows))
    for number, row in enumerate(rows, start=last - len(rows) + 1):
        row["reference"] = f"{consultation.reference_prefix}-{number:04d}"
    db.session.execute(insert(Contribution.__table__), rows)


def _reserve_references(consultation: Consultation, count: int) -> int:
    table = Consultation.__table__
    statement = (
        update(table)
        .where(table.c.id == consultation.id)
        .values(last_reference_number=table.c.last_reference_number + count)
        .returning(table.c.last_reference_number)
    )
    last = db.session.execute(statement).scalar_one()
    db.session.expire(consultation, ["last_reference_number"])
    return last
