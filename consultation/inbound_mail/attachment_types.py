"""Which files that came with a mail are kept: documents and images, judged on their content.

Documents (PDF, ODT, DOCX, TXT) are recognised by the same checks as files sent with an online
contribution; images (PNG, JPEG, GIF, WebP) by their magic numbers. Anything else is refused with
a French reason naming the file; the mail itself stays usable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.message import Message

from consultation.contributions.attachments import EXTENSIONS as DOCUMENT_EXTENSIONS
from consultation.contributions.attachments import TXT as DOCUMENT_TXT
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
#: Text that a browser would run or render is not plain text, whatever its name says.
MARKUP = re.compile(rb"<\s*(script|html|!doctype|body|iframe|svg|object)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    size: int


def collect_attachments(
    parts: list[Message], body_parts: list[Message], max_count: int, max_bytes: int
) -> tuple[list[MailAttachment], list[str]]:
    """Files kept, and French reasons for the ones refused, among the parts of a message.

    Only leaf parts count, except the text parts read as the body; a text part is a file when it
    is marked as an attachment or has a name.
    """
    kept: list[MailAttachment] = []
    refused: list[str] = []
    files = [part for part in parts if _is_file(part, body_parts)]
    for number, part in enumerate(files, start=1):
        name = _filename(part)
        if number > max_count:
            refused.append(
                f"La pièce jointe « {name or f'n° {number}'} » n’est pas gardée : "
                f"au plus {max_count} pièces jointes par message."
            )
            continue
        try:
            kept.append(check_attachment(name, _payload(part), number, max_bytes))
        except AttachmentRefused as refusal:
            refused.append(refusal.message)
        except Exception:  # one unreadable file must not cost the others or the message
            refused.append(f"La pièce jointe « {name or f'n° {number}'} » est illisible.")
    return kept, refused


def _is_file(part: Message, body_parts: list[Message]) -> bool:
    try:
        return _is_leaf_file(part, body_parts)
    except Exception:  # a part whose headers cannot be read is treated as a file, and refused
        return True


def _is_leaf_file(part: Message, body_parts: list[Message]) -> bool:
    if part.is_multipart() or part.get_content_maintype() in {"multipart", "message"}:
        return False
    if any(part is body for body in body_parts):
        return False
    return part.get_content_maintype() != "text" or part.is_attachment() or bool(_filename(part))


def _filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except Exception:  # a name that cannot be read is no name
        return None


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


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
    if content_type is None or (content_type == DOCUMENT_TXT and MARKUP.search(data)):
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
