"""`flask mail ingest` reads .eml files, Maildir folders and mbox files, told apart by the path."""

from __future__ import annotations

import mailbox
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage

#: make_mail, a fixture.
pytest_plugins = ["tests.imap_server"]
#: 2026-03-01 08:00:00 UTC, as a Maildir file name starts with the delivery time.
DELIVERED = 1772352000


def stored() -> list[InboundMessage]:
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def make_maildir(folder: Path) -> Path:
    for name in ("cur", "new", "tmp"):
        (folder / name).mkdir(parents=True)
    return folder


def test_a_maildir_is_read_from_its_new_and_cur_folders_with_the_delivery_times(
    make_mail, cli, tmp_path, clock
):
    maildir = make_maildir(tmp_path / "Maildir")
    (maildir / "new" / f"{DELIVERED}.M1P1.serveur").write_bytes(make_mail(1))
    (maildir / "cur" / f"{DELIVERED + 60}.M2P1.serveur:2,S").write_bytes(make_mail(2))

    result = cli.invoke(args=["mail", "ingest", str(maildir)])

    assert result.exit_code == 0, result.output
    assert "Messages lus : 2 ; nouveaux : 2" in result.output
    messages = stored()
    assert [message.subject for message in messages] == [
        "Contribution numéro 1",
        "Contribution numéro 2",
    ]
    assert {message.source for message in messages} == {f"maildir:{maildir}"}
    assert messages[0].received_at == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_an_mbox_file_is_read_message_by_message_with_the_dates_of_its_from_lines(
    make_mail, cli, tmp_path, clock
):
    path = tmp_path / "export.mbox"
    box = mailbox.mbox(path)
    for number in (3, 4, 5):
        message = mailbox.mboxMessage(make_mail(number))
        message.set_from("jeanne.martin@example.org", time.gmtime(DELIVERED))
        box.add(message)
    box.close()

    result = cli.invoke(args=["mail", "ingest", str(path)])

    assert "Messages lus : 3 ; nouveaux : 3" in result.output
    messages = stored()
    assert [message.subject for message in messages] == [
        f"Contribution numéro {number}" for number in (3, 4, 5)
    ]
    assert messages[0].source == f"mbox:{path}"
    assert messages[0].received_at == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert not messages[0].raw.startswith(b"From ")


def test_eml_files_maildirs_and_mboxes_are_read_in_one_run(make_mail, cli, tmp_path, clock):
    eml = tmp_path / "un.eml"
    eml.write_bytes(make_mail(6))
    maildir = make_maildir(tmp_path / "Maildir")
    (maildir / "new" / f"{DELIVERED}.M7.serveur").write_bytes(make_mail(7))
    box = mailbox.mbox(tmp_path / "export.mbox")
    box.add(make_mail(8))
    box.close()

    result = cli.invoke(
        args=["mail", "ingest", str(eml), str(maildir), str(tmp_path / "export.mbox")]
    )

    assert "Messages lus : 3 ; nouveaux : 3" in result.output
    assert sorted(message.source.partition(":")[0] for message in stored()) == [
        "eml",
        "maildir",
        "mbox",
    ]


def test_an_unreadable_path_is_reported_and_the_others_are_still_read(
    make_mail, cli, tmp_path, clock
):
    missing = tmp_path / "absent.eml"
    not_a_maildir = tmp_path / "dossier"
    not_a_maildir.mkdir()
    eml = tmp_path / "lisible.eml"
    eml.write_bytes(make_mail(9))

    result = cli.invoke(args=["mail", "ingest", str(missing), str(not_a_maildir), str(eml)])

    assert result.exit_code == 1
    assert f"Illisible : {missing} : fichier ou dossier introuvable." in result.output
    assert "n’est pas un Maildir" in result.output
    assert "Messages lus : 1 ; nouveaux : 1" in result.output
    assert len(stored()) == 1


def test_the_command_asks_for_at_least_one_path(cli):
    result = cli.invoke(args=["mail", "ingest"])

    assert result.exit_code == 2
    assert "PATHS" in result.output
