"""Fixtures of the contribution tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_storage(storage_dir):
    """Every contribution test writes its attachments in its own folder (`storage_dir`)."""
    return storage_dir
