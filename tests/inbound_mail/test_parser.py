"""Reading untrusted mail: the corpus of tricky messages, the caps, and CPython's own test mail.

These tests need no database: the parser only reads bytes.
"""

from __future__ import annotations

import base64
import email
import hashlib
import io
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from consultation.core.sanitize import html_to_text
from consultation.inbound_mail.parser import (
    ParsedMail,
    ParseLimits,
    message_key,
    parse_message,
)

CORPUS = Path(__file__).parent / "corpus"
PDF = base64.b64decode(
    "JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyA+PgplbmRvYmoKdHJhaWxlcgo8PCAv"
    "Um9vdCAxIDAgUiA+PgolJUVPRgo="
)
IMAGES = {
    "schema.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
    "photo.jpg": (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg"),
    "carte.gif": (b"GIF89a" + b"\x00" * 40, "image/gif"),
    "plan.webp": (b"RIFF\x30\x00\x00\x00WEBPVP8 " + b"\x00" * 40, "image/webp"),
}


def corpus(name: str) -> bytes:
    return (CORPUS / f"{name}.eml").read_bytes()


def contribution_mail(body: str = "Ma contribution sur le chapitre 2.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Claire Martin <claire.martin@example.fr>"
    message["To"] = "concertation@sante.example.fr"
    message["Subject"] = "Contribution"
    message["Date"] = "Mon, 2 Mar 2026 10:15:00 +0100"
    message["Message-ID"] = "<genere-1@example.fr>"
    message.set_content(body)
    return message


def with_sender(from_lines: str) -> bytes:
    return (
        f"{from_lines}\nTo: concertation@sante.example.fr\nSubject: Contribution\n"
        "Date: Mon, 2 Mar 2026 10:15:00 +0100\n\nTexte de la contribution.\n"
    ).encode()


# --- The corpus -------------------------------------------------------------------------------


def test_a_plain_text_mail_gives_its_sender_subject_date_and_text():
    parsed = parse_message(corpus("plain_text"))

    assert parsed.quarantine_reason is None
    assert parsed.defects == ()
    assert parsed.message_id == "<20260302091500.4821@mail.example.fr>"
    assert (parsed.sender_address, parsed.sender_name) == (
        "claire.martin@example.fr",
        "Claire Martin",
    )
    assert parsed.subject == "Contribution sur le chapitre 3 : identité numérique"
    assert parsed.sent_at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert "l'identité numérique des patients" in parsed.body_text
    assert parsed.body_text.endswith("Claire Martin\n")
    assert not (parsed.is_auto_submitted or parsed.is_mailing_list or parsed.is_bounce)


def test_an_html_only_mail_is_read_as_text_without_its_scripts_or_styles():
    parsed = parse_message(corpus("html_only"))

    assert parsed.quarantine_reason is None
    assert "l'interopérabilité & la sécurité" in parsed.body_text
    assert "Premier point : les référentiels communs\nSecond point" in parsed.body_text
    assert "Cordialement,\nLa présidente" in parsed.body_text
    for leftover in ("script", "document.cookie", "alert", "color: red", "<", "Courriel"):
        assert leftover not in parsed.body_text


def test_the_plain_part_of_an_alternative_is_preferred_to_the_html_one():
    parsed = parse_message(corpus("alternative"))

    assert parsed.quarantine_reason is None
    assert "Version texte du message." in parsed.body_text
    assert "Version HTML" not in parsed.body_text
    assert parsed.sender_name == "Paul Lefèvre"
    assert parsed.attachments == () and parsed.refused_attachments == ()


def test_a_forwarded_mail_keeps_the_forwarded_text_and_who_wrote_it():
    parsed = parse_message(corpus("forwarded"))

    assert parsed.quarantine_reason is None
    assert parsed.sender_address == "sophie.bernard@chu-exemple.example.fr"
    assert parsed.body_text.startswith("Bonjour,\n\nJe vous transfère la position")
    assert "De : Service informatique <dsi@chu-exemple.example.fr>" in parsed.body_text
    assert "Objet : Position sur l'hébergement des données" in parsed.body_text
    assert "doit être certifié HDS" in parsed.body_text
    assert parsed.attachments == ()


def test_a_reply_keeps_its_quoted_text():
    parsed = parse_message(corpus("reply_quoted"))

    assert parsed.quarantine_reason is None
    assert parsed.subject == "Re: Accusé de réception de votre contribution"
    assert "exportées par le patient" in parsed.body_text
    assert "> Nous avons bien reçu votre contribution." in parsed.body_text


def test_an_iso_8859_1_body_and_sender_name_are_decoded():
    parsed = parse_message(corpus("latin1_body"))

    assert parsed.quarantine_reason is None
    assert parsed.sender_name == "Hervé François"
    assert "Le dossier médical partagé" in parsed.body_text
    assert "Hervé François, médecin généraliste à Besançon" in parsed.body_text


def test_a_windows_1252_body_keeps_curly_quotes_and_the_euro_sign():
    parsed = parse_message(corpus("windows1252_body"))

    assert parsed.quarantine_reason is None
    assert "Le “parcours de soins numérique” coûte 12\xa0€ par patient" in parsed.body_text
    assert "c’est l’estimation de l’agence" in parsed.body_text


@pytest.mark.parametrize(
    ("name", "subject", "sender_name"),
    [
        (
            "encoded_subject_utf8",
            "Contribution sur la télésanté et l’accès aux soins",
            "Léa Mercier",
        ),
        ("encoded_subject_latin1", "Remarque sur la sécurité des données", "Thomas Girard"),
    ],
)
def test_encoded_word_subjects_and_names_are_decoded(name, subject, sender_name):
    parsed = parse_message(corpus(name))

    assert parsed.quarantine_reason is None
    assert (parsed.subject, parsed.sender_name) == (subject, sender_name)


def test_raw_eight_bit_headers_are_read_as_utf8_or_windows_1252():
    raw = (
        "From: Rémi Noël <remi.noel@example.fr>\nSubject: Réunion du comité\n"
        "Date: Mon, 2 Mar 2026 10:15:00 +0100\n\nTexte.\n"
    )

    utf8 = parse_message(raw.encode("utf-8"))
    windows = parse_message(raw.encode("windows-1252"))

    assert (utf8.sender_name, utf8.subject) == ("Rémi Noël", "Réunion du comité")
    assert (windows.sender_name, windows.subject) == ("Rémi Noël", "Réunion du comité")


def test_a_mail_without_message_id_is_keyed_by_the_hash_of_its_bytes():
    raw = corpus("missing_message_id")

    parsed = parse_message(raw)

    assert parsed.quarantine_reason is None
    assert parsed.message_id is None
    assert message_key(raw) == "sha256:" + hashlib.sha256(raw).hexdigest()


def test_a_mail_is_keyed_by_its_message_id_even_when_folded():
    raw = b"From: a@example.fr\r\nMessage-Id:\r\n  <cle-123@example.fr> (note)\r\n\r\nTexte\r\n"

    assert message_key(raw) == "<cle-123@example.fr>"
    assert parse_message(raw).message_id == "<cle-123@example.fr>"
    assert message_key(corpus("plain_text")) == "<20260302091500.4821@mail.example.fr>"


def test_a_message_id_in_the_body_is_not_taken_for_the_key():
    raw = b"From: a@example.fr\n\nMessage-ID: <dans-le-corps@example.fr>\n"

    assert message_key(raw).startswith("sha256:")


def test_a_multipart_mail_without_boundary_is_quarantined_with_its_text_kept():
    parsed = parse_message(corpus("missing_boundary"))

    assert parsed.quarantine_reason.startswith(
        "Message : message en plusieurs parties sans délimiteur (boundary)."
    )
    assert "Voici ma contribution" in parsed.body_text
    assert parsed.sender_address == "henri.roux@example.fr"


def test_an_unknown_charset_is_read_as_utf8_with_a_defect_noted():
    parsed = parse_message(corpus("unknown_charset"))

    assert parsed.quarantine_reason is None
    assert "La prévention doit figurer" in parsed.body_text
    assert parsed.defects == (
        "Jeu de caractères inconnu « x-encodage-inconnu » : texte lu en UTF-8.",
    )


def test_an_html_attachment_with_a_script_is_refused_by_name_and_the_mail_stays_usable():
    parsed = parse_message(corpus("html_attachment_script"))

    assert parsed.quarantine_reason is None
    assert parsed.attachments == ()
    assert parsed.refused_attachments == (
        "La pièce jointe « analyse.html » n’est pas d’un format accepté "
        "(PDF, ODT, DOCX, TXT, PNG, JPEG, GIF ou WebP), d’après son contenu.",
    )
    assert parsed.body_text == "Vous trouverez mon analyse dans la page jointe."


def test_a_pdf_attachment_is_kept_with_its_hash_name_and_size():
    parsed = parse_message(corpus("pdf_attachment"))

    assert parsed.quarantine_reason is None
    assert parsed.sender_name == "Fédération hospitalière"
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("contribution.pdf", "application/pdf")
    assert attachment.data == PDF
    assert (attachment.size, attachment.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())


def test_an_auto_reply_is_flagged():
    parsed = parse_message(corpus("auto_reply"))

    assert parsed.quarantine_reason is None
    assert parsed.is_auto_submitted
    assert not (parsed.is_mailing_list or parsed.is_bounce)


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: auto-generated", "X-Autorespond: oui", "Precedence: auto_reply"],
)
def test_every_auto_reply_header_is_recognised(header):
    parsed = parse_message(with_sender(f"From: a@example.fr\n{header}"))

    assert parsed.is_auto_submitted


def test_auto_submitted_no_is_a_person_writing():
    parsed = parse_message(with_sender("From: a@example.fr\nAuto-Submitted: no"))

    assert not parsed.is_auto_submitted


def test_a_mailing_list_message_is_flagged():
    parsed = parse_message(corpus("mailing_list"))

    assert parsed.quarantine_reason is None
    assert parsed.is_mailing_list
    assert not (parsed.is_auto_submitted or parsed.is_bounce)


@pytest.mark.parametrize("precedence", ["bulk", "list", "junk"])
def test_bulk_precedences_are_mailing_lists(precedence):
    parsed = parse_message(with_sender(f"From: a@example.fr\nPrecedence: {precedence}"))

    assert parsed.is_mailing_list


def test_a_bounce_is_flagged_and_its_report_is_read():
    parsed = parse_message(corpus("bounce"))

    assert parsed.quarantine_reason is None
    assert parsed.is_bounce
    assert parsed.sender_address == "MAILER-DAEMON@mx.sante.example.fr"
    assert parsed.body_text == "Votre message n'a pas pu être remis à adresse-inconnue@example.fr."
    assert parsed.attachments == () and parsed.refused_attachments == ()


@pytest.mark.parametrize(
    "headers",
    ["From: postmaster@example.fr", "From: a@example.fr\nReturn-Path: <>"],
)
def test_postmaster_and_empty_return_path_are_bounces(headers):
    assert parse_message(with_sender(headers)).is_bounce


def test_a_person_whose_address_merely_starts_like_postmaster_is_no_bounce():
    assert not parse_message(with_sender("From: postmaster-adjoint@example.fr")).is_bounce


def test_a_malformed_sender_is_quarantined_not_guessed():
    parsed = parse_message(corpus("malformed_from"))

    assert parsed.quarantine_reason == (
        "Expéditeur mal formé (une adresse valide attendue) : « Jean Dupont jean.dupont@ »."
    )
    assert (parsed.sender_address, parsed.sender_name) == (None, None)
    assert "expéditeur est mal écrit" in parsed.body_text


@pytest.mark.parametrize(
    ("from_lines", "reason"),
    [
        ("To: personne@example.fr", "Expéditeur impossible à établir : aucun en-tête From."),
        (
            "From: a@example.fr\nFrom: b@example.fr",
            "Expéditeur impossible à établir : plusieurs en-têtes From.",
        ),
        ("From: a@example.fr, b@example.fr", "« a@example.fr, b@example.fr »"),
        ("From: Equipe: a@example.fr;", "« Equipe: a@example.fr; »"),
        ("From: Jean <jean@localhost>", "« Jean <jean@localhost> »"),
        ("From: jean", "« jean »"),
        ("From: <jean..dupont@example.fr>", "« <jean..dupont@example.fr> »"),
        ("From: jean@-example.fr", "« jean@-example.fr »"),
        ("From:", "Expéditeur impossible à établir : en-tête From vide."),
    ],
)
def test_senders_that_are_not_exactly_one_valid_address_are_quarantined(from_lines, reason):
    parsed = parse_message(with_sender(from_lines))

    assert reason in parsed.quarantine_reason
    assert parsed.sender_address is None


def test_a_sender_domain_is_lowercased_and_its_name_decoded():
    parsed = parse_message(with_sender("From: =?utf-8?q?Z=C3=A9lie?= <Zelie.Roy@Example.FR>"))

    assert (parsed.sender_address, parsed.sender_name) == ("Zelie.Roy@example.fr", "Zélie")


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Mon, 2 Mar 2026 10:15:00 +0100", datetime(2026, 3, 2, 9, 15, tzinfo=UTC)),
        ("2 Mar 2026 10:15:00 -0500", datetime(2026, 3, 2, 15, 15, tzinfo=UTC)),
        ("Mon, 2 Mar 2026 10:15:00 -0000", datetime(2026, 3, 2, 10, 15, tzinfo=UTC)),
    ],
)
def test_the_date_is_read_as_an_aware_utc_moment(date, expected):
    parsed = parse_message(with_sender(f"From: a@example.fr\nDate: {date}"))

    assert parsed.sent_at == expected
    assert parsed.sent_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("headers", "defect"),
    [
        ("From: a@example.fr\nSubject: Sans date", "Date d’envoi absente."),
        ("From: a@example.fr\nDate: demain matin", "Date d’envoi illisible : « demain matin »."),
    ],
)
def test_a_missing_or_invalid_date_is_a_defect_not_a_quarantine(headers, defect):
    raw = f"{headers}\n\nTexte.\n".encode()

    parsed = parse_message(raw)

    assert parsed.sent_at is None
    assert parsed.defects == (defect,)
    assert parsed.quarantine_reason is None


