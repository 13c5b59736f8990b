"""Concertation: a public consultation platform for the French State."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from consultation import config as settings
from consultation.core import tasks
from consultation.extensions import configure_sqlite, csrf, db, limiter, login_manager, migrate

ROOT = settings.ROOT


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands, error pages."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if config is None or "SECRET_KEY" not in config:
        app.config.update(settings.from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    _trust_reverse_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_web_helpers(app)
    tasks.init_app(app)  # once the domains have declared their background jobs
    return app


def _trust_reverse_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client address from the N-th X-Forwarded-For entry.

    Only that many entries are trusted, so a client cannot choose its address (rate limits).
    """
    count = int(app.config.get("TRUSTED_PROXY_COUNT", 0))
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _init_extensions(app: Flask) -> None:
    import consultation.models  # noqa: F401 - every table must be known before migrations run
    from consultation.statistics import tally

    db.init_app(app)
    tally.install()  # the figures' tally follows every flush of contributions and answers
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from consultation.accounts.account_views import bp as account
    from consultation.accounts.mfa_views import bp as mfa
    from consultation.accounts.news_views import bp as news
    from consultation.accounts.views import bp as accounts
    from consultation.admin.views import bp as admin
    from consultation.contributions.views import bp as contributions
    from consultation.legal.views import bp as legal
    from consultation.moderation.views import bp as moderation
    from consultation.publication.views import bp as publication
    from consultation.statistics.audience_views import bp as audience
    from consultation.statistics.export_views import bp as exports
    from consultation.statistics.opendata_views import bp as opendata
    from consultation.statistics.views import bp as statistics

    blueprints = (
        publication,
        contributions,
        accounts,
        mfa,
        account,
        news,
        moderation,
        admin,
        legal,
        audience,
        opendata,
        statistics,
        exports,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from consultation.accounts.cli import users
    from consultation.accounts.news_cli import news
    from consultation.contributions.cli import contributions
    from consultation.core.cli import outbox_group
    from consultation.demo.cli import demo
    from consultation.inbound_mail.cli import mail
    from consultation.moderation.cli import answers
    from consultation.publication.cli import consultations
    from consultation.statistics import workbook_cli  # noqa: F401 - adds `flask export workbook`
    from consultation.statistics.audience_cli import audience
    from consultation.statistics.cli import export
    from consultation.statistics.jobs_cli import purge  # noqa: F401 - and run-pending
    from consultation.statistics.opendata_cli import opendata_command  # noqa: F401
    from consultation.statistics.stats_cli import stats

    for group in (users, news, consultations, demo, mail, answers, contributions, export, audience):
        app.cli.add_command(group)
    app.cli.add_command(outbox_group, "outbox")
    app.cli.add_command(stats)
    app.cli.add_command(tasks.tasks_group)


def _register_web_helpers(app: Flask) -> None:
    from consultation.core import web

    web.register(app)
