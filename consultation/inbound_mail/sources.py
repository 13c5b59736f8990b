"""Mail exported from another system, read from disk: `.eml` files, Maildir folders, mbox files.

What a path holds is told by the path itself: a folder with `cur` and `new` is a Maildir, a file
starting with an mbox "From " line is an mbox, any other file is one message. Messages are read
as bytes and never parsed here: the parser alone sees untrusted content.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from consultation.core.errors import Refused


class UnreadableSource(Refused):
    """A path that holds no mail we can read; the message says why, in French."""


@dataclass(frozen=True)
class SourceMail:
    raw: bytes
    #: "eml:/path", "maildir:/path", "mbox:/path"
    source: str
    #: When the mail reached the exporting system, when the format records it.
    received_at: datetime | None


def read_path(path: Path) -> Iterator[SourceMail]:
    """Every message under `path`, or UnreadableSource before the first one."""
    path = path.absolute()
    if path.is_dir():
        return _read_maildir(path)
    if not path.is_file():
        raise UnreadableSource(f"{path} : fichier ou dossier introuvable.")
    try:
        with path.open("rb") as file:
            if file.read(5) == b"From ":
                return _read_mbox(path)
            file.seek(0)
            return iter([SourceMail(file.read(), f"eml:{path}", None)])
    except OSError as error:
        raise UnreadableSource(f"{path} : lecture impossible ({error.strerror}).") from None


def _read_maildir(path: Path) -> Iterator[SourceMail]:
    if not ((path / "cur").is_dir() and (path / "new").is_dir()):
        raise UnreadableSource(
            f"{path} : ce dossier n’est pas un Maildir (sous-dossiers cur et new absents)."
        )
    folder = mailbox.Maildir(path, factory=None, create=False)
    return _maildir_messages(folder, f"maildir:{path}")


def _maildir_messages(folder: mailbox.Maildir, source: str) -> Iterator[SourceMail]:
    for key in sorted(folder.keys()):
        yield SourceMail(folder.get_bytes(key), source, _maildir_delivery(key))


def _maildir_delivery(key: str) -> datetime | None:
    """A Maildir file name starts with the time of delivery, in seconds since the epoch."""
    seconds = key.partition(".")[0]
    if not seconds.isdigit() or len(seconds) > 12:
        return None
    return datetime.fromtimestamp(int(seconds), tz=UTC)


def _read_mbox(path: Path) -> Iterator[SourceMail]:
    folder = mailbox.mbox(path, create=False)
    source = f"mbox:{path}"
    for key in folder.iterkeys():
        from_line, _, raw = folder.get_bytes(key, from_=True).partition(b"\n")
        yield SourceMail(raw, source, _mbox_delivery(from_line))


#: "From sender@example.org Mon Mar  2 09:00:00 2026": the date is asctime's, in UTC.
_ASCTIME = re.compile(rb"(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\s*$")


def _mbox_delivery(from_line: bytes) -> datetime | None:
    found = _ASCTIME.search(from_line.rstrip(b"\r"))
    if found is None:
        return None
    try:
        stamp = found.group(1).decode("ascii") + " +0000"
        return datetime.strptime(stamp, "%a %b %d %H:%M:%S %Y %z")
    except ValueError:
        return None
