"""`flask users …`: accounts an operator creates by script (staff, first admin)."""

from __future__ import annotations

import sys

import click

from consultation.accounts import mfa, services
from consultation.core import audit
from consultation.core.roles import Role
from consultation.extensions import db


@click.group(help="Comptes utilisateurs.")
def users() -> None:
    pass


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default="contributor",
    show_default=True,
    help="Rôle du compte.",
)
@click.option("--name", "display_name", default=None, help="Nom affiché.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Lire le mot de passe sur l’entrée standard au lieu d’en générer un.",
)
def create(email: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create an account; the password is read from stdin or generated and printed once."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else services.generate_password()
    if password_stdin and len(password) < 12:
        raise click.ClickException("Le mot de passe doit faire au moins 12 caractères.")
    try:
        user = services.create_user(email, password, Role(role), display_name)
    except services.AccountRefused as refusal:
        raise click.ClickException(refusal.message) from None
    audit.record("user.create", user, after=audit.snapshot(user, "email", "role", "display_name"))
    db.session.commit()
    click.echo(f"Compte créé : {user.email} ({Role(role).label}).")
    if not password_stdin:
        click.echo(f"Mot de passe (affiché une seule fois) : {password}")


@users.command("reset-mfa")
@click.argument("email")
def reset_mfa(email: str) -> None:
    """Forget a staff member's second factor (lost phone and codes); their sessions end."""
    user = services.find_by_email(email)
    if user is None or not user.is_staff:
        raise click.ClickException(f"Aucun compte de l’équipe pour l’adresse {email}.")
    mfa.reset_second_factor(user)
    db.session.commit()
    click.echo(
        f"Second facteur de {user.email} réinitialisé, sessions fermées : une nouvelle "
        "application lui sera demandée à sa prochaine connexion."
    )