# --- Caps, checked on the bytes ---------------------------------------------------------------


def test_a_huge_header_block_is_quarantined_before_parsing():
    folded = "\n ".join(["Un objet interminable pour remplir les en-têtes"] * 1500)
    raw = with_sender(f"From: a@example.fr\nSubject: {folded}")

    parsed = parse_message(raw)

    assert parsed.quarantine_reason == "En-têtes trop volumineux (plus de 64 Ko)."
    assert parsed.sender_address is None and parsed.body_text == ""
    assert message_key(raw).startswith("sha256:")


def test_too_many_headers_are_quarantined():
    many = "\n".join(f"X-Trace-{number}: relais" for number in range(300))
    raw = with_sender(f"From: a@example.fr\n{many}")

    parsed = parse_message(raw)

    assert parsed.quarantine_reason == "Trop d’en-têtes (304 ; au plus 300)."


def test_a_message_over_the_size_cap_is_quarantined_with_its_headers_read():
    raw = contribution_mail("Très long texte. " * 2000).as_bytes()

    parsed = parse_message(raw, ParseLimits(max_message_bytes=20_000))

    assert parsed.quarantine_reason.startswith("Message trop volumineux (")
    assert parsed.quarantine_reason.endswith(" ; au plus 20 Ko).")
    assert (parsed.sender_address, parsed.subject) == ("claire.martin@example.fr", "Contribution")
    assert parsed.message_id == "<genere-1@example.fr>"
    assert parsed.body_text == ""


