"""The consultation's mailbox over IMAP (RFC 3501): what is new since last time, taken once.

Messages are never deleted: what has been taken is flagged (\\Seen and a keyword) or moved to a
folder. How far we have read is a `MailboxCursor` (the last UID under one UIDVALIDITY), which
only moves forwards; when the server renumbers the folder (a new UIDVALIDITY) reading starts
again from the first message, and the unique message key keeps what was stored from coming twice.
"""

from __future__ import annotations

import base64
import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from consultation.core.errors import Refused
from consultation.extensions import db
from consultation.inbound_mail.models import MailboxCursor

TIMEOUT_SECONDS = 60
SECURITY_MODES = ("tls", "starttls", "none")


class MailboxError(Refused):
    """The mailbox cannot be read (settings, connection, login, folder); said in French."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    security: str = "tls"
    done_flag: str = "$Concertation"
    move_to: str = ""

    @classmethod
    def from_config(cls) -> ImapSettings:
        config = current_app.config
        settings = cls(
            host=config.get("IMAP_HOST", ""),
            port=int(config.get("IMAP_PORT", 993)),
            user=config.get("IMAP_USER", ""),
            password=config.get("IMAP_PASSWORD", ""),
            folder=config.get("IMAP_FOLDER", "INBOX"),
            security=config.get("IMAP_SECURITY", "tls"),
            done_flag=config.get("IMAP_DONE_FLAG", "$Concertation"),
            move_to=config.get("IMAP_MOVE_TO", ""),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if not (self.host and self.user):
            raise MailboxError("IMAP_HOST et IMAP_USER doivent être renseignés.")
        if self.security not in SECURITY_MODES:
            raise MailboxError("IMAP_SECURITY doit valoir « tls », « starttls » ou « none ».")

    @property
    def mailbox_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes
    #: INTERNALDATE: when the server received the message.
    received_at: datetime | None


class Mailbox:
    """One selected IMAP folder."""

    def __init__(self, connection: imaplib.IMAP4, settings: ImapSettings, uidvalidity: int):
        self.connection, self.settings, self.uidvalidity = connection, settings, uidvalidity

    @property
    def source(self) -> str:
        return f"imap:{self.settings.mailbox_key}"

    def uids_after(self, last_uid: int) -> list[int]:
        # "n:*" also matches the last message when n is beyond it: filter what the server adds.
        _, data = _ok(self.connection.uid("SEARCH", f"UID {last_uid + 1}:*"))
        return sorted(uid for uid in map(int, data[0].split()) if uid > last_uid)

    def read(self, uid: int) -> FetchedMail | None:
        """The message's bytes, without setting \\Seen; None if it left the folder meanwhile."""
        _, data = _ok(self.connection.uid("FETCH", str(uid), "(BODY.PEEK[] INTERNALDATE)"))
        literals = [part for part in data if isinstance(part, tuple)]
        if not literals:
            return None
        envelope = b" ".join(part[0] if isinstance(part, tuple) else part for part in data)
        return FetchedMail(uid, literals[0][1], _internaldate(envelope))

    def mark_taken(self, uid: int) -> None:
        """Flag the message as taken, or move it; never delete it."""
        if self.settings.move_to and "MOVE" in self.connection.capabilities:
            _ok(self.connection.uid("MOVE", str(uid), _quoted(self.settings.move_to)))
            return
        if self.settings.move_to:  # no MOVE (RFC 6851): a copy, and the original flagged
            _ok(self.connection.uid("COPY", str(uid), _quoted(self.settings.move_to)))
        flags = " ".join(filter(None, ("\\Seen", self.settings.done_flag)))
        _ok(self.connection.uid("STORE", str(uid), "+FLAGS.SILENT", f"({flags})"))


