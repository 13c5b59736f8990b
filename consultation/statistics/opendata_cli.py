"""`flask export opendata SLUG`: the open-data files of a consultation, written by script."""

from __future__ import annotations

from pathlib import Path

import click

from consultation.core import audit
from consultation.extensions import db
from consultation.statistics import opendata
from consultation.statistics.cli import export
from consultation.statistics.opendata import OpendataRefused

EXPORT_ACTION = "consultation.export_opendata"


@export.command("opendata")
@click.argument("slug")
@click.option("--format", "file_format", default="csv", show_default=True, help="csv ou json.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier à écrire (remplacé s’il existe).",
)
@click.option(
    "--schema",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Écrire aussi la description des colonnes (Table Schema, JSON) dans ce fichier.",
)
def opendata_command(slug: str, file_format: str, out: Path, schema: Path | None) -> None:
    """Écrire les contributions publiées de la consultation SLUG et leurs réponses publiées.

    Sous Licence Ouverte 2.0 : ni adresse ni identifiant de compte, un identifiant pseudonyme
    pour chaque auteur. Le fichier est écrit en entier ou pas du tout ; sort avec le code 1
    quand la consultation est inconnue ou n’a encore rien publié.
    """
    if file_format not in opendata.FORMATS:
        known = " ou ".join(sorted(opendata.FORMATS))
        raise click.ClickException(f"Format inconnu « {file_format} » : {known}.")
    try:
        consultation = opendata.public_consultation(slug)
    except OpendataRefused as refusal:
        raise click.ClickException(refusal.message) from None
    for path in (out, schema):
        if path is not None and not path.resolve().parent.is_dir():
            raise click.ClickException(f"Le dossier de « {path} » n’existe pas.")
    count = opendata.write_file(consultation, file_format, out)
    if schema is not None:
        opendata.write_atomically(schema, [opendata.schema_bytes(consultation)])
    after = {"format": file_format, "contributions": count}
    audit.record(EXPORT_ACTION, consultation, after=after)
    db.session.commit()
    click.echo(f"{count} contribution(s) publiée(s) écrite(s) dans {out} ({file_format}).")
    if schema is not None:
        click.echo(f"Description des colonnes écrite dans {schema}.")