def test_an_attachment_over_the_cap_is_refused_and_the_mail_stays_usable():
    message = contribution_mail()
    message.add_attachment(
        PDF + b"%" * 5000, maintype="application", subtype="pdf", filename="rapport.pdf"
    )
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="annexe.pdf")

    parsed = parse_message(message.as_bytes(), ParseLimits(max_attachment_bytes=4096))

    assert parsed.quarantine_reason is None
    assert [attachment.filename for attachment in parsed.attachments] == ["annexe.pdf"]
    assert parsed.refused_attachments == (
        "La pièce jointe « rapport.pdf » dépasse la taille maximale de 4 Ko.",
    )


def test_attachments_beyond_the_count_cap_are_refused_by_name():
    message = contribution_mail()
    for number in range(1, 4):
        message.add_attachment(
            PDF, maintype="application", subtype="pdf", filename=f"annexe-{number}.pdf"
        )

    parsed = parse_message(message.as_bytes(), ParseLimits(max_attachments=2))

    assert [attachment.filename for attachment in parsed.attachments] == [
        "annexe-1.pdf",
        "annexe-2.pdf",
    ]
    assert parsed.refused_attachments == (
        "La pièce jointe « annexe-3.pdf » n’est pas gardée : au plus 2 pièces jointes par message.",
    )


