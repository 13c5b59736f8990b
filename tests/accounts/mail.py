"""What account tests share: a filled-in registration form, and reading links from the mail."""

from __future__ import annotations

from consultation.core.outbox import OutboxMessage
from consultation.extensions import db

SITE = "http://concertation.test"
STRONG_PASSWORD = "cheval agrafe pile correcte"


def registration_form(**overrides: object) -> dict[str, object]:
    """A registration that is accepted as it is: a citizen, without organisation."""
    data = {
        "email": "nouvelle@exemple.fr",
        "password": STRONG_PASSWORD,
        "password_confirmation": STRONG_PASSWORD,
        "display_name": "Camille Durand",
        "profile": "citoyen",
        "organisation": "",
        "hatvp_number": "",
        "accept_charter": "y",
        "accept_privacy_notice": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def deliver(cli) -> str:
    """Run `flask outbox send` as an operator or cron would; returns what it printed."""
    result = cli.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def link_in_mail(cli, smtp_server, address: str, containing: str) -> str:
    """Deliver the outbox, then the path of the link (containing this text) mailed to address."""
    deliver(cli)
    link = smtp_server.link(smtp_server.last_to(address), containing)
    assert link.startswith(SITE)
    return link.removeprefix(SITE)


def queued_count() -> int:
    return db.session.query(OutboxMessage).count()
