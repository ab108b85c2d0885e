"""Django settings of Tín Nhiệm.

The embedded default is SQLite (WAL) in the data folder (``$TINNHIEM_DATA``, else
``./var``); ``DATABASE_URL`` selects PostgreSQL (psycopg 3). The secret key is generated
once and stored in the data folder, never in code. See docs/web.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TINNHIEM_DATA") or Path.cwd() / "var").resolve()


def _secret_key() -> str:
    from_env = os.environ.get("TINNHIEM_SECRET_KEY")
    if from_env:
        return from_env
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Created with mode 0600 so that only the server's user can read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _env_bool("TINNHIEM_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TINNHIEM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tinnhiem.web.apps.WebConfig",
]

MIDDLEWARE = [
    "tinnhiem.web.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tinnhiem.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tinnhiem.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tinnhiem.web.urls"
WSGI_APPLICATION = "tinnhiem.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'tinnhiem.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db,
        # A worker keeps its connection between requests (a hall's burst would otherwise
        # open one per cast); checked before reuse.
        conn_max_age=int(os.environ.get("TINNHIEM_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, with the write lock handed over inside the process (a queue,
    # not SQLite's sleep-and-retry): sqlite_backend/base.py.
    DATABASES["default"]["ENGINE"] = "tinnhiem.web.sqlite_backend"
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Start write transactions at once, so that two writers wait instead of failing.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache(spec: str) -> dict[str, str]:
    """``TINNHIEM_CACHE``: ``locmem`` (one process: ``tinnhiem serve``), ``db`` (a table in
    the database, shared by every worker process: no server to run) or a ``redis://`` URL
    (Redis or Valkey). Sessions live in the database either way; the cache holds the
    login rate limits, which several worker processes must share."""
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": spec}
    if spec == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tinnhiem_cache",
        }
    if spec in ("", "locmem"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tinnhiem"}
    raise ValueError(f"TINNHIEM_CACHE={spec!r}: use locmem, db or a redis:// URL")


CACHES = {"default": _cache(os.environ.get("TINNHIEM_CACHE", "locmem"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Security: cookies unreadable from scripts, CSRF on every form, no framing, strict CSP.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = _env_bool("TINNHIEM_HTTPS", False)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Messages may carry a one-time password: keep them server-side, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_FAILURE_VIEW = "tinnhiem.web.views.errors.csrf_failure"

# The Content-Security-Policy sent with every response (middleware.py). No inline scripts:
# all JavaScript lives in static files. The booth may add 'wasm-unsafe-eval' here.
TINNHIEM_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Login rate limit: this many failures per username and address within the window lock
# that pair until the window ends.
TINNHIEM_LOGIN_MAX_FAILURES = 5
TINNHIEM_LOGIN_WINDOW_SECONDS = 15 * 60
# Trust X-Forwarded-For only behind a known reverse proxy.
TINNHIEM_TRUST_PROXY = _env_bool("TINNHIEM_TRUST_PROXY", False)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Self-assessment reports may be PDF files up to this size.
TINNHIEM_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = TINNHIEM_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "tinnhiem": {"handlers": ["console"], "level": "INFO"},
        # One line per audited action, when TINNHIEM_LOG_AUDIT=1 (the database keeps them all).
        "tinnhiem.audit": {
            "level": "INFO" if _env_bool("TINNHIEM_LOG_AUDIT", False) else "WARNING"
        },
    },
}