def test_images_are_recognised_by_their_content():
    message = contribution_mail()
    for filename, (data, _) in IMAGES.items():
        message.add_attachment(
            data, maintype="application", subtype="octet-stream", filename=filename
        )

    parsed = parse_message(message.as_bytes())

    kept = {attachment.filename: attachment.content_type for attachment in parsed.attachments}
    assert kept == {filename: kind for filename, (_, kind) in IMAGES.items()}
    assert parsed.refused_attachments == ()


def test_documents_reuse_the_contribution_checks_and_a_txt_file_is_kept():
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    message = contribution_mail()
    message.add_attachment(
        docx.getvalue(), maintype="application", subtype="zip", filename="avis.docx"
    )
    message.add_attachment("Notes en texte brut, accentuées.", filename="notes.txt")

    parsed = parse_message(message.as_bytes())

    kinds = [(attachment.filename, attachment.content_type) for attachment in parsed.attachments]
    assert kinds == [
        ("avis.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("notes.txt", "text/plain"),
    ]


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "n’est pas d’un format accepté"),
        ("archives.zip", b"PK\x03\x04" + b"\x00" * 60, "n’est pas d’un format accepté"),
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 60, "n’est pas d’un format accepté"),
        ("rapport.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "ne correspond pas à son contenu"),
        ("vide.pdf", b"", "est vide"),
    ],
)
def test_other_files_are_refused_with_their_name(filename, data, reason):
    message = contribution_mail()
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)

    parsed = parse_message(message.as_bytes())

    assert parsed.attachments == ()
    [refusal] = parsed.refused_attachments
    assert f"« {filename} »" in refusal and reason in refusal
    assert parsed.quarantine_reason is None


