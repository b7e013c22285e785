"""Fair Chance Work: the application factory reads as the table of contents."""

from __future__ import annotations

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from marketplace.config import PROJECT_ROOT, Config
from marketplace.extensions import csrf, db, login_manager, migrate


def create_app(config=None) -> Flask:
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"), instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_object(config or Config.from_env())
    register_templates(app)
    register_extensions(app)
    register_request_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(app.template_folder),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")
    WTFormsHelpers(app)
    from marketplace.core import filters

    filters.register(app)


def register_extensions(app: Flask) -> None:
    from marketplace.accounts import sessions
    from marketplace.accounts.views import unauthorised_redirect
    from marketplace.core import redis_sessions
    from marketplace.core.db import configure_sqlite

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions.py checks every request against the database
    login_manager.user_loader(sessions.load_user)
    login_manager.unauthorized_handler(unauthorised_redirect)
    redis_sessions.configure(app)  # sessions shared by every host when REDIS_URL is set
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
        from marketplace.search.sync import register as apply_index_tasks_after_commit

        apply_index_tasks_after_commit()
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_request_hooks(app: Flask) -> None:
    from marketplace.core.db import mark_request_transaction_mode
    from marketplace.core.navigation import template_context
    from marketplace.core.security import register_security

    register_security(app)
    app.before_request(lambda: mark_request_transaction_mode(app))
    app.context_processor(template_context)


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts
    from marketplace.admin.views import bp as admin
    from marketplace.alliance.views import bp as alliance
    from marketplace.campus.views import bp as campus
    from marketplace.careers.views import bp as careers
    from marketplace.core.views import bp as core
    from marketplace.disclosure.views import bp as disclosure
    from marketplace.funding.views import bp as funding
    from marketplace.gatemate.views import bp as gatemate
    from marketplace.opportunities.views import bp as opportunities
    from marketplace.participants.views import bp as participants
    from marketplace.payback.views import bp as payback
    from marketplace.referrals.views import bp as referrals
    from marketplace.reports.views import bp as reports
    from marketplace.search.views import bp as search
    from marketplace.shortlists.views import bp as shortlists

    for blueprint in (core, accounts, admin, participants, alliance, opportunities, search, referrals, gatemate,
                      disclosure, reports, payback, campus, funding, careers, shortlists):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from marketplace.core.errors import register_error_handlers as register
    from marketplace.core.logs import configure_logging

    register(app)
    configure_logging(app)


def register_commands(app: Flask) -> None:
    from marketplace.cli import register

    register(app)
