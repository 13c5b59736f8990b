"""`flask stats SLUG`: the key figures of a consultation and its contributions per chapter."""

from __future__ import annotations

import click
from sqlalchemy import select

from consultation.core.dates import format_date
from consultation.extensions import db
from consultation.publication.models import Consultation
from consultation.statistics import figures
from consultation.statistics.figures import KeyFigures, Scope

CHAPTER_HEADERS = ("Chapitre", "En ligne", "Courriel", "Total")


def number(value: int) -> str:
    """12 345, with the narrow no-break space French puts between thousands."""
    return f"{value:,}".replace(",", "\u202f")


def percent(share: float) -> str:
    return f"{share * 100:.1f}".replace(".", ",") + " %"


@click.command("stats")
@click.argument("slug")
@click.option(
    "--public",
    is_flag=True,
    help="Seulement les contributions et réponses publiées, comme la page publique.",
)
def stats(slug: str, public: bool) -> None:
    """Print the key figures of a consultation and its contributions per chapter."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"Aucune concertation ne porte l’identifiant « {slug} ».")
    scope = Scope(consultation, public=public)
    click.echo(f"{consultation.title} ({consultation.slug})")
    opens, closes = format_date(consultation.opens_at), format_date(consultation.closes_at)
    click.echo(f"Du {opens} au {closes}")
    click.echo("")
    for line in key_lines(figures.key_figures(scope), public):
        click.echo(line)
    click.echo("")
    click.echo("Contributions par chapitre")
    for line in chapter_table(figures.by_chapter(scope)):
        click.echo(line)


def key_lines(key: KeyFigures, public: bool) -> list[str]:
    contributions = f"Contributions : {number(key.contributions)}"
    if not public:
        contributions += (
            f" (publiées {number(key.published)}, en attente {number(key.pending)}, "
            f"refusées {number(key.rejected)}, masquées {number(key.hidden)})"
        )
    return [
        f"Visiteurs uniques : {number(key.visitors)}",
        f"Comptes créés : {number(key.accounts)}"
        f" (dont {number(key.accounts_news)} abonnés aux actualités)",
        f"Contributeurs : {number(key.contributors)}",
        contributions,
        f"En ligne : {number(key.web)} ; par courriel : {number(key.email)}",
        f"Contributions ayant une réponse publiée : {number(key.answered)}"
        f" ({percent(key.answered_share)})",
        f"Groupes de contributions quasi identiques : {number(key.duplicate_groups)}",
    ]


def chapter_table(rows: list[figures.ChannelSplit]) -> list[str]:
    """A plain text table, figures aligned on the right, a total line at the bottom."""
    body = [(row.label, row.web, row.email, row.total) for row in rows]
    web, email = sum(row.web for row in rows), sum(row.email for row in rows)
    body.append(("Total", web, email, web + email))
    cells = [CHAPTER_HEADERS, *[(label, *map(number, counts)) for label, *counts in body]]
    widths = [max(len(row[index]) for row in cells) for index in range(4)]
    lines = []
    for row in cells:
        label = row[0].ljust(widths[0])
        figures_ = (value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True))
        lines.append("  ".join((label, *figures_)).rstrip())
    return lines
