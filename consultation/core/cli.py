"""`flask outbox …`: sending the queued mail, for cron or a worker."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from consultation.core import outbox
from consultation.extensions import db

BATCH_SIZE = 20


@click.group(cls=AppGroup, help="File d’attente des courriels.")
def outbox_group() -> None:
    pass


@outbox_group.command("send")
@click.option("--limit", default=500, show_default=True, help="Nombre maximal de courriels.")
def send(limit: int) -> None:
    """Send the due mail; failures are retried later, up to five times.

    Each small batch is committed at once, so a crash resends at most one batch.
    """
    sent_count = failed_count = 0
    while sent_count + failed_count < limit:
        report = outbox.send_due(min(BATCH_SIZE, limit - sent_count - failed_count))
        db.session.commit()
        sent_count, failed_count = (
            sent_count + report.sent_count,
            failed_count + report.failed_count,
        )
        if report.sent_count + report.failed_count == 0 or report.sent_count == 0:
            break
    click.echo(f"{sent_count} courriel(s) envoyé(s), {failed_count} en échec (nouvel essai prévu).")
