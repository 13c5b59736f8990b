"""`flask audience purge`: the raw visitor rows go after 25 months, the daily counts stay."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from consultation.extensions import db
from consultation.statistics import audience as services

audience = AppGroup("audience", help="Mesure de fréquentation des concertations.")


@audience.command("purge")
def purge() -> None:
    """Delete the visitors and visits older than AUDIENCE_RAW_RETENTION_DAYS (25 months).

    Idempotent: a second run the same day deletes nothing more.
    """
    cutoff = services.retention_cutoff()
    visitor_count, visit_count = services.purge_raw(cutoff)
    db.session.commit()
    click.echo(
        f"{visitor_count} visiteur(s) et {visit_count} visite(s) antérieurs au "
        f"{cutoff:%d/%m/%Y} supprimés ; les totaux par jour sont conservés."
    )
