"""Settings come from the environment; a production start without a secret key is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from consultation.config import ConfigurationError, from_environment


def test_outside_development_a_secret_key_is_required(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CONCERTATION_ENV", "production")

    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        from_environment(Path("/srv/instance"))


def test_development_runs_on_an_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CONCERTATION_ENV", "development")

    settings = from_environment(Path("/srv/instance"))

    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/instance/concertation.sqlite3"
    assert len(settings["SECRET_KEY"]) >= 32
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_production_reads_postgresql_and_secure_cookies_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONCERTATION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.internal:5432/concertation")

    settings = from_environment(Path("/srv/instance"))

    assert settings["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://app:secret@db.internal:5432/concertation"
    )
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["DEBUG"] is False
