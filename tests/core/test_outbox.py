"""`flask outbox send` delivers each queued mail once, and loses nothing while SMTP is down."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consultation.core.outbox import RETRY_DELAYS, OutboxMessage, OutboxStatus
from consultation.extensions import db
from tests.smtp import free_port


@pytest.fixture
def queued(client, make_user, clock):
    """One mail in the outbox: the reset link asked for by the owner of an account."""
    make_user(email="claire@exemple.fr")
    client.post("/compte/mot-de-passe-oublie", data={"email": "claire@exemple.fr"})
    return db.session.scalar(select(OutboxMessage))


@pytest.fixture
def smtp_down(app, smtp_server):
    """Point the app at a port where nothing listens; `up()` points it back at the server."""

    class Switch:
        def down(self) -> None:
            app.config["MAIL_PORT"] = free_port()

        def up(self) -> None:
            app.config["MAIL_PORT"] = smtp_server.port

    switch = Switch()
    switch.down()
    return switch


def send(cli) -> str:
    result = cli.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_queued_mail_is_delivered_once_even_when_the_command_runs_twice(cli, queued, smtp_server):
    first = send(cli)
    second = send(cli)

    assert "1 courriel(s) envoyé(s), 0 en échec" in first
    assert "0 courriel(s) envoyé(s), 0 en échec" in second
    assert [message["To"] for message in smtp_server.messages] == ["claire@exemple.fr"]
    assert smtp_server.messages[0]["Subject"] == queued.subject
    assert (queued.status, queued.attempt_count) == (OutboxStatus.SENT, 1)


def test_while_smtp_is_down_the_mail_waits_and_is_sent_once_it_is_back(
    cli, queued, smtp_server, smtp_down, clock
):
    failed = send(cli)
    too_early = send(cli)
    smtp_down.up()
    clock.advance(seconds=RETRY_DELAYS[0].total_seconds())
    later = send(cli)

    assert "0 courriel(s) envoyé(s), 1 en échec" in failed
    assert "0 courriel(s) envoyé(s), 0 en échec" in too_early
    assert "1 courriel(s) envoyé(s)" in later
    assert len(smtp_server.messages) == 1
    assert (queued.status, queued.attempt_count) == (OutboxStatus.SENT, 2)


def test_a_failed_attempt_is_counted_with_its_error_and_the_mail_kept(
    cli, queued, smtp_down, clock
):
    send(cli)

    assert queued.status == OutboxStatus.PENDING
    assert queued.attempt_count == 1
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at == clock.now() + RETRY_DELAYS[0]


def test_after_every_retry_has_failed_the_mail_is_marked_failed_and_left_alone(
    cli, queued, smtp_server, smtp_down, clock
):
    for delay in RETRY_DELAYS:
        send(cli)
        clock.advance(seconds=delay.total_seconds())
    send(cli)
    smtp_down.up()
    clock.advance(days=2)
    after = send(cli)

    assert queued.status == OutboxStatus.FAILED
    assert queued.attempt_count == len(RETRY_DELAYS) + 1
    assert "0 courriel(s) envoyé(s), 0 en échec" in after
    assert smtp_server.messages == []
