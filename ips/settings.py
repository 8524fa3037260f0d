"""The one settings module. Everything that differs between machines comes from the environment.

Required: DATABASE_URL, REDIS_URL, and SECRET_KEY unless DEBUG. `make run` and `make test` start
embedded PostgreSQL/Redis and set these for you (see ips/embedded.py); settings never start servers.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ips.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG)
if not SECRET_KEY:
    # DEBUG only: a throwaway key (sessions do not survive a restart, which is fine locally).
    import secrets

    SECRET_KEY = "dev-" + secrets.token_urlsafe(40)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Cross-cutting apps live inside the project package.
    "ips.accounts",
    "ips.audit",
    "deadlines",
    "dashboards",
    "ips.demo",
    # Domain apps.
    "referrals",
    "participants",
    "employers",
    "fidelity",
    "appointments",
    # Moving in and out: spreadsheet import wizard and team export.
    "spreadsheets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ips.middleware.SessionIdleMiddleware",
    "ips.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL bytes are refused before any view or filter sees them (PostgreSQL rejects them).
    "ips.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Signed in with a password but not yet the second factor: only the 2FA pages are reachable.
    "ips.accounts.middleware.RequireSecondFactorMiddleware",
    # Stamps every history row (pghistory) with the user and URL that caused it.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "ips.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "ips.urls"
WSGI_APPLICATION = "ips.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ips.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", required=True)
try:
    _db = dj_database_url.parse(_database_url, conn_health_checks=True)
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL is malformed ({exc}).") from None
if _db.get("ENGINE") != "django.db.backends.postgresql" or not _db.get("NAME"):
    raise ConfigError(
        "DATABASE_URL must be a PostgreSQL URL with a database name, "
        "e.g. postgres://user@127.0.0.1:5432/ips."
    )
# Django's own psycopg 3 pool for web processes. Celery sets DATABASE_POOL=false (ips/celery.py):
# its prefork children must not share connections opened by the parent.
if env_bool("DATABASE_POOL", default=True):
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DATABASE_POOL_MAX", 10, minimum=1),
        "timeout": 10,
    }
# No JIT: PostgreSQL compiles a query when its *estimated* cost is high, and the correlated
# subqueries of the status-on-a-day expressions inflate the estimates. On the national bench the
# fidelity caseload indicator spent 366 ms compiling a query that ran in 3 ms. Ours are short
# queries; compiling them never pays.
_db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Tests: one database per test run, so runs that share a PostgreSQL server never meet. The run
# token comes from `make test` (IPS_TEST_RUN, set once by ips/embedded.py), else from pytest-xdist's
# run id, else from this process; pytest-django appends the xdist worker (test_ips_<run>_gw0, ...)
# and drops the databases at the end. DATABASE_TEST_NAME, when set, is used as it is.
_test_run = (
    env_str("IPS_TEST_RUN") or env_str("PYTEST_XDIST_TESTRUNUID")[:12] or str(os.getpid())
).lower()
if not re.fullmatch(r"[a-z0-9]{1,24}", _test_run):
    raise ConfigError(f"IPS_TEST_RUN={_test_run!r} must be 1-24 letters and digits.")
_db["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME", f"test_ips_{_test_run}")}
DATABASES = {"default": _db}
# Two database roles (ips/dbroles.py): web, worker and beat connect (DATABASE_URL) as the app role,
# which has DML rights only; migrations run with DATABASE_URL set to the owner role. Only that
# owner process sets DATABASE_APP_URL: the app role (and its password) that `manage.py
# db_app_role` creates and grants to after `migrate`.
DATABASE_APP_URL = env_str("DATABASE_APP_URL", "")
if DATABASE_APP_URL:
    try:
        _app_db = dj_database_url.parse(DATABASE_APP_URL)
    except ValueError as exc:
        raise ConfigError(f"DATABASE_APP_URL is malformed ({exc}).") from None
    if _app_db.get("ENGINE") != "django.db.backends.postgresql" or not _app_db.get("USER"):
        raise ConfigError(
            "DATABASE_APP_URL must be a PostgreSQL URL with a user name, "
            "e.g. postgres://ips_app:secret@db:5432/ips."
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and the cache -----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", required=True)
_redis = urlparse(REDIS_URL)
if _redis.scheme not in {"redis", "rediss", "unix"}:
    raise ConfigError(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")
# The embedded Redis listens on a unix socket; kombu names that scheme redis+socket.
CELERY_BROKER_URL = "redis+socket://" + _redis.path if _redis.scheme == "unix" else REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ips"),
    }
}

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: 30 minutes idle (configurable), gone at browser close. The server-side expiry moves
# on at most once a minute (ips.middleware.SessionIdleMiddleware), not with a database write on
# every request: a session then ends 29 to 30 minutes after its last request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
# Read from Redis, written through to PostgreSQL (the row stays the truth: sign-out deletes both,
# and a Redis restart only costs one database read per session).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_REFRESH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor sign-in (django-otp, TOTP + single-use recovery codes) is required for everyone.
OTP_TOTP_ISSUER = "IPS jobbstøtte"
# `make run` demo users may skip the second factor, but only while DEBUG is on (the middleware
# checks DEBUG again, so a list left in a production environment has no effect).
_DEMO_USERNAMES = [
    "leder",
    "spesialist",
    "kollega",
    "ara-spesialist",
    "ara-leder",
    "nav",
    "dps-partner",
    "revisor",
    "koordinator",
    "admin",
]
OTP_DEMO_EXEMPT_USERNAMES = env_list("OTP_DEMO_EXEMPT_USERNAMES", _DEMO_USERNAMES) if DEBUG else []
if not DEBUG and env_list("OTP_DEMO_EXEMPT_USERNAMES", []):
    raise ConfigError("OTP_DEMO_EXEMPT_USERNAMES only works with DEBUG=true; remove it.")

# Brute-force protection for the password step (ips/accounts/throttle.py): failures within the
# window lock the username+address pair, the username, or the address, each for the lockout time.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_LIMIT_PER_USERNAME = env_int("LOGIN_FAILURE_LIMIT_PER_USERNAME", 20, minimum=1)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 50, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ips.formats"]

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("STATIC_PLAIN_STORAGE", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("STATIC_PLAIN_STORAGE", default=False)
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IPS <ips@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users reach the app at; e-mails (the daily alert digest) link to it.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ConfigError(
        f"SITE_URL={SITE_URL!r} must start with https:// (e.g. https://ips.example.no)."
    )

# --- Security -----------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Reverse proxies of our own in front of gunicorn (docker-compose.yml: one, Caddy). 0 = none: the
# socket address is the client, and X-Forwarded-For / X-Forwarded-Proto are the client's own
# words, never trusted (ips/http.py client_ip reads the address from the trusted hops only).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0, minimum=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_HOPS else None
# The health check (`/helse/`) is called over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^helse/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Strict CSP: only our own origin; no inline scripts. Inline *styles* are allowed because the
# server-rendered SVG charts (pygal) carry their own <style>; scripts are what an XSS would need.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging: one line per record to stderr -------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Product settings ---------------------------------------------------------------------------
# Counts below this are shown as "< 5" on partner dashboards so nobody can be singled out.
SMALL_COUNT_SUPPRESSION = env_int("SMALL_COUNT_SUPPRESSION", 5, minimum=1)
# Closed participants are anonymised this many years after closing (nightly retention job).
RETENTION_YEARS = env_int("RETENTION_YEARS", 5, minimum=1)
# Weekly unusual-access report: one user opening at least this many different records in an hour.
UNUSUAL_ACCESS_RECORDS_PER_HOUR = env_int("UNUSUAL_ACCESS_RECORDS_PER_HOUR", 30, minimum=2)

# Spreadsheet import (spreadsheets/): the largest file accepted; the file size above which the
# preview and the import run in the background (Celery) while the page shows progress (about
# 3,000 rows); and the rows above which the team export is made in the background.
SPREADSHEET_IMPORT_MAX_BYTES = env_int(
    "SPREADSHEET_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024
)
SPREADSHEET_IMPORT_BACKGROUND_BYTES = env_int(
    "SPREADSHEET_IMPORT_BACKGROUND_BYTES", 256 * 1024, minimum=1
)
SPREADSHEET_EXPORT_BACKGROUND_ROWS = env_int("SPREADSHEET_EXPORT_BACKGROUND_ROWS", 5000, minimum=1)
