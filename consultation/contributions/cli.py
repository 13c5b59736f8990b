"""`flask contributions …`: grouping near-duplicate contributions, for cron or an operator."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from consultation.contributions import similarity
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics import tally


@click.group(cls=AppGroup, help="Contributions reçues par les concertations.")
def contributions() -> None:
    pass


@contributions.command("group-similar")
@click.option(
    "--all",
    "from_scratch",
    is_flag=True,
    help="Tout recalculer : oublier les signatures et les groupes existants.",
)
def group_similar(from_scratch: bool) -> None:
    """Group near-duplicate contributions (form letters, campaigns, mail sent twice).

    By default only the contributions without a signature are signed and placed, so running it
    again does nothing; each chunk is committed at once, and a run cut short is simply run again.
    """
    total = run_grouping(from_scratch)
    click.echo(
        f"Contributions signées : {total.signed_count} ; placées dans un groupe : "
        f"{total.grouped_count} ; groupes fusionnés : {total.merged_count}."
    )


def run_grouping(from_scratch: bool = False) -> similarity.GroupingReport:
    """Sign and place the contributions not signed yet (all of them `from_scratch`), committing
    each chunk as it is done; the command and the bench run exactly this."""
    if from_scratch:
        similarity.reset()
        db.session.commit()
    total = similarity.GroupingReport()
    for report in similarity.group_new():
        db.session.commit()
        total.add(report)
    return total


@contributions.command("recount")
@click.argument("slug", required=False)
def recount(slug: str | None) -> None:
    """Rebuild the figures' tally (of one consultation, or all) from the contributions.

    For a bulk load that bypassed the application, or a repair; safe to run at any time.
    """
    consultation_id = None
    if slug is not None:
        query = select(Consultation.id).where(Consultation.slug == slug)
        consultation_id = db.session.scalar(query)
        if consultation_id is None:
            raise click.ClickException(f"Aucune concertation ne porte l’identifiant « {slug} ».")
    started = time.perf_counter()
    counted = tally.rebuild(consultation_id)
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Contributions recomptées : {counted} en {elapsed:.1f} s.")
