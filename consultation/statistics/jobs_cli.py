"""`flask export run-pending` and `flask export purge`: the export jobs, for cron or by hand.

The consumer started beside the web server runs both already; these commands let cron do it
when no consumer runs, and catch up on jobs whose message was lost.
"""

from __future__ import annotations

import click

from consultation.statistics import jobs
from consultation.statistics.cli import export


@export.command("run-pending")
def run_pending() -> None:
    """Générer les classeurs demandés et pas encore faits (et ceux d’une génération interrompue)."""
    count = jobs.run_pending()
    click.echo(f"{count} classeur(s) généré(s).")


@export.command("purge")
def purge() -> None:
    """Supprimer les classeurs dont la durée de conservation (EXPORT_RETENTION_HOURS) est passée."""
    count = jobs.purge()
    click.echo(f"{count} classeur(s) supprimé(s).")
