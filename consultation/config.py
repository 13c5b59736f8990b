"""Settings read from the environment, so that secrets never live in the code."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'concertation.sqlite3'}"
    # Hosting platforms still hand out the old "postgres://" scheme; psycopg 3 is our driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(is_development: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if is_development:
        # A fresh key per process is enough for a local demo; sessions end at restart.
        return secrets.token_hex(32)
    raise ConfigurationError(
        "SECRET_KEY must be set outside development (FLASK_ENV=development or "
        "CONCERTATION_ENV=development allows a temporary key)."
    )


def from_environment(instance_path: Path) -> dict[str, object]:
    """Build the Flask configuration from environment variables."""
    environment = os.environ.get("CONCERTATION_ENV", os.environ.get("FLASK_ENV", "production"))
    is_development = environment == "development"
    return {
        "ENV_NAME": environment,
        "DEBUG": is_development and _flag("FLASK_DEBUG", True),
        "SECRET_KEY": _secret_key(is_development),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not is_development and _flag("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not is_development and _flag("SESSION_COOKIE_SECURE", True),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(60 * 1024 * 1024))),
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "concertation@example.gouv.fr"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        **_inbound_mail_settings(),
        "STORAGE_DIR": os.environ.get("STORAGE_DIR", str(instance_path / "storage")),
        "EXPORTS_DIR": os.environ.get("EXPORTS_DIR", str(ROOT / "exports")),
        # Raw visitor rows (flask audience purge); the daily counts stay. 760 days ≈ 25 months.
        "AUDIENCE_RAW_RETENTION_DAYS": int(os.environ.get("AUDIENCE_RAW_RETENTION_DAYS", "760")),
        **_background_settings(instance_path),
        "OPENDATA_PSEUDONYM_KEY": os.environ.get("OPENDATA_PSEUDONYM_KEY", "").strip(),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "TRUSTED_PROXY_COUNT": int(os.environ.get("TRUSTED_PROXY_COUNT", "0")),
        "ANTISPAM_ENABLED": True,
        "ANTISPAM_MIN_SECONDS": 3,
        # Moderators, analysts and admins confirm each sign-in with a TOTP code (accounts.mfa).
        "STAFF_MFA_REQUIRED": _flag("STAFF_MFA_REQUIRED", True),
    }


def _inbound_mail_settings() -> dict[str, object]:
    """The consultation's mailbox (`flask mail fetch`) and the limits on what it accepts."""
    mail_from = os.environ.get("MAIL_FROM", "concertation@example.gouv.fr")
    return {
        "IMAP_HOST": os.environ.get("IMAP_HOST", ""),
        "IMAP_PORT": int(os.environ.get("IMAP_PORT", "993")),
        "IMAP_USER": os.environ.get("IMAP_USER", ""),
        "IMAP_PASSWORD": os.environ.get("IMAP_PASSWORD", ""),
        "IMAP_FOLDER": os.environ.get("IMAP_FOLDER", "INBOX"),
        # "tls" (port 993), "starttls" (port 143), or "none" for tests and a local server only.
        "IMAP_SECURITY": os.environ.get("IMAP_SECURITY", "tls"),
        # What is taken is flagged \Seen and with this keyword, or moved when IMAP_MOVE_TO is set.
        "IMAP_DONE_FLAG": os.environ.get("IMAP_DONE_FLAG", "$Concertation"),
        "IMAP_MOVE_TO": os.environ.get("IMAP_MOVE_TO", ""),
        "MAIL_MAX_MESSAGE_BYTES": int(os.environ.get("MAIL_MAX_MESSAGE_BYTES", str(25 << 20))),
        "MAIL_MAX_ATTACHMENT_BYTES": int(
            os.environ.get("MAIL_MAX_ATTACHMENT_BYTES", str(10 << 20))
        ),
        # Our own address: mail from it is never acknowledged (no mail loops).
        "CONSULTATION_ADDRESS": os.environ.get("CONSULTATION_ADDRESS", mail_from),
    }


def _background_settings(instance_path: Path) -> dict[str, object]:
    """The task queue (Redis when REDIS_URL is set, else a SQLite file) and the exports it makes."""
    return {
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip(),
        "HUEY_SQLITE_PATH": os.environ.get("HUEY_SQLITE_PATH", str(instance_path / "huey.sqlite3")),
        # Tasks run at once in the process that queues them: for debugging only.
        "HUEY_IMMEDIATE": _flag("HUEY_IMMEDIATE"),
        "HUEY_WORKERS": int(os.environ.get("HUEY_WORKERS", "2")),
        # A generated workbook is deleted (`flask export purge`) this long after it is ready.
        "EXPORT_RETENTION_HOURS": int(os.environ.get("EXPORT_RETENTION_HOURS", "72")),
        # An export still running after this long is taken for crashed and run again.
        "EXPORT_STALE_MINUTES": int(os.environ.get("EXPORT_STALE_MINUTES", "120")),
    }
