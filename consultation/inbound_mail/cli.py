"""`flask mail …`: taking mail in from files or the IMAP mailbox, and accounting for it.

Each message is stored and committed before it is parsed, so its bytes are safe whatever
happens next; a run cut short is simply run again: nothing is lost, nothing comes twice.
"""

from __future__ import annotations

import imaplib
import mailbox
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from consultation.extensions import db
from consultation.inbound_mail import imap, ingest
from consultation.inbound_mail.models import InboundMessage, MessageState
from consultation.inbound_mail.report import accounting
from consultation.inbound_mail.sources import UnreadableSource, read_path
from consultation.publication.models import Consultation


@click.group(cls=AppGroup, help="Courriels reçus par la concertation.")
def mail() -> None:
    pass


@dataclass
class Summary:
    read_count: int = 0
    new_count: int = 0
    known_count: int = 0
    quarantined_count: int = 0
    recovered_count: int = 0
    unreadable: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"Messages lus : {self.read_count} ; nouveaux : {self.new_count} ; "
            f"déjà connus : {self.known_count} ; mis en quarantaine : {self.quarantined_count}."
        ]
        if self.recovered_count:
            lines.append(
                f"Messages enregistrés lors d’un passage interrompu, analysés maintenant : "
                f"{self.recovered_count}."
            )
        return lines


def keep(raw: bytes, source: str, received_at: datetime | None, summary: Summary):
    """Store the bytes and commit at once: from here on the message cannot be lost."""
    summary.read_count += 1
    message = ingest.store(raw, source, received_at)
    db.session.commit()
    if message is None:
        summary.known_count += 1
    else:
        summary.new_count += 1
    return message


def finish(message: InboundMessage, summary: Summary) -> None:
    """Parse the stored message and commit its fate."""
    if ingest.process(message):
        summary.quarantined_count += message.state == MessageState.QUARANTINED
    db.session.commit()


def recover(summary: Summary) -> None:
    summary.recovered_count = ingest.process_pending()
    db.session.commit()


def ingest_paths(paths: list[Path]) -> Summary:
    """What `flask mail ingest` does; an unreadable path is noted and the others are read."""
    summary = Summary()
    for path in paths:
        try:
            for found in read_path(path):
                message = keep(found.raw, found.source, found.received_at, summary)
                if message is not None:
                    finish(message, summary)
        except UnreadableSource as problem:
            summary.unreadable.append(problem.message)
        except (OSError, mailbox.Error) as error:
            db.session.rollback()
            summary.unreadable.append(f"{path} : lecture interrompue ({error}).")
    recover(summary)
    return summary


@mail.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def ingest_command(paths: tuple[Path, ...]) -> None:
    """Take in mail exported from another system: .eml files, Maildir folders, mbox files."""
    summary = ingest_paths(list(paths))
    for problem in summary.unreadable:
        click.echo(f"Illisible : {problem}", err=True)
    click.echo("\n".join(summary.lines()))
    if summary.unreadable:
        raise SystemExit(1)


def fetch_mailbox(settings: imap.ImapSettings) -> Summary:
    """What `flask mail fetch` does: every message after the cursor, taken once."""
    summary = Summary()
    with imap.open_mailbox(settings) as folder:
        position = imap.cursor_for(folder)
        db.session.commit()
        for uid in folder.uids_after(position.last_uid):
            _take(folder, position, uid, summary)
    recover(summary)
    return summary


def _take(folder: imap.Mailbox, position: imap.Position, uid: int, summary: Summary) -> None:
    fetched = folder.read(uid)
    if fetched is None:  # taken (moved) by another fetch meanwhile
        return
    message = keep(fetched.raw, folder.source, fetched.received_at, summary)
    folder.mark_taken(uid)
    imap.advance(position, uid)
    db.session.commit()
    if message is not None:
        finish(message, summary)


@mail.command("fetch")
def fetch_command() -> None:
    """Take the new mail of the consultation's IMAP mailbox; nothing is deleted there."""
    try:
        summary = fetch_mailbox(imap.ImapSettings.from_config())
    except imap.MailboxError as problem:
        raise click.ClickException(problem.message) from None
    except (OSError, imaplib.IMAP4.error) as error:
        db.session.rollback()
        raise click.ClickException(
            f"Relève interrompue ({error}). Ce qui a été relevé est conservé : "
            "relancez la commande pour reprendre."
        ) from None
    click.echo("\n".join(summary.lines()))


REPORT_COLUMNS = ("Reçus", "À trier", "Publiés", "Refusés", "Quarantaine", "Hors période")


@mail.command("report")
@click.argument("slug", required=False)
def report_command(slug: str | None) -> None:
    """Account for every message: received = to triage + published + refused + quarantined."""
    consultation_id = None
    if slug is not None:
        consultation_id = db.session.scalar(
            select(Consultation.id).where(Consultation.slug == slug)
        )
        if consultation_id is None:
            raise click.ClickException(f"Aucune concertation n’a l’adresse « {slug} ».")
    rows = accounting(consultation_id)
    width = max(len("Concertation"), *(len(row.slug or row.title) for row in rows))
    click.echo("  ".join(["Concertation".ljust(width), *REPORT_COLUMNS]))
    for row in rows:
        figures = (row.received, row.new, row.published, row.refused, row.quarantined)
        cells = [*figures, row.out_of_period]
        aligned = [
            str(value).rjust(len(name)) for value, name in zip(cells, REPORT_COLUMNS, strict=True)
        ]
        click.echo("  ".join([(row.slug or row.title).ljust(width), *aligned]))
