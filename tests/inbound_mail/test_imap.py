"""`flask mail fetch` on a real IMAP server (dovecot): each message taken once, none deleted."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from consultation.extensions import db
from consultation.inbound_mail import cli as mail_cli
from consultation.inbound_mail import imap
from consultation.inbound_mail.models import InboundMessage, MailboxCursor

#: The dovecot server, the committing application and make_mail, as fixtures.
pytest_plugins = ["tests.imap_server"]


@pytest.fixture
def mailbox_of(app, imap_server, monkeypatch):
    """A fresh user on the server, with the application set to fetch its mail."""

    def configure(security: str = "none", **overrides: object) -> str:
        user = imap_server.new_user()
        for key, value in imap_server.settings(user, security, **overrides).items():
            monkeypatch.setitem(app.config, key, value)
        return user

    return configure


def stored_subjects() -> list[str]:
    query = select(InboundMessage.subject).order_by(InboundMessage.id)
    return list(db.session.scalars(query))


def stored_count() -> int:
    return db.session.scalar(select(func.count(InboundMessage.id)))


def test_a_fetch_takes_every_new_message_flags_it_and_leaves_it_on_the_server(
    make_mail, cli, clock, imap_server, mailbox_of
):
    user = mailbox_of()
    for number in (1, 2, 3):
        imap_server.deliver(user, make_mail(number))

    result = cli.invoke(args=["mail", "fetch"])

    assert result.exit_code == 0, result.output
    assert "Messages lus : 3 ; nouveaux : 3" in result.output
    assert stored_subjects() == [f"Contribution numéro {n}" for n in (1, 2, 3)]
    on_server = imap_server.messages(user)
    assert len(on_server) == 3
    for _, flags in on_server:
        assert b"\\Seen" in flags
        assert b"$Concertation" in flags
    assert db.session.scalars(select(InboundMessage.source)).first() == (
        f"imap:{user}@127.0.0.1:{imap_server.imap_port}/INBOX"
    )


def test_a_second_fetch_takes_nothing_and_a_later_one_takes_only_what_arrived(
    make_mail, cli, clock, imap_server, mailbox_of
):
    user = mailbox_of()
    imap_server.deliver(user, make_mail(4))
    cli.invoke(args=["mail", "fetch"])

    again = cli.invoke(args=["mail", "fetch"])
    imap_server.deliver(user, make_mail(5))
    later = cli.invoke(args=["mail", "fetch"])

    assert "Messages lus : 0 ; nouveaux : 0" in again.output
    assert "Messages lus : 1 ; nouveaux : 1" in later.output
    assert stored_subjects() == ["Contribution numéro 4", "Contribution numéro 5"]
    cursor = db.session.scalars(select(MailboxCursor)).one()
    assert cursor.last_uid == 2


def test_taken_messages_can_be_moved_to_a_folder_instead_of_flagged(
    make_mail, cli, clock, imap_server, mailbox_of
):
    user = mailbox_of(IMAP_MOVE_TO="Relevés")
    imap_server.deliver(user, make_mail(6))

    result = cli.invoke(args=["mail", "fetch"])

    assert result.exit_code == 0, result.output
    assert imap_server.messages(user) == []
    assert len(imap_server.messages(user, '"Relev&AOk-s"')) == 1
    assert stored_count() == 1


def test_a_new_uidvalidity_starts_again_from_the_first_message_without_duplicates(
    make_mail, cli, clock, imap_server, mailbox_of
):
    user = mailbox_of(IMAP_FOLDER="Consultation")
    first, second = make_mail(7), make_mail(8)
    imap_server.deliver(user, first, "Consultation")
    cli.invoke(args=["mail", "fetch"])
    old_validity = db.session.scalars(select(MailboxCursor.uidvalidity)).one()
    connection = imap_server.connect(user)
    connection.delete("Consultation")  # the folder is rebuilt: its UIDs start again
    connection.logout()
    imap_server.deliver(user, first, "Consultation")
    imap_server.deliver(user, second, "Consultation")

    result = cli.invoke(args=["mail", "fetch"])

    assert "Messages lus : 2 ; nouveaux : 1 ; déjà connus : 1" in result.output
    assert stored_subjects() == ["Contribution numéro 7", "Contribution numéro 8"]
    cursor = db.session.scalars(select(MailboxCursor)).one()
    db.session.refresh(cursor)
    assert cursor.uidvalidity != old_validity
    assert cursor.last_uid == 2


def test_a_fetch_cut_short_then_run_again_takes_every_message_once(
    make_mail, cli, clock, imap_server, mailbox_of, monkeypatch
):
    user = mailbox_of()
    for number in range(10, 16):
        imap_server.deliver(user, make_mail(number))
    read = imap.Mailbox.read

    def read_then_fail_at_the_fourth(folder, uid):
        if uid == 4:
            raise OSError("connexion coupée")
        return read(folder, uid)

    monkeypatch.setattr(imap.Mailbox, "read", read_then_fail_at_the_fourth)
    cut_short = cli.invoke(args=["mail", "fetch"])
    monkeypatch.setattr(imap.Mailbox, "read", read)

    result = cli.invoke(args=["mail", "fetch"])

    assert cut_short.exit_code == 1
    assert "Relève interrompue" in cut_short.output
    assert "Messages lus : 3 ; nouveaux : 3" in result.output
    assert stored_subjects() == [f"Contribution numéro {n}" for n in range(10, 16)]


def test_a_fetch_dying_between_storing_and_flagging_loses_and_duplicates_nothing(
    make_mail, cli, clock, imap_server, mailbox_of, monkeypatch
):
    user = mailbox_of()
    for number in range(20, 24):
        imap_server.deliver(user, make_mail(number))

    mark_taken = imap.Mailbox.mark_taken

    def die(folder, uid):
        raise OSError("processus arrêté")

    monkeypatch.setattr(imap.Mailbox, "mark_taken", die)
    died = cli.invoke(args=["mail", "fetch"])
    monkeypatch.setattr(imap.Mailbox, "mark_taken", mark_taken)

    result = cli.invoke(args=["mail", "fetch"])

    assert died.exit_code == 1
    assert "Messages lus : 4 ; nouveaux : 3 ; déjà connus : 1" in result.output
    assert stored_count() == 4
    assert all(b"$Concertation" in flags for _, flags in imap_server.messages(user))


def test_two_fetches_at_the_same_time_store_every_message_once(make_mail, committing, imap_server):
    user = imap_server.new_user()
    for number in range(30, 50):
        imap_server.deliver(user, make_mail(number))
    settings = imap.ImapSettings(**_settings_arguments(imap_server.settings(user)))
    summaries, barrier = [], threading.Barrier(2)

    def fetch() -> None:
        with committing.app_context():
            barrier.wait()
            summaries.append(mail_cli.fetch_mailbox(settings))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert stored_count() == 20
    assert sum(summary.new_count for summary in summaries) == 20
    assert len(imap_server.messages(user)) == 20


def _settings_arguments(config: dict) -> dict:
    names = ("host", "port", "user", "password", "folder", "security", "done_flag", "move_to")
    return {name: config[f"IMAP_{name.upper()}"] for name in names}


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_the_mailbox_is_read_over_tls_or_starttls_with_a_verified_certificate(
    make_mail, cli, clock, imap_server, mailbox_of, monkeypatch, security
):
    user = mailbox_of(security)
    imap_server.deliver(user, make_mail(60))
    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.certificate))

    result = cli.invoke(args=["mail", "fetch"])

    assert result.exit_code == 0, result.output
    assert stored_count() == 1


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_server_whose_certificate_is_not_trusted_is_refused(
    make_mail, cli, clock, imap_server, mailbox_of, security
):
    user = mailbox_of(security)
    imap_server.deliver(user, make_mail(61))

    result = cli.invoke(args=["mail", "fetch"])

    assert result.exit_code == 1
    assert "Connexion impossible" in result.output
    assert "CERTIFICATE_VERIFY_FAILED" in result.output
    assert stored_count() == 0


def test_a_wrong_password_is_reported_in_french(cli, app, mailbox_of, monkeypatch):
    mailbox_of()
    monkeypatch.setitem(app.config, "IMAP_PASSWORD", "pas-le-bon")

    result = cli.invoke(args=["mail", "fetch"])

    assert result.exit_code == 1
    assert "Connexion impossible à 127.0.0.1" in result.output


def test_fetching_without_a_configured_mailbox_says_what_to_set(cli, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAP_HOST", "")

    result = cli.invoke(args=["mail", "fetch"])

    assert result.exit_code == 1
    assert "IMAP_HOST et IMAP_USER doivent être renseignés." in result.output
