"""Files of contributions on disk: STORAGE_DIR/attachments/<random hex>, outside the static files.

A file's name on disk says nothing of its sender nor of its content; the database keeps its
original name, type, size and SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from flask import current_app


def _folder() -> Path:
    root = current_app.config.get("STORAGE_DIR") or Path(current_app.instance_path) / "storage"
    folder = Path(root) / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def path_for(storage_key: str) -> Path:
    if not storage_key.isalnum():
        raise ValueError("a storage key is hexadecimal")
    return _folder() / storage_key


def new_key() -> str:
    return secrets.token_hex(16)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(storage_key: str, data: bytes) -> None:
    """Write the whole file under a temporary name first, so no half-written file is ever read."""
    target = path_for(storage_key)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    partial.replace(target)


def remove(storage_key: str) -> None:
    path_for(storage_key).unlink(missing_ok=True)
