"""`flask consultations …`: consultation packages imported by script."""

from __future__ import annotations

from pathlib import Path

import click

from consultation.extensions import db
from consultation.publication.package import (
    ImportReport,
    PackageRefused,
    import_package,
    read_package,
)


@click.group(help="Consultations : import de paquets.")
def consultations() -> None:
    pass


@consultations.command("import")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Vérifier le paquet et dire ce qui changerait, sans rien écrire.",
)
def import_command(directory: Path, dry_run: bool) -> None:
    """Importer (ou mettre à jour) une consultation depuis le dossier DIRECTORY."""
    # A savepoint of our own for a dry run: with SQLite's driver, releasing the outermost
    # savepoint would already commit.
    trial = db.session.begin_nested() if dry_run else None
    try:
        report = import_package(read_package(directory))
    except PackageRefused as refusal:
        db.session.rollback()
        _echo_refusal(refusal)
        raise click.exceptions.Exit(1) from None
    if trial is not None:
        trial.rollback()
        db.session.rollback()
        click.echo("Simulation (--dry-run) : le paquet est valide, rien n’a été écrit.")
    else:
        db.session.commit()
        click.echo(f"Consultation « {report.slug} » importée.")
    _echo_report(report)


def _echo_refusal(refusal: PackageRefused) -> None:
    count = len(refusal.problems)
    click.echo(
        f"Paquet refusé, rien n’a été écrit ({count} problème{'s' * (count > 1)}) :", err=True
    )
    for problem in refusal.problems:
        click.echo(f"  - {problem}", err=True)


def _echo_report(report: ImportReport) -> None:
    groups = (
        ("Créé", report.created),
        ("Mis à jour", report.updated),
        ("Supprimé", report.removed),
        ("Inchangé", report.unchanged),
    )
    for verb, labels in groups:
        for label in labels:
            click.echo(f"  {verb} : {label}")
    click.echo(
        f"Bilan : {len(report.created)} créé(s), {len(report.updated)} mis à jour, "
        f"{len(report.removed)} supprimé(s), {len(report.unchanged)} inchangé(s)."
    )
