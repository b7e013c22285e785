"""Configuration, read from the environment with safe defaults.

Production is the default: a deployment that forgets SECRET_KEY fails at start-up rather than
running with a guessable key. `make run` sets MARKETPLACE_ENV=development.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _development_secret_key() -> str:
    """Generate a key once and keep it in instance/, so sessions survive restarts in development."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class ConfigurationError(RuntimeError):
    pass


class Config:
    SERVICE_NAME = "Fair Chance Work"
    ENVIRONMENT = "production"

    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}"
    # hide_parameters: a failed statement's values (a password hash, offence details) never reach an
    # exception message, and so never the log.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    SQLITE_BUSY_TIMEOUT_SECONDS = 30

    SEARCH_INDEX_DIR = str(PROJECT_ROOT / "search_index")
    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    REDIS_URL: str | None = None
    TRUSTED_PROXY_COUNT = 0  # how many proxies in front set X-Forwarded-For (ProxyFix)

    SECRET_KEY: str | None = None
    SESSION_COOKIE_NAME = "fcw_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    SESSION_WARNING_BEFORE = timedelta(minutes=5)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    LOGIN_FAILURE_LIMIT = 10
    LOGIN_FAILURE_WINDOW = timedelta(minutes=5)
    LOGIN_ADDRESS_FAILURE_LIMIT = 30  # failed sign-ins from one network address, any accounts, per window
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hashing method, not a password. Werkzeug's default cost: n=32768, r=8, p=1
    RESET_TOKEN_LIFETIME = timedelta(hours=1)
    INVITATION_LIFETIME = timedelta(days=7)
    # The Virtual Campus (marketplace/campus/): a person's first-time code, their own sign-in lockout,
    # a shorter idle time than staff (shared kiosks and in-cell laptops), and how many messages a
    # person may send for checking in a day.
    CAMPUS_CODE_LIFETIME = timedelta(days=14)
    CAMPUS_IDLE_TIMEOUT = timedelta(minutes=15)
    CAMPUS_SIGN_IN_FAILURE_LIMIT = 5
    CAMPUS_SIGN_IN_FAILURE_WINDOW = timedelta(minutes=15)
    # A 6-digit PIN has a million values, not a passphrase's billions: 5 wrong PINs lock kiosk sign-in
    # for that person until their case manager unlocks it or 24 hours pass (at most 5 guesses a day).
    CAMPUS_PIN_FAILURE_LIMIT = 5
    CAMPUS_PIN_LOCK = timedelta(hours=24)
    CAMPUS_MESSAGES_PER_DAY = 5

    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the CSRF token lives as long as the session, which has its own timeouts

    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_FROM = "Fair Chance Work <no-reply@fairchance.example>"
    PUBLIC_URL = "http://127.0.0.1:5000"
    # An email's single-use links (password reset, invitation, confirmation) are the recipient's key
    # to an account: the admin outbox shows them only where no real person's account is at stake
    # (`make run`'s development mode, so a tester can follow a reset link); elsewhere it hides them.
    OUTBOX_SHOWS_LINK_SECRETS = False
    # GOV.UK Notify for Gatemate's release-day texts (gatemate/texts.py); unset: the outbox, as before.
    NOTIFY_API_KEY: str | None = None
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    NOTIFY_SMS_TEMPLATE_ID = ""
    NOTIFY_EMAIL_TEMPLATE_ID = ""

    PARTICIPANT_RETENTION_YEARS = 6
    SERVED_BY_HEADER = False  # X-Served-By: <worker pid> on every response (multi-worker checks)

    DEMO_SEED = 2026

    @classmethod
    def from_env(cls) -> type[Config]:
        """Build the configuration class for this process from environment variables."""
        environment = os.environ.get("MARKETPLACE_ENV", "production")
        values: dict = {
            "ENVIRONMENT": environment,
            "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or cls.SQLALCHEMY_DATABASE_URI,
            "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR") or cls.SEARCH_INDEX_DIR,
            "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or cls.UPLOAD_DIR,
            "REDIS_URL": os.environ.get("REDIS_URL") or None,
            "TRUSTED_PROXY_COUNT": _int("TRUSTED_PROXY_COUNT", 0),
            "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", True),
            "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", cls.MAX_CONTENT_LENGTH),
            "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
            "MAIL_PORT": _int("MAIL_PORT", cls.MAIL_PORT),
            "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
            "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
            "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
            "MAIL_FROM": os.environ.get("MAIL_FROM") or cls.MAIL_FROM,
            "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or cls.PUBLIC_URL).rstrip("/"),
            "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY") or None,
            "NOTIFY_BASE_URL": os.environ.get("NOTIFY_BASE_URL") or cls.NOTIFY_BASE_URL,
            "NOTIFY_SMS_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_TEMPLATE_ID") or "",
            "NOTIFY_EMAIL_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID") or "",
            "SERVED_BY_HEADER": _flag("SERVED_BY_HEADER", False),
            "OUTBOX_SHOWS_LINK_SECRETS": _flag("OUTBOX_SHOWS_LINK_SECRETS", environment == "development"),
            "PARTICIPANT_RETENTION_YEARS": _int("PARTICIPANT_RETENTION_YEARS", cls.PARTICIPANT_RETENTION_YEARS),
        }
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            if environment != "development":
                raise ConfigurationError(
                    "SECRET_KEY must be set outside development (set MARKETPLACE_ENV=development "
                    "to have one generated in instance/)."
                )
            secret = _development_secret_key()
        values["SECRET_KEY"] = secret
        return type("EnvironmentConfig", (cls,), values)


class TestConfig(Config):
    """Used by the test suite; the database URL and directories are filled in by tests/conftest.py."""

    ENVIRONMENT = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SESSION_COOKIE_SECURE = True
    PUBLIC_URL = "https://fairchance.test"
    PREFERRED_URL_SCHEME = "https"  # the test client then speaks https, so Secure cookies flow
    # Still scrypt, at a lower cost, so thousands of sign-in attempts in the tests take seconds.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a hashing method
    SERVER_NAME = None
