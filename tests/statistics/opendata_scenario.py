"""A consultation whose open data the tests know by heart, and reading the files back.

Published contributions: one by an author who shows their name (answered, then the answer
edited; two themes), a formula-like text with a script by the same author (draft answer only), a
redacted one by an author who keeps a pseudonym, two mails from one sender (one answered), a
mail from the first author's address, one by an account since deleted. Never in the files: a
pending, a refused and a hidden contribution, a published one on a chapter whose batch is still
to come, and one of another consultation.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from consultation.accounts import account_services
from consultation.accounts import models as account_models
from consultation.contributions import themes
from consultation.contributions.models import Channel, Contribution, Status
from consultation.core.clock import advance
from consultation.extensions import db
from consultation.moderation import answers, redaction
from consultation.moderation.answers import AnswerText
from consultation.moderation.decisions import CharterReason
from consultation.moderation.models import Disposition
from tests import factories

FORMULA = '=HYPERLINK("http://exemple.org";"cliquez") <script>alert("xss")</script>'
PHONE = "06 12 34 56 78"
REDACTED_ORIGINAL = f"Je suis suivi pour un diabète, appelez-moi au {PHONE} pour en parler."
ANSWER = "Merci : le chapitre **en tient compte**."
EDITED_ANSWER = "Merci : le chapitre en tient compte, section 1.1."
MAIL_ANSWER = "Cette proposition sort du cadre de la doctrine."
#: Texts that exist in the database but must never leave in a file.
PRIVATE_TEXTS = (
    "TEXTE EN ATTENTE",
    "TEXTE REFUSÉ",
    "TEXTE MASQUÉ",
    "TEXTE DU LOT À VENIR",
    "TEXTE D’UNE AUTRE CONSULTATION",
    "BROUILLON DE RÉPONSE",
    PHONE,
    "Bob Discret",
    "Chapitre pas encore publié",
)


@dataclass(frozen=True)
class Scenario:
    slug: str
    #: Role in the scenario → reference of each published contribution.
    references: dict[str, str]
    emails: tuple[str, ...]
    user_ids: tuple[int, ...]
    pseudonym_of_bob: str


def cheap_scenario(monkeypatch) -> Scenario:
    """The scenario, its six accounts hashed cheaply: no test of the files signs in, and scrypt
    would cost seconds per test."""
    monkeypatch.setattr(account_models, "PASSWORD_METHOD", "pbkdf2:sha256:1000")
    return build_scenario()


def run_export(cli, slug: str, file_format: str, out: Path) -> bytes:
    """Run `flask export opendata`; return the bytes written."""
    arguments = ["export", "opendata", slug, "--format", file_format, "--out", str(out)]
    result = cli.invoke(args=arguments)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def build_scenario() -> Scenario:
    consultation = factories.make_consultation(
        opens_in=-timedelta(days=20), title="Doctrine du numérique en santé"
    )
    chapter = factories.make_chapter(factories.make_batch(consultation), title="Socle commun")
    later = factories.make_batch(consultation, publish_in=timedelta(days=10))
    future = factories.make_chapter(later, title="Chapitre pas encore publié")
    alice = factories.make_user(
        display_name="Alice Martin", show_name=True, organisation="Acme Santé",
        profile=factories.profile("industriel"),
    )  # fmt: skip
    bob = factories.make_user(display_name="Bob Discret", show_name=False)
    carol = factories.make_user(display_name="Carol Partie")
    moderator = factories.make_user(role="moderator")
    made = _published(chapter, alice, bob, carol, moderator)
    _never_public(chapter, future, alice)
    _answer_and_tag(consultation, made, moderator)
    account_services.delete_my_account(carol, factories.PASSWORD)
    references = {role: contribution.reference for role, contribution in made.items()}
    emails = (alice.email, bob.email, moderator.email, "militant@exemple.org")
    users = (alice.id, bob.id, carol.id, moderator.id)
    return Scenario(consultation.slug, references, emails, users, bob.pseudonym)


def _published(chapter, alice, bob, carol, moderator) -> dict[str, Contribution]:
    made = {"named": factories.make_contribution(chapter, author=alice, body="Avis nommé.")}
    _later(hours=1)
    made["formula"] = factories.make_contribution(
        chapter, author=alice, body=FORMULA, section_anchor="1-1",
        section_title="1.1 Première partie",
    )  # fmt: skip
    _later(hours=1)
    made["redacted"] = factories.make_contribution(chapter, author=bob, body=REDACTED_ORIGINAL)
    redaction.redact(made["redacted"], [PHONE], CharterReason.PERSONAL_DATA, moderator)
    _later(hours=1)
    made["mail"] = _mailed(chapter, "Premier courriel du collectif.")
    made["mail_again"] = _mailed(chapter, "Second courriel du collectif.")
    made["mail_from_alice"] = _mailed(chapter, "Courriel d’Alice.", account=alice)
    made["deleted"] = factories.make_contribution(chapter, author=carol, body="Avis de Carol.")
    return made


def _mailed(chapter, body: str, account=None) -> Contribution:
    """Published by a moderator from a mail: from the collective's address, without an account,
    or from the address of an account, which the triage ties to it."""
    address = account.email if account else "Militant@Exemple.org"
    message = factories.make_inbound_message(
        consultation=chapter.consultation, sender_address=address
    )
    contribution = factories.make_contribution(
        chapter, channel=Channel.EMAIL, profile=factories.profile("usagers"),
        author_label="Acme Santé" if account else "Collectif Patients", organisation=None,
        body=body, source_message=message, author=account or factories.make_user(),
    )  # fmt: skip
    if account is None:
        contribution.author = None
        db.session.flush()
    return contribution


def _never_public(chapter, future, alice) -> None:
    for status, body in ((Status.PENDING, "TEXTE EN ATTENTE"), (Status.REJECTED, "TEXTE REFUSÉ"),
                         (Status.HIDDEN, "TEXTE MASQUÉ")):  # fmt: skip
        reason = None if status == Status.PENDING else "hors_sujet"
        factories.make_contribution(chapter, author=alice, body=body, status=status,
                                    status_reason=reason)  # fmt: skip
    factories.make_contribution(future, author=alice, body="TEXTE DU LOT À VENIR")
    other = factories.make_chapter()
    factories.make_contribution(other, author=alice, body="TEXTE D’UNE AUTRE CONSULTATION")


def _answer_and_tag(consultation, made: dict[str, Contribution], moderator) -> None:
    answers.publish(made["named"], AnswerText(ANSWER, Disposition.TAKEN_INTO_ACCOUNT), moderator)
    _later(days=1)
    edited = AnswerText(EDITED_ANSWER, Disposition.PARTLY_TAKEN)
    answers.publish(made["named"], edited, moderator)
    draft = AnswerText("BROUILLON DE RÉPONSE", Disposition.NOT_RETAINED)
    answers.save_draft(made["formula"], draft, moderator)
    mail_answer = AnswerText(MAIL_ANSWER, Disposition.OUT_OF_SCOPE)
    answers.publish(made["mail"], mail_answer, moderator)
    security = themes.create_theme(consultation, "Sécurité")
    ethics = themes.create_theme(consultation, "Éthique")
    themes.set_themes(made["named"], [security, ethics])
    themes.set_themes(made["mail"], [security])
    _group(made)


def _group(made: dict[str, Contribution]) -> None:
    """Near-duplicates: the two mails with a refused text first; the redacted one alone."""
    refused = db.session.scalar(
        db.select(Contribution).where(Contribution.status == Status.REJECTED)
    )
    for member in (refused, made["mail"], made["mail_again"]):
        member.duplicate_group_id = refused.id
    pending = db.session.scalar(
        db.select(Contribution).where(Contribution.status == Status.PENDING)
    )
    made["redacted"].duplicate_group_id = pending.duplicate_group_id = pending.id
    db.session.flush()


def _later(**delta: float) -> None:
    advance(timedelta(**delta))


def read_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_json(data: bytes) -> list[dict[str, object]]:
    return json.loads(data.decode("utf-8"))


def by_reference(rows: list[dict]) -> dict[str, dict]:
    return {row["reference"]: row for row in rows}
