"""`flask demo load`: a demo consultation and demo accounts."""

from __future__ import annotations

import click
import pyotp
from flask import current_app

from consultation.accounts.mfa import secret_groups
from consultation.core.clock import now
from consultation.core.dates import format_date
from consultation.demo.contributions import CONTRIBUTOR_PASSWORD, EXAMPLE_CONTRIBUTOR
from consultation.demo.loader import DEMO_ACCOUNTS, DemoReport, load_demo
from consultation.extensions import db
from consultation.publication.package import PackageRefused


@click.group(help="Données de démonstration.")
def demo() -> None:
    pass


@demo.command("load")
@click.option(
    "--force",
    is_flag=True,
    help="Charger même en production (déconseillé : les mots de passe de démonstration sont "
    "publics).",
)
def load(force: bool) -> None:
    """Charger (ou recharger) la consultation et les comptes de démonstration."""
    # A missing setting counts as production: demo passwords must never reach a real site.
    if current_app.config.get("ENV_NAME", "production") == "production" and not force:
        raise click.ClickException(
            "Refusé : l’application tourne en production et les comptes de démonstration ont des "
            "mots de passe publics. Pour un poste de développement, définissez "
            "CONCERTATION_ENV=development ; pour charger malgré tout, ajoutez --force."
        )
    try:
        report = load_demo()
    except PackageRefused as refusal:
        db.session.rollback()
        raise click.ClickException(
            "Le paquet de démonstration est refusé :\n- " + "\n- ".join(refusal.problems)
        ) from None
    db.session.commit()
    _print_summary(report)
    _print_accounts(report)


def _print_summary(report: DemoReport) -> None:
    spec, imported = report.spec, report.imported
    chapter_count = sum(len(batch.chapters) for batch in spec.batches)
    lines = [
        f"Consultation de démonstration « {spec.title} » chargée :",
        f"  adresse : /consultations/{spec.slug}",
        f"  ouverte du {format_date(spec.opens_at)} au {format_date(spec.closes_at)}, "
        f"{len(spec.batches)} lots, {chapter_count} chapitres",
    ]
    lines += [
        f"  lot {batch.number} « {batch.title} » : publication le "
        f"{format_date(batch.publish_at, with_time=True)}"
        for batch in spec.batches
    ]
    created, updated, unchanged = map(len, (imported.created, imported.updated, imported.unchanged))
    lines.append(
        f"  consultation, lots et chapitres : {created} créés, {updated} modifiés, "
        f"{unchanged} inchangés"
    )
    contributions = report.contributions
    lines.append(
        f"  {contributions.contributor_count} comptes contributeurs, "
        f"{contributions.created_count} contributions ajoutées dont "
        f"{contributions.pending_count} en attente de modération"
    )
    lines += _activity_lines(report)
    if report.was_rescheduled:
        lines.append("  La démonstration chargée un autre jour a été remplacée par celle du jour.")
    click.echo("\n".join(lines))


def _activity_lines(report: DemoReport) -> list[str]:
    activity = report.activity
    if activity is None:
        return ["  Activité de démonstration (foule, courriels, réponses, visites) : déjà chargée."]
    mail, follow_up = activity.mail, activity.follow_up
    return [
        f"  {activity.account_count} comptes de participants, {activity.contribution_count} "
        "contributions en ligne de plus",
        f"  {mail.received_count} courriels reçus : {mail.published_count} contributions publiées, "
        f"{mail.refused_count} refusés, {mail.waiting_count} à trier",
        f"  {follow_up.answer_count} réponses publiées, {follow_up.draft_count} brouillons, "
        f"{follow_up.theme_count} thèmes, {follow_up.group_count} groupe(s) de contributions "
        f"quasi identiques ({follow_up.grouped_count} contributions)",
        f"  {activity.visitor_count} visiteurs uniques depuis l’ouverture",
    ]


def _print_accounts(report: DemoReport) -> None:
    rows = [("Rôle", "Adresse électronique", "Mot de passe")]
    rows += [(account.role.label, account.email, account.password) for account in report.accounts]
    rows.append(("Contributeur", EXAMPLE_CONTRIBUTOR, CONTRIBUTOR_PASSWORD))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    click.echo(
        "\nComptes de démonstration (mots de passe publics, à ne jamais utiliser en production) :"
    )
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo(("  " + "  ".join(cells)).rstrip())
    _print_second_factors(report)


def _print_second_factors(report: DemoReport) -> None:
    """Staff confirm sign-in with a code, in the demo as on a real site: how to get one."""
    click.echo(
        "\nSecond facteur des comptes du personnel : après le mot de passe, le site demande un"
        "\ncode à 6 chiffres. Ajoutez leur clé (publique elle aussi) à une application"
        "\nd’authentification (FreeOTP, Aegis…), ou affichez les codes du moment avec"
        "\n« flask demo codes » :"
    )
    for account in report.accounts:
        click.echo(f"  {account.email} : clé {' '.join(secret_groups(account.totp_secret))}")


@demo.command("codes")
def codes() -> None:
    """Afficher les codes du second facteur des comptes de démonstration, valables 30 secondes."""
    seconds_left = 30 - int(now().timestamp()) % 30
    click.echo(f"Codes du moment, renouvelés dans {seconds_left} secondes :")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email} : {pyotp.TOTP(account.totp_secret).at(now())}")
