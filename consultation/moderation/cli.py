"""`flask answers …`: official answers imported from a workbook by script."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from consultation.extensions import db
from consultation.moderation import answer_import
from consultation.moderation.answer_import import ImportPlan, WorkbookRefused
from consultation.moderation.answers import AnswerRefused


@click.group(cls=AppGroup, help="Réponses officielles aux contributions.")
def answers() -> None:
    pass


@answers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publier les réponses dont « Publier » est vide.")
@click.option("--replace", is_flag=True, help="Remplacer les réponses déjà publiées.")
@click.option("--dry-run", is_flag=True, help="Vérifier le classeur sans rien écrire.")
def import_command(file: Path, publish: bool, replace: bool, dry_run: bool) -> None:
    """Importer les réponses du classeur FILE (.xlsx) ; rien n’est écrit si une ligne est refusée.

    Colonnes lues : « Référence », « Disposition », « Réponse » et, facultative, « Publier ».
    Sort avec le code 1 quand le classeur est refusé.
    """
    plan = _checked(file, publish, replace)
    if dry_run:
        click.echo(
            f"Simulation (--dry-run) : classeur valide, rien n’a été écrit. {_summary(plan)}"
        )
        return
    try:
        answer_import.apply(plan, None, file.name)
    except AnswerRefused as refusal:
        db.session.rollback()
        click.echo(refusal.message, err=True)
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    click.echo(f"Classeur importé. {_summary(plan)}")


def _checked(file: Path, publish: bool, replace: bool) -> ImportPlan:
    """The plan of a valid workbook; otherwise the report is printed and the command exits 1."""
    try:
        if file.stat().st_size > answer_import.MAX_FILE_BYTES:
            raise WorkbookRefused(answer_import.TOO_BIG)
        rows = answer_import.read_rows(file.read_bytes())
    except WorkbookRefused as refusal:
        click.echo(f"Classeur refusé, rien n’a été écrit : {refusal.message}", err=True)
        raise click.exceptions.Exit(1) from None
    plan = answer_import.check(rows, publish=publish, replace=replace)
    if not plan.is_valid:
        _echo_problems(plan)
        raise click.exceptions.Exit(1)
    return plan


def _echo_problems(plan: ImportPlan) -> None:
    rows = len({problem.row_number for problem in plan.problems})
    click.echo(
        f"Classeur refusé, rien n’a été écrit : {rows} ligne{'s' * (rows > 1)} "
        f"refusée{'s' * (rows > 1)} sur {plan.row_count}.",
        err=True,
    )
    for problem in plan.problems:
        click.echo(
            f"  Ligne {problem.row_number} ({problem.reference or 'sans référence'}) : "
            f"{problem.message}",
            err=True,
        )


def _summary(plan: ImportPlan) -> str:
    return (
        f"{plan.row_count} ligne(s) : {len(plan.publications)} réponse(s) publiée(s), "
        f"{len(plan.drafts)} brouillon(s)."
    )
