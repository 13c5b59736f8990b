"""`flask news send`: tells subscribers of newly published batches; safe to run twice."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from consultation.accounts import news as services
from consultation.extensions import db

news = AppGroup("news", help="Lettre d’information aux abonnés.")


@news.command("send")
def send() -> None:
    """Announce each published batch once to the subscribers, committing batch by batch."""
    announced = 0
    for batch in services.due_batches():
        announcement = services.announce(batch)
        db.session.commit()
        if announcement is None:
            continue
        announced += 1
        click.echo(
            f"Lot « {batch.title} » de « {batch.consultation.title} » : "
            f"{announcement.recipient_count} message(s) mis en file d’envoi."
        )
    click.echo(f"{announced} lot(s) annoncé(s) aux abonnés.")
