"""`flask export workbook SLUG --out FILE`: the synthesis workbook of a consultation."""

from __future__ import annotations

import errno
from pathlib import Path

import click
from sqlalchemy import select

from consultation.core import audit
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics.cli import export
from consultation.statistics.workbook import write_workbook

#: Why a file cannot be written, in French (other errors keep the system's words).
OS_ERRORS = {
    errno.ENOENT: "le dossier n’existe pas",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c’est un dossier",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
}
#: A line on the terminal every this many contributions written.
PROGRESS_LINE_EVERY = 100_000


@export.command("workbook")
@click.argument("slug")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier .xlsx à écrire.",
)
def workbook_command(slug: str, out: Path) -> None:
    """Écrire le classeur de synthèse (chiffres clés, contributions, tableaux et graphiques)."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"Aucune consultation n’a l’identifiant « {slug} ».")
    try:
        row_count = write_workbook(consultation, out, _ProgressLines())
    except OSError as error:
        reason = OS_ERRORS.get(error.errno, error.strerror or str(error))
        raise click.ClickException(f"Impossible d’écrire le fichier {out} : {reason}.") from None
    audit.record(
        "consultation.export_workbook",
        consultation,
        after={"contributions": row_count, "file": out.name},
    )
    db.session.commit()
    click.echo(f"Classeur écrit : {out} ({row_count} contribution(s)).")


class _ProgressLines:
    """Tells the operator where a long export stands, on the error stream."""

    def __init__(self) -> None:
        self.next_line = PROGRESS_LINE_EVERY

    def __call__(self, done: int, total: int) -> None:
        if done >= self.next_line:
            click.echo(f"{done} / {total} contributions écrites…", err=True)
            self.next_line = done + PROGRESS_LINE_EVERY
