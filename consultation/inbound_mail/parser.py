"""Reading a mail from its raw bytes without trusting them: never raises, says what is wrong.

The caller stores the bytes before calling: they are the evidence, and nothing here changes them.
Size and header caps are checked on the bytes before the full parse, so a huge message cannot
exhaust memory. Whatever makes a message unsafe to read gets a French quarantine reason instead of
an exception: an exception of the email package, a structural defect it reports on the message or
one of its parts (boundaries, header lines, base64), nesting too deep, a sender that is not exactly
one valid address. Smaller problems are listed as defects and the message stays usable: a missing
or unreadable date, an unknown charset (read as UTF-8, else Windows-1252), a badly encoded subject.
Refused attachments are listed apart, each with its reason; they never quarantine the message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser

from consultation.core.sanitize import html_to_text
from consultation.inbound_mail.attachment_types import MailAttachment, collect_attachments

__all__ = ["MailAttachment", "ParseLimits", "ParsedMail", "message_key", "parse_message"]

#: message_key reads no further than this, whatever the message.
KEY_SCAN_BYTES = 64 * 1024
#: Parts nested deeper than this are a trap for recursive readers, never a real mail.
MAX_DEPTH = 20
HEADER_END = re.compile(rb"\r?\n\r?\n")
HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:(.*)", re.DOTALL)
#: A Message-ID as written: printable ASCII between angle brackets, short enough to be a key.
MESSAGE_ID = re.compile(rb"<[!-;=?-~]{1,250}>")
DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
DOMAIN_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
#: Senders labelled ISO-8859-1 very often write Windows-1252 (curly quotes, €): read it as such.
LATIN_1_NAMES = frozenset({"latin-1", "iso8859-1", "iso-8859-1", "latin1", "l1", "cp819"})


@dataclass(frozen=True)
class ParseLimits:
    max_message_bytes: int = 25 * 1024 * 1024
    max_headers: int = 300
    max_header_bytes: int = 64 * 1024
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 20


DEFAULT_LIMITS = ParseLimits()


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None
    sender_address: str | None
    sender_name: str | None
    subject: str | None
    sent_at: datetime | None  # aware, UTC
    body_text: str
    attachments: tuple[MailAttachment, ...]
    refused_attachments: tuple[str, ...]
    defects: tuple[str, ...]
    quarantine_reason: str | None  # French; set => the message goes to quarantine
    is_auto_submitted: bool
    is_mailing_list: bool
    is_bounce: bool


@dataclass
class _Findings:
    """What the reading found wrong, in French, as it goes."""

    defects: list[str] = field(default_factory=list)
    serious: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if problem not in self.defects:
            self.defects.append(problem)

    def quarantine(self, problem: str) -> None:
        self.note(problem)
        if problem not in self.serious:
            self.serious.append(problem)

    @property
    def reason(self) -> str | None:
        if not self.serious:
            return None
        others = len(self.serious) - 1
        return self.serious[0] + (
            f" (et {others} autre(s) problème(s) relevé(s))" if others else ""
        )


@dataclass
class _Content:
    body_text: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def message_key(raw: bytes) -> str:
    """The Message-ID found in the header block, or "sha256:<hex>" of the bytes; never raises."""
    try:
        message_id = _scan_message_id(raw)
    except Exception:  # a key must be given for any bytes
        message_id = None
    return message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_message(raw: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedMail:
    """Everything a moderator needs from the raw bytes; never raises (problems become a reason)."""
    try:
        return _parse(raw, limits)
    except Exception as error:  # any failure is a quarantine, never a lost mail
        return _unparsable(raw, limits, error)


def _parse(raw: bytes, limits: ParseLimits) -> ParsedMail:
    findings = _Findings()
    header_problem = _header_cap_problem(raw, limits)
    if header_problem:
        findings.quarantine(header_problem)
        return _result(raw, None, _Content(), findings)
    if len(raw) > limits.max_message_bytes:
        findings.quarantine(
            f"Message trop volumineux ({_size(len(raw))} ; "
            f"au plus {_size(limits.max_message_bytes)})."
        )
        return _result(raw, _parse_headers(raw, limits), _Content(), findings)
    message = BytesParser(policy=policy.default).parsebytes(raw)
    try:
        content = _read_content(message, limits, findings)
    except Exception as error:  # a part the library cannot read: keep the headers and the text
        findings.quarantine(f"Contenu du message illisible (erreur {type(error).__name__}).")
        content = _Content(body_text=_raw_body(raw, limits))
    return _result(raw, message, content, findings)


def _unparsable(raw: bytes, limits: ParseLimits, error: Exception) -> ParsedMail:
    """What can still be read when the full parse failed: the headers alone, the body as text."""
    findings = _Findings()
    findings.quarantine(f"Le message n’a pas pu être analysé (erreur {type(error).__name__}).")
    try:
        content = _Content(body_text=_raw_body(raw, limits))
        return _result(raw, _parse_headers(raw, limits), content, findings)
    except Exception:  # even the headers are unreadable: the reason says it all
        return _result(raw, None, _Content(), findings)


def _parse_headers(raw: bytes, limits: ParseLimits) -> Message:
    """The header block alone, kept as written: the readers below parse each value themselves.

    compat32 stores values without interpreting them, so a header that breaks the modern
    policy's parser cannot stop us from reading the others.
    """
    block = _header_block(raw[: limits.max_header_bytes + 4])
    return BytesParser(policy=policy.compat32).parsebytes(block, headersonly=True)


def _raw_body(raw: bytes, limits: ParseLimits) -> str:
    """The bytes after the headers as text, when the structure cannot be trusted."""
    if len(raw) > limits.max_message_bytes:
        return ""
    end = HEADER_END.search(raw, 0, limits.max_header_bytes + 4)
    return _guess_text(raw[end.end() :]) if end else ""


def _result(
    raw: bytes, message: Message | None, content: _Content, findings: _Findings
) -> ParsedMail:
    headers = _read_headers(message, findings) if message is not None else {}
    return ParsedMail(
        message_id=_scan_message_id(raw),
        sender_address=headers.get("sender_address"),
        sender_name=_clean(headers.get("sender_name")),
        subject=_clean(headers.get("subject")),
        sent_at=headers.get("sent_at"),
        body_text=_clean(content.body_text) or "",
        attachments=tuple(content.attachments),
        refused_attachments=tuple(_clean(refusal) or "" for refusal in content.refused),
        defects=tuple(_clean(defect) or "" for defect in findings.defects),
        quarantine_reason=_clean(findings.reason),
        is_auto_submitted=bool(headers.get("is_auto_submitted")),
        is_mailing_list=bool(headers.get("is_mailing_list")),
        is_bounce=bool(headers.get("is_bounce")),
    )


# --- The raw header block, read without the email package ------------------------------------


def _header_block(data: bytes) -> bytes:
    end = HEADER_END.search(data)
    return data[: end.start()] if end else data


def _header_lines(block: bytes) -> list[tuple[bytes, bytes]]:
    """(name, unfolded value) of each header, up to the first line that is not one."""
    headers: list[tuple[bytes, bytes]] = []
    for folded_line in block.split(b"\n"):
        line = folded_line.rstrip(b"\r")
        if line[:1] in {b" ", b"\t"} and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + line)
        elif found := HEADER_LINE.fullmatch(line):
            headers.append((found.group(1), found.group(2)))
        elif not (line.startswith(b"From ") and not headers):
            break
    return headers


def _scan_message_id(raw: bytes) -> str | None:
    for name, value in _header_lines(_header_block(raw[:KEY_SCAN_BYTES])):
        if name.lower() == b"message-id":
            found = MESSAGE_ID.search(value)
            return found.group().decode("ascii") if found else None
    return None


def _header_cap_problem(raw: bytes, limits: ParseLimits) -> str | None:
    end = HEADER_END.search(raw, 0, limits.max_header_bytes + 4)
    block = raw[: end.start()] if end else raw[: limits.max_header_bytes + 1]
    if len(block) > limits.max_header_bytes:
        return f"En-têtes trop volumineux (plus de {_size(limits.max_header_bytes)})."
    count = sum(1 for line in block.split(b"\n") if line.strip() and line[:1] not in b" \t")
    if count > limits.max_headers:
        return f"Trop d’en-têtes ({count} ; au plus {limits.max_headers})."
    return None


def _size(byte_count: int) -> str:
    if byte_count >= 1024 * 1024:
        return f"{byte_count / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{byte_count / 1024:.0f} Ko" if byte_count >= 1024 else f"{byte_count} octets"


# --- Content: body text, forwarded messages, attachments, structural defects ------------------


def _read_content(message: Message, limits: ParseLimits, findings: _Findings) -> _Content:
    parts = _parts_with_depth(message)
    if max(depth for _, depth in parts) > MAX_DEPTH:
        findings.quarantine(f"Message trop imbriqué (plus de {MAX_DEPTH} niveaux de parties).")
        return _Content()
    body_parts: list[Message] = []
    content = _Content(body_text=_message_text(message, body_parts, findings))
    content.attachments, content.refused = collect_attachments(
        [part for part, _ in parts],
        body_parts,
        limits.max_attachments,
        limits.max_attachment_bytes,
    )
    for part, _ in parts:
        for defect in part.defects:
            findings.quarantine(_describe_defect(defect, part, is_top=part is message))
    return content


def _parts_with_depth(message: Message) -> list[tuple[Message, int]]:
    """Every part with its depth, walked without recursion so that depth cannot crash us."""
    found: list[tuple[Message, int]] = []
    stack = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        found.append((part, depth))
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list) and depth <= MAX_DEPTH:
            stack.extend((child, depth + 1) for child in reversed(payload))
    return found


def _message_text(message: Message, body_parts: list[Message], findings: _Findings) -> str:
    """The chosen text of a message, then the text of each message forwarded inside it."""
    texts = []
    body = _body_part(message, findings)
    if body is not None:
        body_parts.append(body)
        texts.append(_part_text(body, findings))
    for forwarded in _forwarded_messages(message):
        texts.append(_forwarded_text(forwarded, body_parts, findings))
    return "\n\n".join(text for text in texts if text)


def _body_part(message: Message, findings: _Findings) -> Message | None:
    """The text part to read (plain preferred); a broken structure is read whole, as text."""
    if not message.is_multipart() and message.get_content_maintype() == "multipart":
        findings.note("Parties du message impossibles à séparer : texte lu d’un seul bloc.")
        return message
    try:
        return message.get_body(("plain", "html")) if isinstance(message, EmailMessage) else None
    except Exception:  # the structure is broken; say so rather than fail
        findings.quarantine("Structure du message illisible : aucun texte n’a pu être choisi.")
        return None


def _forwarded_messages(message: Message) -> list[Message]:
    found, stack = [], [message]
    while stack:
        part = stack.pop()
        children = part.get_payload() if part.is_multipart() else []
        for child in reversed(children if isinstance(children, list) else []):
            if child.get_content_type() == "message/rfc822":
                inner = child.get_payload()
                found.extend(inner[:1] if isinstance(inner, list) else [])
            elif child.get_content_maintype() == "multipart":
                stack.append(child)
    return found


def _forwarded_text(forwarded: Message, body_parts: list[Message], findings: _Findings) -> str:
    lines = ["---------- Message transféré ----------"]
    for name, label in (("from", "De"), ("date", "Date"), ("subject", "Objet")):
        value = _raw_header(forwarded, name)
        if value is not None:
            lines.append(f"{label} : {_decode_header_text(value, findings)}")
    text = _message_text(forwarded, body_parts, findings)
    return "\n".join(lines) + "\n\n" + text


def _part_text(part: Message, findings: _Findings) -> str:
    data = part.get_payload(decode=True)
    text = _decode(data if isinstance(data, bytes) else b"", part.get_param("charset"), findings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _decode(data: bytes, charset: object, findings: _Findings) -> str:
    """Text in its declared charset; an unknown or missing one is read as UTF-8 or Windows-1252."""
    name = str(charset).strip().strip('"').lower() if isinstance(charset, str) else ""
    if name in LATIN_1_NAMES:
        name = "windows-1252"
    if name and name not in {"us-ascii", "ascii"}:
        try:
            return data.decode(name, errors="replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            findings.note(f"Jeu de caractères inconnu « {name[:40]} » : texte lu en UTF-8.")
    return _guess_text(data)


def _guess_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


DEFECT_LABELS = {
    "NoBoundaryInMultipartDefect": "message en plusieurs parties sans délimiteur (boundary)",
    "StartBoundaryNotFoundDefect": "le délimiteur annoncé des parties n’apparaît pas",
    "CloseBoundaryNotFoundDefect": "délimiteur de fin absent : le message semble tronqué",
    "FirstHeaderLineIsContinuationDefect": "la première ligne d’en-tête est une continuation",
    "MisplacedEnvelopeHeaderDefect": "ligne d’enveloppe « From » mal placée dans les en-têtes",
    "MissingHeaderBodySeparatorDefect": "ligne invalide parmi les en-têtes",
    "MultipartInvariantViolationDefect": "déclaré en plusieurs parties mais n’en contient pas",
    "InvalidMultipartContentTransferEncodingDefect": "encodage de transfert invalide",
    "UndecodableBytesDefect": "octets impossibles à décoder",
    "InvalidBase64PaddingDefect": "contenu base64 mal terminé",
    "InvalidBase64CharactersDefect": "caractères invalides dans un contenu base64",
    "InvalidBase64LengthDefect": "longueur invalide d’un contenu base64",
    "InvalidHeaderDefect": "en-tête invalide",
    "HeaderMissingRequiredValue": "en-tête sans sa valeur obligatoire",
    "NonPrintableDefect": "caractères non imprimables dans un en-tête",
}


def _describe_defect(defect: Exception, part: Message, is_top: bool) -> str:
    kind = type(defect).__name__
    label = DEFECT_LABELS.get(kind, f"anomalie signalée par la lecture ({kind})")
    where = "Message" if is_top else f"Partie « {part.get_content_type()} »"
    return f"{where} : {label}."


# --- Headers: sender, subject, date, flags -----------------------------------------------------


def _read_headers(message: Message, findings: _Findings) -> dict[str, object]:
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


def _raw_header(message: Message, name: str) -> str | None:
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


def _decode_header_text(value: str, findings: _Findings) -> str:
    """Encoded words decoded in their charset; raw 8-bit bytes read as UTF-8 or Windows-1252."""
    text = _guess_text(value.encode("utf-8", "surrogateescape"))
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


def _decode_chunk(chunk: bytes, charset: str | None, findings: _Findings) -> str:
    if charset is None:
        return chunk.decode("raw-unicode-escape", errors="replace")
    return _decode(chunk, charset, findings)


def _sender(message: Message, findings: _Findings) -> tuple[str | None, str | None]:
    """The one address of the From header, checked strictly; anything else is a quarantine."""
    values = _raw_values(message, "from")
    if len(values) != 1 or not values[0].strip():
        problem = {0: "aucun en-tête From", 1: "en-tête From vide"}.get(len(values))
        findings.quarantine(
            f"Expéditeur impossible à établir : {problem or 'plusieurs en-têtes From'}."
        )
        return None, None
    written = _guess_text(values[0].encode("utf-8", "surrogateescape"))
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


def _subject(message: Message, findings: _Findings) -> str | None:
    value = _raw_header(message, "subject")
    return None if value is None else _decode_header_text(value, findings)


def _sent_at(message: Message, findings: _Findings) -> datetime | None:
    value = _raw_header(message, "date")
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


def _clean(text: str | None) -> str | None:
    """Text any database accepts: no NUL character, no lone surrogate."""
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
