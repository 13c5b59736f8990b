"""What a file sent with a contribution really is, read from its content and not from its name.

Only PDF, ODT, DOCX and plain UTF-8 text are accepted. Zip containers (ODT, DOCX) are judged on
their directory alone, entry count and announced sizes, before any byte is decompressed.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from consultation.core.errors import Refused

MAX_FILE_COUNT = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
#: A document is a few hundred entries at most; a zip bomb is thousands or huge once inflated.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TXT = "text/plain"
EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx", TXT: ".txt"}
ACCEPTED = "PDF, ODT, DOCX ou TXT"


class AttachmentRefused(Refused):
    """A file that cannot be accepted; message names the file, in French."""


@dataclass(frozen=True)
class Upload:
    """A file as received: its name on the sender's computer and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def clean_filename(filename: str) -> str:
    """The last part of the name, without control characters or path separators, accents kept."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip(" .")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = stem[:190] + dot + extension[:9] if dot else name[:200]
    return name or "fichier"


def check_uploads(uploads: list[Upload]) -> list[CheckedFile]:
    """Every file checked, or AttachmentRefused for the first one that cannot be accepted."""
    if len(uploads) > MAX_FILE_COUNT:
        raise AttachmentRefused(
            f"Vous pouvez joindre au plus {MAX_FILE_COUNT} fichiers ({len(uploads)} envoyés)."
        )
    return [check_upload(upload) for upload in uploads]


def check_upload(upload: Upload) -> CheckedFile:
    name = clean_filename(upload.filename)
    if len(upload.data) > MAX_FILE_SIZE:
        raise AttachmentRefused(f"Le fichier « {name} » dépasse la taille maximale de 10 Mo.")
    if not upload.data:
        raise AttachmentRefused(f"Le fichier « {name} » est vide.")
    content_type = detect_type(upload.data, name)
    if content_type is None:
        raise AttachmentRefused(
            f"Le fichier « {name} » n’est pas d’un format accepté ({ACCEPTED}), "
            "d’après son contenu."
        )
    if not name.lower().endswith(EXTENSIONS[content_type]):
        raise AttachmentRefused(
            f"Le nom du fichier « {name} » doit se terminer par {EXTENSIONS[content_type]}, "
            "comme son contenu."
        )
    return CheckedFile(name, content_type, upload.data)


def detect_type(data: bytes, name: str) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_document_type(data, name)
    return TXT if _is_text(data) else None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _zip_document_type(data: bytes, name: str) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES or _inflated_size(entries) > MAX_ZIP_UNCOMPRESSED:
            raise AttachmentRefused(
                f"Le fichier « {name} » est une archive anormale (trop de contenu une fois "
                "décompressé) : il n’est pas accepté."
            )
        return _document_type(archive, entries)


def _inflated_size(entries: list[zipfile.ZipInfo]) -> int:
    return sum(entry.file_size for entry in entries)


def _document_type(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str | None:
    names = {entry.filename for entry in entries}
    if entries and entries[0].filename == "mimetype" and entries[0].file_size < 100:
        try:
            if archive.read(entries[0]).strip() == ODT.encode():
                return ODT
        except (zipfile.BadZipFile, OSError, NotImplementedError):
            return None
    if {"[Content_Types].xml", "word/document.xml"} <= names:
        return DOCX
    return None
