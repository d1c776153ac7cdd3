"""Django settings: the only module that reads environment variables.

Production defaults are safe; `RAPPORT_DEV=1` (set by `make run` and the tests) relaxes them for
a developer on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("RAPPORT_VAR_DIR", PROJECT_DIR / "var"))

INSECURE_DEV_KEY = "rapport-development-key-never-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV = env_bool("RAPPORT_DEV", False)
DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("RAPPORT_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_KEY if (DEV or TESTING) else "")
if not SECRET_KEY or (SECRET_KEY == INSECURE_DEV_KEY and not (DEV or TESTING)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production "
        "(or set RAPPORT_DEV=1 for a local development server)."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEV or TESTING else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "template_partials",  # {% partialdef %}: htmx swaps render one named part of a page
    "heroicons",  # SVG icons from the package, inlined by template tags
    "ninja",  # serves the API docs' assets from the package, not from a CDN
    "rapport.core",
    "rapport.workspaces",
    "rapport.tags",
    "rapport.customfields",
    "rapport.companies",
    "rapport.contacts",
    "rapport.activities",
    "rapport.deals",
    "rapport.leads",
    "rapport.forecasts",
    "rapport.savedviews",
    "rapport.emailtemplates",
    "rapport.search",
    "rapport.notifications",
    "rapport.automation",
    "rapport.currencies",
    "rapport.products",
    "rapport.territories",
    "rapport.quotes",
    "rapport.commissions",
    "rapport.dashboards",
    "rapport.tickets",
    "rapport.macros",
    "rapport.knowledge",
    "rapport.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rapport.core.middleware.RequestIdMiddleware",
    "rapport.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rapport.core.middleware.PageErrorMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"
ASGI_APPLICATION = "rapport.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.workspaces.context.shell",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default (WAL, synchronous=FULL, foreign keys on); PostgreSQL through
# DATABASE_URL. See docs/decisions/0001-stack.md.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rapport.sqlite3'}")
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
# Connections persist across requests (CONN_MAX_AGE seconds, checked before reuse): opening one
# costs a round trip and its PRAGMAs, and a new SQLite connection starts with a cold page cache.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared by every web and worker process (rate limits, throttles) ------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rapport",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rapport_cache",
        }
    }

# --- Jobs (Django's Tasks API through django-tasks) ------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "workspaces.User"
AUTHENTICATION_BACKENDS = ["rapport.workspaces.auth.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords. Production keeps argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("LOGIN_THROTTLE_WINDOW_SECONDS", "300"))
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600"))

# --- Email ------------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "console://" if DEV else "smtp://127.0.0.1:25")


def _email_settings(url: str) -> dict[str, object]:
    """Turn EMAIL_URL (smtp://user:pass@host:port, smtp+tls://, smtp+ssl://, console://,
    dummy://)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "dummy":  # emails are dropped (benchmarks, staging copies)
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    if parsed.scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {parsed.scheme!r} is not supported")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "127.0.0.1",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtp+ssl" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parsed.scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": 10,
    }


globals().update(_email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security ---------------------------------------------------------------------------------
SECURE = not (DEV or TESTING) and env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
# Swagger UI (the API docs page) sets inline styles from its script; nothing else is relaxed.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

# --- Internationalisation and static files ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # project-wide CSS (src/rapport/static/rapport/)
# WhiteNoise serves STATIC_ROOT, which `rapport serve` fills with collectstatic; in development and
# tests it finds files in the apps on each request instead, so nothing needs collecting.
WHITENOISE_USE_FINDERS = DEV or TESTING
WHITENOISE_AUTOREFRESH = DEV or TESTING

# --- Uploaded files (ticket attachments) ------------------------------------------------------
# Stored through Django's storage API under MEDIA_ROOT and never served from a public URL: the
# app streams each file to people allowed to see it. No MEDIA_URL route exists on purpose.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
TICKET_ATTACHMENT_MAX_BYTES = int(os.environ.get("TICKET_ATTACHMENT_MAX_BYTES", str(10 * 2**20)))

# --- Web server (`rapport serve`: gunicorn) ---------------------------------------------------
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
# Worker processes; each runs WEB_THREADS threads. 2 x 4 suits a 2-core machine.
WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", "2"))
WEB_THREADS = int(os.environ.get("WEB_THREADS", "4"))

# Soft-deleted records can be restored for this many days.
RESTORE_BIN_DAYS = 30

# --- Workflows ----------------------------------------------------------------------------------
# A workflow's "call a URL" step refuses private, loopback and link-local addresses; an
# air-gapped install calling its own services turns that off.
WORKFLOW_ALLOW_PRIVATE_URLS = env_bool("WORKFLOW_ALLOW_PRIVATE_URLS", False)
# A run whose worker stopped answering (killed) for this long is picked up by another worker.
WORKFLOW_STALL_SECONDS = int(os.environ.get("WORKFLOW_STALL_SECONDS", "120"))
# Runs one workflow may start per minute; more triggers are dropped and reported (a storm).
WORKFLOW_RUNS_PER_MINUTE = int(os.environ.get("WORKFLOW_RUNS_PER_MINUTE", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
