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
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from consultation.core.sanitize import html_to_text
from consultation.inbound_mail.attachment_types import MailAttachment, collect_attachments
from consultation.inbound_mail.mail_headers import decode_header_text, raw_header, read_headers
from consultation.inbound_mail.mail_text import Findings, clean, decode_text, guess_text

__all__ = ["MailAttachment", "ParseLimits", "ParsedMail", "message_key", "parse_message"]

#: message_key reads no further than this, whatever the message.
KEY_SCAN_BYTES = 64 * 1024
#: Parts nested deeper than this are a trap for recursive readers, never a real mail.
MAX_DEPTH = 20
HEADER_END = re.compile(rb"\r?\n\r?\n")
HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:(.*)", re.DOTALL)
#: A Message-ID as written: printable ASCII between angle brackets, short enough to be a key.
MESSAGE_ID = re.compile(rb"<[!-;=?-~]{1,250}>")


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
    findings = Findings()
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
    findings = Findings()
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
    return guess_text(raw[end.end() :]) if end else ""


def _result(
    raw: bytes, message: Message | None, content: _Content, findings: Findings
) -> ParsedMail:
    headers = read_headers(message, findings) if message is not None else {}
    return ParsedMail(
        message_id=_scan_message_id(raw),
        sender_address=headers.get("sender_address"),
        sender_name=clean(headers.get("sender_name")),
        subject=clean(headers.get("subject")),
        sent_at=headers.get("sent_at"),
        body_text=clean(content.body_text) or "",
        attachments=tuple(content.attachments),
        refused_attachments=tuple(clean(refusal) or "" for refusal in content.refused),
        defects=tuple(clean(defect) or "" for defect in findings.defects),
        quarantine_reason=clean(findings.reason),
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


def _read_content(message: Message, limits: ParseLimits, findings: Findings) -> _Content:
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


def _message_text(message: Message, body_parts: list[Message], findings: Findings) -> str:
    """The chosen text of a message, then the text of each message forwarded inside it."""
    texts = []
    body = _body_part(message, findings)
    if body is not None:
        body_parts.append(body)
        texts.append(_part_text(body, findings))
    for forwarded in _forwarded_messages(message):
        texts.append(_forwarded_text(forwarded, body_parts, findings))
    return "\n\n".join(text for text in texts if text)


def _body_part(message: Message, findings: Findings) -> Message | None:
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


def _forwarded_text(forwarded: Message, body_parts: list[Message], findings: Findings) -> str:
    lines = ["---------- Message transféré ----------"]
    for name, label in (("from", "De"), ("date", "Date"), ("subject", "Objet")):
        value = raw_header(forwarded, name)
        if value is not None:
            lines.append(f"{label} : {decode_header_text(value, findings)}")
    text = _message_text(forwarded, body_parts, findings)
    return "\n".join(lines) + "\n\n" + text


def _part_text(part: Message, findings: Findings) -> str:
    data = part.get_payload(decode=True)
    text = decode_text(
        data if isinstance(data, bytes) else b"", part.get_param("charset"), findings
    )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html_to_text(text) if part.get_content_subtype() == "html" else text


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