def test_an_unnamed_inline_image_is_kept_under_a_made_up_name():
    raw = (
        b"From: a@example.fr\nContent-Type: multipart/related; boundary=b\n\n--b\n"
        b"Content-Type: text/plain\n\nTexte\n--b\nContent-Type: image/png\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + base64.b64encode(IMAGES["schema.png"][0])
        + b"\n--b--\n"
    )

    parsed = parse_message(raw)

    assert [attachment.filename for attachment in parsed.attachments] == ["piece-jointe-1.png"]


# --- Hostile structure ------------------------------------------------------------------------


def test_deeply_nested_parts_are_quarantined():
    depth = 40
    opening = "".join(
        f"Content-Type: multipart/mixed; boundary=b{level}\n\n--b{level}\n"
        for level in range(depth)
    )
    closing = "".join(f"\n--b{level}--\n" for level in reversed(range(depth)))
    raw = f"From: a@example.fr\n{opening}Content-Type: text/plain\n\nTexte{closing}".encode()

    parsed = parse_message(raw)

    assert parsed.quarantine_reason == "Message trop imbriqué (plus de 20 niveaux de parties)."
    assert parsed.sender_address == "a@example.fr"


def test_a_failure_of_the_email_library_is_a_quarantine_with_the_headers_kept(monkeypatch):
    library_parse = BytesParser.parsebytes

    def failing_parse(self, text, headersonly=False):
        if not headersonly:
            raise IndexError("string index out of range")
        return library_parse(self, text, headersonly)

    monkeypatch.setattr(BytesParser, "parsebytes", failing_parse)

    parsed = parse_message(corpus("plain_text"))

    assert parsed.quarantine_reason == "Le message n’a pas pu être analysé (erreur IndexError)."
    assert parsed.sender_address == "claire.martin@example.fr"
    assert parsed.subject == "Contribution sur le chapitre 3 : identité numérique"
    assert "=C3=A9" in parsed.body_text  # the undecoded text, as evidence


