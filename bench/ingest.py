"""Ingestion bench: a Maildir of 10,000 synthetic mails of about 5 kB taken in by the code of
`flask mail ingest`, in a process of its own so that its peak memory is its own.

Run by `make bench` on each bench database; `python -m bench.ingest DATABASE_URL MAILDIR` is the
measured process, which prints its figures as JSON.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bench import dataset

MESSAGE_COUNT = 10_000
#: Body words per mail: with its headers, a mail is about 5 kB.
BODY_WORDS = 360
#: One mail in ten carries a small PDF.
ATTACHMENT_EVERY = 10
#: Distinct senders: some write several times, so the once-a-day acknowledgement rule is at work.
SENDER_COUNT = 2_000
FIRST_DELIVERY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Ingested:
    messages: int
    stored: int
    quarantined: int
    seconds: float
    p50_ms: float
    p99_ms: float
    peak_rss_mib: float

    @property
    def messages_per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def build_maildir(folder: Path, count: int = MESSAGE_COUNT) -> Path:
    """The same mails at every run (seeded generator), delivered one minute apart."""
    words = random.Random(2026)  # noqa: S311 - synthetic text, nothing secret
    for name in ("cur", "new", "tmp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        delivered = FIRST_DELIVERY + timedelta(minutes=number)
        subfolder, suffix = ("cur", ":2,S") if number % 3 == 0 else ("new", "")
        name = f"{int(delivered.timestamp())}.M{number}P1.bench{suffix}"
        (folder / subfolder / name).write_bytes(_mail(number, delivered, words))
    return folder


def _mail(number: int, delivered: datetime, words: random.Random) -> bytes:
    mail = EmailMessage()
    sender = number % SENDER_COUNT
    mail["From"] = f"Contributeur {sender} <contributeur{sender}@exemple.org>"
    mail["To"] = "concertation@exemple.gouv.fr"
    mail["Subject"] = f"Avis sur la doctrine, envoi {number}"
    mail["Date"] = format_datetime(delivered)
    mail["Message-ID"] = f"<bench-{number}@exemple.org>"
    mail.set_content(" ".join(words.choices(dataset.VOCABULARY, k=BODY_WORDS)).capitalize())
    if number % ATTACHMENT_EVERY == 0:
        pdf = b"%PDF-1.4\n" + " ".join(words.choices(dataset.VOCABULARY, k=80)).encode() + b"\n"
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename="avis.pdf")
    return bytes(mail)


def measure(database_url: str, maildir: Path, storage: Path) -> Ingested:
    """Ingest the Maildir into a migrated database, from a fresh Python process."""
    command = [sys.executable, "-m", "bench.ingest", database_url, str(maildir), str(storage)]
    output = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=os.environ, capture_output=True, text=True, check=True
    ).stdout
    return Ingested(**json.loads(output.strip().splitlines()[-1]))


def _run(database_url: str, maildir: Path, storage: Path) -> Ingested:
    from consultation import create_app
    from consultation.extensions import db
    from consultation.inbound_mail import cli

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SITE_URL": "http://127.0.0.1:5000",
            "MAIL_FROM": "concertation@exemple.gouv.fr",
            "STORAGE_DIR": str(storage),
        }
    )
    durations: list[float] = []
    read_path = cli.read_path
    cli.read_path = lambda path: _timed(read_path(path), durations)
    with app.app_context():
        started = time.perf_counter()
        summary = cli.ingest_paths([maildir])
        seconds = time.perf_counter() - started
        db.session.remove()
    return Ingested(
        messages=summary.read_count,
        stored=summary.new_count,
        quarantined=summary.quarantined_count,
        seconds=seconds,
        p50_ms=statistics.median(durations) * 1000,
        p99_ms=statistics.quantiles(durations, n=100)[98] * 1000,
        peak_rss_mib=_peak_rss_kib() / 1024,
    )


def _peak_rss_kib() -> int:
    """VmHWM of this process: unlike ru_maxrss, it does not count the parent's memory, which a
    child inherits at fork and keeps through exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _timed(mails: Iterator, durations: list[float]) -> Iterator:
    """Time from one message to the next: reading, storing, committing, parsing, committing."""
    last = time.perf_counter()
    for mail in mails:
        yield mail
        current = time.perf_counter()
        durations.append(current - last)
        last = current


if __name__ == "__main__":
    database_url, maildir, storage = sys.argv[1:4]
    result = _run(database_url, Path(maildir), Path(storage))
    print(json.dumps(result.__dict__))
