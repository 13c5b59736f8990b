"""`flask demo load`: a demo consultation and demo accounts."""

import click


@click.group(help="Données de démonstration.")
def demo() -> None:
    pass
