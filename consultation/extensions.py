"""Flask extensions, created unbound and attached to the app by create_app()."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, identical on SQLite and PostgreSQL, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configure_sqlite(engine: Engine) -> None:
    """Make the embedded SQLite behave like the production database where it matters.

    Foreign keys are enforced; SQLAlchemy emits BEGIN itself (pysqlite's own transaction handling
    would commit on SAVEPOINT release and break begin_nested()); readers never wait for writers
    (WAL); and what may write takes the write lock at once, because SQLite cannot turn a read
    transaction into a write while another connection writes ("database is locked"): writers
    then queue for up to five seconds instead of failing.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA busy_timeout = 5000")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


#: Set while a long job only reads (an export): see reading_only().
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)


@contextmanager
def reading_only(enabled: bool = True) -> Iterator[None]:
    """Transactions begun inside only read, so on SQLite they take no write lock.

    A workbook export reads for minutes: it must not hold back the other writers (the web
    forms) all that time. Its own short writes inside use `reading_only(False)`.
    """
    token = _reading_only.set(enabled)
    try:
        yield
    finally:
        _reading_only.reset(token)


def _may_write() -> bool:
    """Commands and form posts may write; page views only read, and so does a long export."""
    if _reading_only.get():
        return False
    return not has_request_context() or request.method not in {"GET", "HEAD", "OPTIONS"}
