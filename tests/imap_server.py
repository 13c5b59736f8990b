"""A private dovecot IMAP server on 127.0.0.1 for the tests, and what mail tests share with it.

Debian's dovecot (`dovecot-imapd`) runs in the foreground from a temporary folder, with its own
configuration: any user name logs in with PASSWORD and gets a fresh Maildir, so each test takes
a user of its own. One port speaks plain IMAP and offers STARTTLS, the other is IMAP over TLS;
the certificate is self-signed for 127.0.0.1 and trusted by the tests through SSL_CERT_FILE.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from sqlalchemy import delete

from consultation.contributions.models import Attachment
from consultation.core.clock import now
from consultation.core.outbox import OutboxMessage
from consultation.extensions import db
from consultation.inbound_mail.models import InboundMessage, MailboxCursor

PASSWORD = "mot-de-passe-de-test"
_users = itertools.count(1)

CONFIGURATION = """\
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{folder}/server.crt
ssl_key = <{folder}/server.key
mail_location = maildir:{folder}/mail/%u/Maildir
mail_uid = nobody
mail_gid = nogroup
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = home={folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass(frozen=True)
class ImapServer:
    imap_port: int
    imaps_port: int
    certificate: Path

    def new_user(self) -> str:
        """A user nobody used yet: an empty mailbox."""
        return f"test{next(_users)}-{os.getpid()}"

    def settings(self, user: str, security: str = "none", **overrides: object) -> dict:
        """The application settings to fetch this user's mail."""
        port = self.imaps_port if security == "tls" else self.imap_port
        settings = {
            "IMAP_HOST": "127.0.0.1",
            "IMAP_PORT": port,
            "IMAP_USER": user,
            "IMAP_PASSWORD": PASSWORD,
            "IMAP_FOLDER": "INBOX",
            "IMAP_SECURITY": security,
            "IMAP_DONE_FLAG": "$Concertation",
            "IMAP_MOVE_TO": "",
        }
        settings.update(overrides)
        return settings

    def connect(self, user: str) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        connection.login(user, PASSWORD)
        return connection

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the user's folder, as the mail server would (IMAP APPEND)."""
        connection = self.connect(user)
        try:
            connection.create(folder)  # "NO" when it exists
            status, data = connection.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            connection.logout()

    def messages(self, user: str, folder: str = "INBOX") -> list[tuple[int, bytes]]:
        """(UID, flags) of every message in the folder, read without changing anything."""
        connection = self.connect(user)
        try:
            connection.select(folder, readonly=True)
            _, data = connection.uid("FETCH", "1:*", "(UID FLAGS)")
            return [_uid_and_flags(line) for line in data if line]
        finally:
            connection.logout()


def _uid_and_flags(line: bytes) -> tuple[int, bytes]:
    text = line.decode()
    uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
    flags = text.split("FLAGS (", 1)[1].split(")", 1)[0]
    return uid, flags.encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _self_signed_certificate(folder: Path) -> Path:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(folder / "server.key"), "-out", str(folder / "server.crt"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return folder / "server.crt"


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"dovecot stopped: {process.stderr.read()} {log_text}")
        try:
            imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
        except OSError:
            time.sleep(0.1)
        else:
            return
    raise RuntimeError(f"dovecot does not answer on port {port}")


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """Dovecot from Debian, started once for the session and stopped at its end."""
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    # Not under pytest's folders: their parents are closed to the "nobody" that handles mail.
    folder = Path(tempfile.mkdtemp(prefix="concertation-dovecot-"))
    (folder / "mail").mkdir()
    folder.chmod(0o755)
    (folder / "mail").chmod(0o777)
    server = ImapServer(_free_port(), _free_port(), _self_signed_certificate(folder))
    config = folder / "dovecot.conf"
    config.write_text(
        CONFIGURATION.format(
            folder=folder,
            password=PASSWORD,
            imap_port=server.imap_port,
            imaps_port=server.imaps_port,
        )
    )
    process = subprocess.Popen(
        [dovecot, "-F", "-c", str(config)], stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(server.imap_port, process, folder / "dovecot.log")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


def mail_bytes(number: int = 1, sender: str = "jeanne.martin@example.org", **headers) -> bytes:
    """A small plain-text mail with a unique Message-ID, as a person would send it."""
    message = EmailMessage()
    message["From"] = f"Jeanne Martin <{sender}>"
    message["To"] = "concertation@example.gouv.fr"
    message["Subject"] = f"Contribution numéro {number}"
    message["Date"] = format_datetime(now())
    message["Message-ID"] = make_msgid(f"test{number}", domain="example.org")
    for name, value in headers.items():
        del message[name.replace("_", "-")]
        message[name.replace("_", "-")] = value
    message.set_content(f"Bonjour,\n\nVoici ma contribution numéro {number}.\n")
    return bytes(message)


@pytest.fixture
def make_mail():
    """mail_bytes(number, sender, **headers): a mail as a person would send it."""
    return mail_bytes


@pytest.fixture
def committing(app, tmp_path):
    """The application with real commits (several connections, threads or processes at once).

    What the test committed is deleted afterwards, so other tests find the tables as they were.
    """
    previous_storage = app.config.get("STORAGE_DIR")
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            _delete_mail_rows()
            db.session.remove()
            app.config["STORAGE_DIR"] = previous_storage


def _delete_mail_rows() -> None:
    db.session.execute(delete(Attachment).where(Attachment.inbound_message_id.is_not(None)))
    db.session.execute(delete(InboundMessage))
    db.session.execute(delete(MailboxCursor))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.kind == "mail_acknowledgement"))
    db.session.commit()