@contextmanager
def open_mailbox(settings: ImapSettings) -> Iterator[Mailbox]:
    """Connect, log in and select the folder; the connection is closed on the way out."""
    try:
        connection = _connect(settings)
    except (OSError, imaplib.IMAP4.error) as error:
        where = f"{settings.host}:{settings.port}"
        raise MailboxError(f"Connexion impossible à {where} : {error}") from None
    try:
        yield _select(connection, settings)
    finally:
        _close(connection)


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    host, port = settings.host, settings.port
    if settings.security == "tls":
        context = ssl.create_default_context()
        connection = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=TIMEOUT_SECONDS)
    else:
        connection = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
        if settings.security == "starttls":
            connection.starttls(ssl_context=ssl.create_default_context())
    try:
        connection.login(settings.user, settings.password)
        # What the server can do once logged in (MOVE, for instance) is announced only now.
        _, data = _ok(connection.capability())
    except imaplib.IMAP4.error:
        connection.shutdown()
        raise
    connection.capabilities = tuple(data[-1].decode().upper().split())
    return connection


def _select(connection: imaplib.IMAP4, settings: ImapSettings) -> Mailbox:
    if settings.move_to:
        connection.create(_quoted(settings.move_to))  # "NO" when it exists already: fine
    status, data = connection.select(_quoted(settings.folder))
    if status != "OK":
        detail = data[0].decode(errors="replace") if data and data[0] else ""
        raise MailboxError(f"Dossier IMAP « {settings.folder} » inaccessible : {detail}")
    _, values = connection.response("UIDVALIDITY")
    return Mailbox(connection, settings, int(values[0]))


def _close(connection: imaplib.IMAP4) -> None:
    try:
        if connection.state == "SELECTED":
            connection.close()  # CLOSE expunges nothing that we did not flag \Deleted: we never do
        connection.logout()
    except (OSError, imaplib.IMAP4.error):
        connection.shutdown()


def _ok(answer: tuple[str, list]) -> tuple[str, list]:
    status, data = answer
    if status != "OK":
        raise imaplib.IMAP4.error(f"{status} {data!r}")
    return answer


def _quoted(folder: str) -> str:
    encoded = _modified_utf7(folder)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _modified_utf7(name: str) -> str:
    """Folder names travel in IMAP's own UTF-7 (RFC 3501, 5.1.3): "Relevés" is "Relev&AOk-s"."""
    parts, pending = [], []
    for character in [*name, None]:
        if character is not None and not 0x20 <= ord(character) <= 0x7E:
            pending.append(character)
            continue
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            parts.append("&" + base64.b64encode(utf16).decode().rstrip("=").replace("/", ",") + "-")
            pending = []
        if character is not None:
            parts.append("&-" if character == "&" else character)
    return "".join(parts)


_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def _internaldate(envelope: bytes) -> datetime | None:
    found = _INTERNALDATE.search(envelope)
    if found is None:
        return None
    try:
        moment = datetime.strptime(found.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Position:
    """Where a fetch starts: plain values, so advancing needs no read before its write."""

    cursor_id: int
    uidvalidity: int
    last_uid: int


def cursor_for(mailbox: Mailbox) -> Position:
    """The mailbox's cursor, created at UID 0, and back to 0 when UIDVALIDITY has changed."""
    key = mailbox.settings.mailbox_key
    table = MailboxCursor.__table__
    db.session.execute(  # a write first: no read lock for SQLite to upgrade
        update(table)
        .where(table.c.mailbox == key, table.c.uidvalidity != mailbox.uidvalidity)
        .values(uidvalidity=mailbox.uidvalidity, last_uid=0)
    )
    row = db.session.execute(select(table).where(table.c.mailbox == key)).one_or_none()
    if row is None:
        row = _create_cursor(key, mailbox.uidvalidity)
    return Position(row.id, row.uidvalidity, row.last_uid)


def _create_cursor(key: str, uidvalidity: int):
    table = MailboxCursor.__table__
    try:
        with db.session.begin_nested():
            db.session.add(MailboxCursor(mailbox=key, uidvalidity=uidvalidity, last_uid=0))
    except IntegrityError:  # another fetch created it at the same moment
        pass
    return db.session.execute(select(table).where(table.c.mailbox == key)).one()


def advance(position: Position, uid: int) -> None:
    """Move the cursor to `uid`, never backwards, and only under the UIDVALIDITY it was read in."""
    table = MailboxCursor.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.id == position.cursor_id,
            table.c.uidvalidity == position.uidvalidity,
            table.c.last_uid < uid,
        )
        .values(last_uid=uid)
    )
