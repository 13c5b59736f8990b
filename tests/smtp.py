"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, collecting what `flask outbox send` sends.

The `smtp_server` fixture points the app's MAIL_SERVER and MAIL_PORT at it, and gives them back
afterwards. Tests read the links from the received messages and follow them like a person would.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


def free_port() -> int:
    """A port nothing listens on right now (also what a stopped SMTP server looks like)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    """The running server, as tests see it: the messages received and the links inside them."""

    def __init__(self, controller: Controller, handler: CollectingHandler) -> None:
        self.controller = controller
        self.handler = handler

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def last_to(self, address: str) -> EmailMessage:
        received = self.messages_to(address)
        assert received, f"no mail received for {address}"
        return received[-1]

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message: EmailMessage, containing: str) -> str:
        """The first link in the message whose address contains this text."""
        links = [link for link in LINK.findall(self.body(message)) if containing in link]
        assert links, f"no link containing {containing!r} in:\n{self.body(message)}"
        return links[0]

    def clear(self) -> None:
        self.handler.messages.clear()


@pytest.fixture(scope="session")
def smtp_controller() -> Iterator[tuple[Controller, CollectingHandler]]:
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def smtp_server(app, smtp_controller) -> Iterator[SmtpServer]:
    """The test SMTP server, empty, with the app sending to it for the length of the test."""
    controller, handler = smtp_controller
    server = SmtpServer(controller, handler)
    server.clear()
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_FROM": app.config.get("MAIL_FROM", "concertation@example.gouv.fr"),
    }
    saved = {key: app.config[key] for key in settings if key in app.config}
    app.config.update(settings)
    yield server
    for key in settings:
        app.config.pop(key, None)
    app.config.update(saved)
    server.clear()
