"""Fixtures of the back-office tests: a signed-in admin and a consultation to work on."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def admin(login):
    return login(role="admin")


@pytest.fixture
def upcoming_consultation(make_consultation, make_batch, make_chapter):
    """A consultation opening in ten days, with one batch of one chapter due in twenty."""
    consultation = make_consultation(
        opens_in=timedelta(days=10), closes_in=timedelta(days=60), slug="doctrine-a-venir"
    )
    batch = make_batch(consultation, publish_in=timedelta(days=20), title="Premier lot")
    make_chapter(batch, title="Les fondations", slug="fondations")
    return consultation


@pytest.fixture
def published_batch(make_batch):
    """A batch published an hour ago in an open consultation."""
    return make_batch(publish_in=timedelta(hours=-1))
