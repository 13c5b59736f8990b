"""Fixtures of the contribution tests: builders, files of every kind, a private storage folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    """Each test writes its attachments in its own folder, and sees only them."""
    previous = app.config.get("STORAGE_DIR")
    app.config["STORAGE_DIR"] = str(tmp_path / "storage")
    yield tmp_path / "storage" / "attachments"
    app.config["STORAGE_DIR"] = previous
