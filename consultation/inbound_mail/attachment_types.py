"""Which files that came with a mail are kept: documents and images, judged on their content.

Documents (PDF, ODT, DOCX, TXT) are recognised by the same checks as files sent with an online
contribution; images (PNG, JPEG, GIF, WebP) by their magic numbers. Anything else is refused with
a French reason naming the file; the mail itself stays usable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from consultation.contributions.attachments import (
    EXTENSIONS as DOCUMENT_EXTENSIONS,
)
from consultation.contributions.attachments import (
    AttachmentRefused,
    clean_filename,
    detect_type,
)

PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
#: Accepted name endings for each kind, the first one used when a part has no name.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    **{kind: (extension,) for kind, extension in DOCUMENT_EXTENSIONS.items()},
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    GIF: (".gif",),
    WEBP: (".webp",),
}
ACCEPTED = "PDF, ODT, DOCX, TXT, PNG, JPEG, GIF ou WebP"


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    size: int


def image_type(data: bytes) -> str | None:
    """The image format announced by the first bytes of the file, if it is one we keep."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def check_attachment(
    filename: str | None, data: bytes, number: int, max_bytes: int
) -> MailAttachment:
    """The file as kept, or AttachmentRefused with a French reason naming it.

    A part without a name is called after its position and the kind its content shows.
    """
    name = clean_filename(filename) if filename else f"pièce jointe n° {number}"
    if len(data) > max_bytes:
        raise AttachmentRefused(
            f"La pièce jointe « {name} » dépasse la taille maximale de {_megabytes(max_bytes)}."
        )
    if not data:
        raise AttachmentRefused(f"La pièce jointe « {name} » est vide.")
    content_type = image_type(data) or detect_type(data, name)
    if content_type is None:
        raise AttachmentRefused(
            f"La pièce jointe « {name} » n’est pas d’un format accepté ({ACCEPTED}), "
            "d’après son contenu."
        )
    if not filename:
        name = f"piece-jointe-{number}{EXTENSIONS[content_type][0]}"
    elif not name.lower().endswith(EXTENSIONS[content_type]):
        raise AttachmentRefused(
            f"Le nom de la pièce jointe « {name} » ne correspond pas à son contenu "
            f"({EXTENSIONS[content_type][0]} attendu)."
        )
    digest = hashlib.sha256(data).hexdigest()
    return MailAttachment(name, content_type, data, digest, len(data))


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} Mo"
    return f"{size / 1024:g} Ko" if size >= 1024 else f"{size} octets"
