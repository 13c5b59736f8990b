"""The headers of an untrusted mail: its sender parsed strictly, subject, date, kind of mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.headerregistry import Address
from email.message import Message

from consultation.inbound_mail.mail_text import Findings, decode_text, guess_text

DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
DOMAIN_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def read_headers(message: Message, findings: Findings) -> dict[str, object]:
    address, name = _sender(message, findings)
    return {
        "sender_address": address,
        "sender_name": name,
        "subject": _subject(message, findings),
        "sent_at": _sent_at(message, findings),
        "is_auto_submitted": _is_auto_submitted(message),
        "is_mailing_list": _is_mailing_list(message),
        "is_bounce": _is_bounce(message),
    }


def raw_header(message: Message, name: str) -> str | None:
    """The first value of a header as written (encoded words and raw bytes left as they are)."""
    values = _raw_values(message, name)
    return values[0] if values else None


def _raw_values(message: Message, name: str) -> list[str]:
    """Every value of a header as written, unfolded."""
    return [
        re.sub(r"\r?\n", "", str(value))
        for header_name, value in message.raw_items()
        if header_name.lower() == name
    ]


def decode_header_text(value: str, findings: Findings) -> str:
    """Encoded words decoded in their charset; raw 8-bit bytes read as UTF-8 or Windows-1252."""
    text = guess_text(value.encode("utf-8", "surrogateescape"))
    try:
        chunks = decode_header(text)
    except Exception:  # an undecodable encoded word stays as written
        findings.note("En-tête mal encodé : laissé tel qu’écrit.")
        return " ".join(text.split())
    pieces = [
        chunk if isinstance(chunk, str) else _decode_chunk(chunk, charset, findings)
        for chunk, charset in chunks
    ]
    return " ".join("".join(pieces).split())


def _decode_chunk(chunk: bytes, charset: str | None, findings: Findings) -> str:
    if charset is None:
        return chunk.decode("raw-unicode-escape", errors="replace")
    return decode_text(chunk, charset, findings)


def _sender(message: Message, findings: Findings) -> tuple[str | None, str | None]:
    """The one address of the From header, checked strictly; anything else is a quarantine."""
    values = _raw_values(message, "from")
    if len(values) != 1 or not values[0].strip():
        problem = {0: "aucun en-tête From", 1: "en-tête From vide"}.get(len(values))
        findings.quarantine(
            f"Expéditeur impossible à établir : {problem or 'plusieurs en-têtes From'}."
        )
        return None, None
    written = guess_text(values[0].encode("utf-8", "surrogateescape"))
    try:
        address = _single_address(written)
    except (ValueError, LookupError, TypeError, AttributeError):
        address = None
    if address is None:
        shown = " ".join(written.split())[:120]
        findings.quarantine(f"Expéditeur mal formé (une adresse valide attendue) : « {shown} ».")
        return None, None
    return f"{address.username}@{address.domain.lower()}", (address.display_name or None)


def _single_address(written: str) -> Address | None:
    header = policy.default.header_factory("from", written)
    addresses, groups = header.addresses, header.groups
    if header.defects or len(addresses) != 1 or groups[0].display_name is not None:
        return None
    address = addresses[0]
    return address if _is_valid_address(address.username, address.domain) else None


def _is_valid_address(local_part: str, domain: str) -> bool:
    if not DOT_ATOM.fullmatch(local_part) or len(local_part) + len(domain) > 250:
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    return len(labels) >= 2 and all(DOMAIN_LABEL.fullmatch(label) for label in labels)


def _subject(message: Message, findings: Findings) -> str | None:
    value = raw_header(message, "subject")
    return None if value is None else decode_header_text(value, findings)


def _sent_at(message: Message, findings: Findings) -> datetime | None:
    value = raw_header(message, "date")
    if value is None:
        findings.note("Date d’envoi absente.")
        return None
    try:
        header = policy.default.header_factory("date", value)
        sent_at = header.datetime
        if header.defects or sent_at is None:
            raise ValueError(value)
        return sent_at.replace(tzinfo=UTC) if sent_at.tzinfo is None else sent_at.astimezone(UTC)
    except (ValueError, TypeError, OverflowError):
        findings.note(f"Date d’envoi illisible : « {' '.join(value.split())[:80]} ».")
        return None


def _first_words(message: Message, name: str) -> list[str]:
    return [value.split(";")[0].strip().lower() for value in _raw_values(message, name)]


def _is_auto_submitted(message: Message) -> bool:
    auto_submitted = any(value != "no" for value in _first_words(message, "auto-submitted"))
    autoreply = bool(_raw_values(message, "x-autoreply") or _raw_values(message, "x-autorespond"))
    return auto_submitted or autoreply or "auto_reply" in _first_words(message, "precedence")


def _is_mailing_list(message: Message) -> bool:
    if _raw_values(message, "list-id") or _raw_values(message, "list-unsubscribe"):
        return True
    return bool({"bulk", "list", "junk"} & set(_first_words(message, "precedence")))


def _is_bounce(message: Message) -> bool:
    if any(re.fullmatch(r"<\s*>", value.strip()) for value in _raw_values(message, "return-path")):
        return True
    senders = " ".join(_raw_values(message, "from")).lower()
    if re.search(r"(^|[\s<\"])(mailer-daemon|postmaster)(@|>|\s|$)", senders):
        return True
    try:
        return message.get_content_type() == "multipart/report"
    except Exception:  # an unreadable Content-Type says nothing about a bounce
        return False
