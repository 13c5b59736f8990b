"""Mutated mail never breaks the parser: every message comes back accounted for.

Messages from the corpus are damaged the way real mail is (flipped bytes, cuts, stray header
lines, odd boundaries and charsets); whatever comes out, parse_message and message_key answer.
"""

from __future__ import annotations

import hashlib
from datetime import UTC
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from consultation.inbound_mail.parser import ParsedMail, ParseLimits, message_key, parse_message

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
MESSAGES = {path.stem: path.read_bytes() for path in CORPUS}
CHARSETS = [
    b"utf-8",
    b"iso-8859-1",
    b"windows-1252",
    b"utf-16",
    b"utf-7",
    b"koi8-r",
    b"idna",
    b"punycode",
    b"base64",
    b"zip",
    b"rot13",
    b"x-inconnu",
    b'"',
    b"\xff\xfe",
]
HEADER_LINES = [
    b"X-Relais: mx1.example.fr",
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: quoted-printable",
    b"Content-Disposition: attachment; filename*=utf-8''%ff%fe.pdf",
    b"Date: Mon, 99 Foo 99999 99:99:99 +9999",
    b"From: <>",
    b"From: a@example.fr, b@example.fr",
    b"Message-ID: <",
    b"Subject: =?utf-8?b?w6k=?= =?x-inconnu?q?=E9?= =?utf-8?b?***?=",
    b" continuation sans en-tete",
    b"Auto-Submitted: auto-replied",
    b"List-Id: <liste.example.org>",
    b"Return-Path: <>",
]
#: The suite runs once per database; these tests need none, so a modest count each time.
FUZZ = settings(max_examples=150, deadline=None, database=None)


@st.composite
def boundary_lines(draw: st.DrawFn) -> bytes:
    boundary = draw(st.binary(max_size=12).filter(lambda value: b"\n" not in value))
    kind = draw(st.sampled_from([b"mixed", b"alternative", b"related", b"report", b"digest"]))
    return b"Content-Type: multipart/" + kind + b'; boundary="' + boundary + b'"'


@st.composite
def charset_lines(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from([b"text/plain", b"text/html", b"message/rfc822"]))
    return b"Content-Type: " + kind + b"; charset=" + draw(st.sampled_from(CHARSETS))


@st.composite
def mutations(draw: st.DrawFn, name: str) -> bytes:
    """One corpus message with a few of the damages real mail suffers."""
    message = bytearray(MESSAGES[name])
    for _ in range(draw(st.integers(1, 5))):
        position = draw(st.integers(0, len(message)))
        change = draw(st.sampled_from(["flip", "cut", "splice", *INSERTED_LINES]))
        if change == "flip":
            message[position : position + 1] = bytes([draw(st.integers(0, 255))])
        elif change == "cut":
            del message[position:]
        elif change == "splice":
            message[position:position] = draw(st.sampled_from([b"\n--", b"\n\n", b"\r", b"\x00"]))
        else:
            message[position:position] = b"\n" + draw(INSERTED_LINES[change]) + b"\n"
    return bytes(message)


INSERTED_LINES = {
    "header": st.sampled_from(HEADER_LINES),
    "boundary": boundary_lines(),
    "charset": charset_lines(),
}
mutated_messages = st.sampled_from(sorted(MESSAGES)).flatmap(mutations)


def assert_accounted_for(raw: bytes, parsed: ParsedMail) -> None:
    assert isinstance(parsed, ParsedMail)
    assert parsed.quarantine_reason or parsed.sender_address
    assert parsed.sent_at is None or parsed.sent_at.utcoffset() == UTC.utcoffset(None)
    texts = [parsed.body_text, parsed.subject or "", parsed.sender_name or "", *parsed.defects]
    for text in [*texts, *parsed.refused_attachments, parsed.quarantine_reason or ""]:
        assert "\x00" not in text
        text.encode("utf-8")
    assert message_key(raw) == (parsed.message_id or "sha256:" + hashlib.sha256(raw).hexdigest())


@FUZZ
@given(mutated_messages)
def test_mutated_messages_are_always_accounted_for(raw):
    parsed = parse_message(raw)

    assert_accounted_for(raw, parsed)


@FUZZ
@given(
    mutated_messages,
    st.builds(
        ParseLimits,
        max_message_bytes=st.integers(0, 4000),
        max_headers=st.integers(0, 20),
        max_header_bytes=st.integers(0, 2000),
        max_attachment_bytes=st.integers(0, 200),
        max_attachments=st.integers(0, 2),
    ),
)
def test_tight_limits_never_break_the_parser(raw, limits):
    parsed = parse_message(raw, limits)

    assert_accounted_for(raw, parsed)
    assert len(parsed.attachments) <= limits.max_attachments
    assert all(attachment.size <= limits.max_attachment_bytes for attachment in parsed.attachments)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_at_all_get_a_parsed_mail_and_a_key(raw):
    parsed = parse_message(raw)

    assert_accounted_for(raw, parsed)