def test_a_header_that_breaks_the_library_still_gives_a_parsed_mail():
    raw = (
        b"From: Anne <anne@example.fr>\nSubject: Essai\n"
        b"Content-Type: text/plain; charset=utf-8;\n title*\n\nCorps\n"
    )

    parsed = parse_message(raw)

    assert (parsed.sender_address, parsed.subject) == ("anne@example.fr", "Essai")
    assert "Corps" in parsed.body_text


def test_text_never_carries_nul_characters_or_lone_surrogates():
    raw = (
        b"From: a@example.fr\nSubject: A\x00B\nContent-Type: text/plain; charset=utf-16\n\n\x00\xd8"
    )

    parsed = parse_message(raw)

    text = parsed.subject + parsed.body_text + "".join(parsed.defects)
    assert "\x00" not in text
    text.encode("utf-8")


def test_html_to_text_drops_scripts_keeps_blocks_and_decodes_entities():
    html = (
        "<style>p{}</style><h1>Titre</h1><p>Caf&eacute; &amp; th&#233;<script>x()</script></p>"
        "<table><tr><td>a</td><td>b</td></tr></table><script>non fermé"
    )

    assert html_to_text(html) == "Titre\n\nCafé & thé\n\na b"


def test_html_to_text_is_not_fooled_by_stray_end_tags_or_svg_scripts():
    html = "</script></head>a<script>alert(1)</script>b<svg><script>x()</script></svg>c"

    assert html_to_text(html) == "abc"


# --- CPython's own test mail ------------------------------------------------------------------


def cpython_email_data() -> list[Path]:
    """Where the interpreter keeps its email test data, when it ships it."""
    places = [Path(email.__file__).parent.parent / "test" / "test_email" / "data"]
    try:
        from test import support

        places.append(Path(support.TEST_HOME_DIR) / "test_email" / "data")
    except ImportError:
        pass
    return [place for place in places if place.is_dir()]


CPYTHON_MESSAGES = sorted(
    {path for place in cpython_email_data() for path in place.glob("msg_*.txt")}
)


@pytest.mark.parametrize(
    "path", CPYTHON_MESSAGES or [None], ids=lambda path: getattr(path, "name", "absent")
)
def test_every_cpython_email_test_message_gives_a_parsed_mail(path):
    if path is None:
        assert cpython_email_data() == []
        raw = contribution_mail().as_bytes()
    else:
        raw = path.read_bytes()

    parsed = parse_message(raw)

    assert isinstance(parsed, ParsedMail)
    assert parsed.quarantine_reason or parsed.sender_address
    assert message_key(raw) == parsed.message_id or message_key(raw).startswith("sha256:")


def test_the_cpython_email_test_messages_ran_where_the_interpreter_ships_them():
    assert bool(CPYTHON_MESSAGES) == bool(cpython_email_data())
