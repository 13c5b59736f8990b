"""`flask consultations …`: consultation packages imported by script."""

import click


@click.group(help="Consultations : import de paquets.")
def consultations() -> None:
    pass
