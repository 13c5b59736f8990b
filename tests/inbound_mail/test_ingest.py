"""Taking mail in with `flask mail ingest`: kept whole, parsed, assigned, acknowledged once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from bench import dataset
from bench import ingest as bench_ingest
from consultation import ROOT
from consultation.contributions import storage
from consultation.contributions.models import Attachment
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.inbound_mail import ingest
from consultation.inbound_mail.models import InboundMessage, MessageState

#: The committing application and make_mail, as fixtures.
pytest_plugins = ["tests.imap_server"]

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def write_mail(folder: Path, raw: bytes, name: str = "courriel.eml") -> Path:
    path = folder / name
    path.write_bytes(raw)
    return path


def acknowledgements() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "mail_acknowledgement")
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def only_message() -> InboundMessage:
    return db.session.scalars(select(InboundMessage)).one()


def test_a_mail_file_is_kept_whole_parsed_and_given_to_the_open_consultation(
    make_mail, cli, tmp_path, make_consultation
):
    consultation = make_consultation()
    raw = make_mail(1)

    result = cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, raw))])

    assert result.exit_code == 0, result.output
    assert "Messages lus : 1 ; nouveaux : 1 ; déjà connus : 0" in result.output
    message = only_message()
    assert message.raw == raw
    assert message.raw_sha256 == storage.sha256_of(raw)
    assert message.source == f"eml:{tmp_path / 'courriel.eml'}"
    assert message.state == MessageState.NEW
    assert message.parsed_at is not None
    assert message.sender_address == "jeanne.martin@example.org"
    assert message.subject == "Contribution numéro 1"
    assert "Voici ma contribution numéro 1." in message.body_text
    assert message.consultation == consultation
    assert message.is_out_of_period is False


def test_a_mail_received_after_the_closing_is_kept_and_flagged_out_of_period(
    make_mail, cli, tmp_path, make_consultation
):
    closed = make_consultation(opens_in=timedelta(days=-60), closes_in=timedelta(days=-2))

    result = cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(2)))])

    assert result.exit_code == 0, result.output
    message = only_message()
    assert message.consultation == closed
    assert message.is_out_of_period is True
    assert message.state == MessageState.NEW


def test_a_mail_received_before_any_consultation_opened_is_kept_without_one(
    make_mail, cli, tmp_path, make_consultation
):
    make_consultation(opens_in=timedelta(days=3), closes_in=timedelta(days=30))

    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(3)))])

    message = only_message()
    assert message.consultation is None
    assert message.is_out_of_period is False


def test_a_mail_from_a_malformed_sender_is_quarantined_with_the_reason_and_not_answered(
    make_mail, cli, tmp_path, clock
):
    raw = make_mail(4, From="Jeanne <jeanne@@example..org")

    result = cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, raw))])

    assert "mis en quarantaine : 1" in result.output
    message = only_message()
    assert message.state == MessageState.QUARANTINED
    assert "Expéditeur" in message.state_comment or "Adresse" in message.state_comment
    assert message.acknowledgement_skipped == "Message en quarantaine."
    assert acknowledgements() == []


def test_attached_files_are_stored_private_and_refused_ones_are_noted_for_moderators(
    app, cli, tmp_path, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "Jeanne <jeanne@example.org>", "Avis avec pièces jointes"
    mail.set_content("Voici notre avis, en pièce jointe.")
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="avis.pdf")
    mail.add_attachment(b"MZ\x90\x00binaire", maintype="application", subtype="octet-stream",
                        filename="outil.exe")  # fmt: skip

    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, bytes(mail)))])

    message = only_message()
    files = db.session.scalars(select(Attachment)).all()
    assert [(file.filename, file.size, file.is_public) for file in files] == [
        ("avis.pdf", len(PDF), False)
    ]
    assert files[0].inbound_message_id == message.id
    assert files[0].contribution_id is None
    assert files[0].sha256 == storage.sha256_of(PDF)
    assert storage.path_for(files[0].storage_key).read_bytes() == PDF
    assert any("outil.exe" in defect for defect in message.defects)


def test_the_sender_gets_one_acknowledgement_with_the_personal_data_link(
    make_mail, cli, tmp_path, clock
):
    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(5)))])

    [reply] = acknowledgements()
    assert reply.to_address == "jeanne.martin@example.org"
    assert reply.subject == "Nous avons bien reçu votre courriel"
    assert "http://concertation.test/donnees-personnelles" in reply.body_text
    assert only_message().acknowledged_at == clock.now()


def test_a_sender_answered_less_than_a_day_ago_gets_no_second_acknowledgement(
    make_mail, cli, tmp_path, clock
):
    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(6), "a.eml"))])
    clock.advance(hours=23)
    second = make_mail(7, From="JEANNE.MARTIN@example.org")

    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, second, "b.eml"))])

    assert len(acknowledgements()) == 1
    later = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert later.acknowledged_at is None
    assert "moins de 24 heures" in later.acknowledgement_skipped


def test_a_sender_writing_again_the_next_day_gets_a_new_acknowledgement(
    make_mail, cli, tmp_path, clock
):
    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(8), "a.eml"))])
    clock.advance(hours=25)

    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(9), "b.eml"))])

    assert len(acknowledgements()) == 2


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Réponse automatique"),
        ({"List_Id": "<avis.liste.example.org>"}, "liste de diffusion"),
        ({"From": "MAILER-DAEMON <mailer-daemon@example.org>"}, "non-remise"),
        ({"From": "Concertation <concertation@example.gouv.fr>"}, "notre propre adresse"),
    ],
)
def test_automatic_mail_lists_bounces_and_our_own_mail_are_never_acknowledged(
    make_mail, app, cli, tmp_path, clock, monkeypatch, headers, reason
):
    monkeypatch.setitem(app.config, "CONSULTATION_ADDRESS", "concertation@example.gouv.fr")

    cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(10, **headers)))])

    assert acknowledgements() == []
    assert reason in only_message().acknowledgement_skipped


def test_ingesting_the_same_files_again_stores_nothing_new(make_mail, cli, tmp_path, clock):
    paths = [str(write_mail(tmp_path, make_mail(n), f"{n}.eml")) for n in (11, 12)]
    cli.invoke(args=["mail", "ingest", *paths])

    result = cli.invoke(args=["mail", "ingest", *paths])

    assert "Messages lus : 2 ; nouveaux : 0 ; déjà connus : 2" in result.output
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 2
    assert len(acknowledgements()) == 1


def test_a_message_without_message_id_is_known_again_by_the_hash_of_its_bytes(
    make_mail, cli, tmp_path, clock
):
    raw = make_mail(13, Message_ID="")
    path = str(write_mail(tmp_path, raw))
    cli.invoke(args=["mail", "ingest", path])

    result = cli.invoke(args=["mail", "ingest", path])

    assert "déjà connus : 1" in result.output
    assert only_message().message_key == "sha256:" + storage.sha256_of(raw)


def test_a_message_stored_but_not_parsed_before_a_crash_is_processed_by_the_next_run(
    make_mail, cli, tmp_path, clock
):
    ingest.store(make_mail(14), "eml:/avant/la/panne.eml")
    db.session.commit()  # the process died here, before parsing

    result = cli.invoke(args=["mail", "ingest", str(write_mail(tmp_path, make_mail(15)))])

    assert "analysés maintenant : 1" in result.output
    messages = db.session.scalars(select(InboundMessage)).all()
    assert len(messages) == 2
    assert all(message.parsed_at is not None for message in messages)


def test_processing_a_message_a_second_time_does_nothing(make_mail, database, clock):
    message = ingest.store(make_mail(16), "eml:/une/fois.eml")
    assert ingest.process(message) is True

    assert ingest.process(message) is False

    assert len(acknowledgements()) == 1


def test_two_stores_of_the_same_bytes_at_the_same_moment_keep_one_message(
    make_mail, committing, clock
):
    raw, results, barrier = make_mail(17), [], threading.Barrier(2)

    def store_in_own_connection() -> None:
        with committing.app_context():
            barrier.wait()
            results.append(ingest.store(raw, "eml:/course.eml") is not None)
            db.session.commit()

    threads = [threading.Thread(target=store_in_own_connection) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 1


def test_two_ingests_of_one_maildir_from_two_processes_store_every_message_once(
    make_mail, committing, tmp_path
):
    maildir = tmp_path / "Maildir"
    for folder in ("cur", "new", "tmp"):
        (maildir / folder).mkdir(parents=True)
    for number in range(30):
        (maildir / "new" / f"17725{number:05d}.M{number}.test").write_bytes(make_mail(number))
    environment = {
        **os.environ,
        "CONCERTATION_ENV": "development",
        "FLASK_APP": "wsgi",
        "DATABASE_URL": committing.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_DIR": str(tmp_path / "storage"),
    }
    command = [sys.executable, "-m", "flask", "mail", "ingest", str(maildir)]

    processes = [
        subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 30
    assert db.session.scalar(select(func.count()).where(InboundMessage.parsed_at.is_(None))) == 0
    assert len(acknowledgements()) == 1


def test_the_ingestion_bench_takes_in_every_mail_of_its_maildir_once(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    with dataset.bench_app(database_url).app_context():
        upgrade()
        db.engine.dispose()
    maildir = bench_ingest.build_maildir(tmp_path / "Maildir", count=40)

    done = bench_ingest.measure(database_url, maildir, tmp_path / "storage")

    assert (done.messages, done.stored, done.quarantined) == (40, 40, 0)
    assert done.messages_per_second > 0
    assert done.p50_ms <= done.p99_ms
    assert done.peak_rss_mib > 0
