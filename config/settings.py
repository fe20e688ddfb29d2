"""Settings, driven by environment variables.

With nothing set, the project runs embedded: SQLite, an in-process cache and Celery tasks run
inline, so `make run` works on a bare machine. Set DATABASE_URL / REDIS_URL for production.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("TESTING", default=False) or "pytest" in sys.modules
SECRET_KEY = (
    os.environ.get("SECRET_KEY") or "dev-only-insecure-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "ninja",
    "apps.common",
    "apps.accounts",
    "apps.catalog",
    "apps.exchange",
    "apps.market",
    "apps.chat",
    "apps.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.common.compression.CompressionMiddleware",  # perf: gzip HTML/JSON, not event streams
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.common.middleware.ApiErrorMiddleware",
    "apps.common.overload.OverloadMiddleware",  # perf: innermost, no DB connection -> 503
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "apps.common.context_processors.site",
                "apps.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database: DATABASE_URL or the embedded SQLite file -------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not IS_POSTGRES:
    # Several writers (web + inline tasks) share the file: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # BEGIN IMMEDIATE: a write transaction takes the write lock up front, so two of them queue
    # instead of one failing with "database is locked" when it upgrades a read lock.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- perf (#16): PostgreSQL connection pool and overload limits (docs/performance.md) -------
from config.db_pool import pool_options  # noqa: E402

_POOL = pool_options(os.environ, is_postgres=IS_POSTGRES, testing=TESTING)
if _POOL:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _POOL
# Per worker process: requests running Django at once, how long and how many may wait for a
# slot, and the Retry-After of the 503 beyond that (apps/common/overload.py).
OVERLOAD_MAX_ACTIVE = int(os.environ.get("WEB_MAX_ACTIVE", "8"))
OVERLOAD_MAX_WAIT = float(os.environ.get("WEB_MAX_WAIT", "10"))
OVERLOAD_MAX_QUEUE = int(os.environ.get("WEB_MAX_QUEUE", "1000"))
OVERLOAD_RETRY_AFTER = int(os.environ.get("WEB_RETRY_AFTER", "5"))
# Public LootLink page fragments and per-game counts are cached this long (0: off; off in tests
# unless a test turns it on). apps/market/caching.py.
LOOTLINK_PAGE_CACHE_SECONDS = int(
    os.environ.get("LOOTLINK_PAGE_CACHE_SECONDS", "0" if TESTING else "30")
)
# The X-Total-Count of /api/listings/offers|wants is cached this long (0: exact every time).
PUBLIC_LIST_COUNT_SECONDS = int(
    os.environ.get("PUBLIC_LIST_COUNT_SECONDS", "0" if TESTING else "10")
)
CATALOG_CACHE_SECONDS = int(os.environ.get("CATALOG_CACHE_SECONDS", "0" if TESTING else "60"))

# --- Cache and Redis: REDIS_URL or an in-process cache ---------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "fm")
if TESTING:
    # Each test process owns its keys (and deletes them): never touches anyone else's data.
    CACHE_KEY_PREFIX = f"fmtest{os.getpid()}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "freemarket",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# --- Celery: Redis broker, or tasks run inline ------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.UsernameOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

JWT_SECRET = os.environ.get("JWT_SECRET", SECRET_KEY)
JWT_ACCESS_TTL = int(os.environ.get("JWT_ACCESS_TTL", "900"))
JWT_REFRESH_TTL = int(os.environ.get("JWT_REFRESH_TTL", str(7 * 24 * 3600)))
REFRESH_COOKIE_NAME = "refresh_token"
# Rate limits: "count/period" (period in s, m, h, d, optionally with a multiplier: 5/5m).
RATE_LIMITS = {
    "auth_refresh": os.environ.get("RATE_LIMIT_REFRESH", "5/5m"),
    "auth_login": os.environ.get("RATE_LIMIT_LOGIN", "10/m"),
    "auth_register": os.environ.get("RATE_LIMIT_REGISTER", "10/h"),
    "users_create": os.environ.get("RATE_LIMIT_USERS_CREATE", "20/h"),
    "web_login": os.environ.get("RATE_LIMIT_WEB_LOGIN", "10/5m"),
}
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The refresh cookie is always Secure, as the contract says (browsers accept it on localhost).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST")
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# --- i18n ------------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG or TESTING
USE_S3 = env_bool("USE_S3")
if USE_S3:
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
            },
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            # perf (#16): content-hashed names (cached for good by whitenoise), gzip + brotli.
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@freemarket.local")

# --- Product settings --------------------------------------------------------------------------
FM_LOCATIONS = ["Алматы", "Астана", "Шымкент"]
FM_CATEGORY_VERSION = "v6.0"
DEMO_DATA = env_bool("DEMO_DATA", default=True)

# Proposals and matching runs (apps/exchange/proposals.py, matching_runs.py, tasks.py).
PROPOSAL_TTL_HOURS = int(os.environ.get("PROPOSAL_TTL_HOURS", "72"))
DECLINE_COOLDOWN_DAYS = int(os.environ.get("DECLINE_COOLDOWN_DAYS", "30"))
MATCH_AUTO_RUN = env_bool("MATCH_AUTO_RUN", default=True)  # a run after a user's listings change
MATCH_DEBOUNCE_SECONDS = int(os.environ.get("MATCH_DEBOUNCE_SECONDS", "30"))
MATCH_MAX_CYCLE = int(os.environ.get("MATCH_MAX_CYCLE", "10"))
MATCH_VALUE_TOLERANCE = float(os.environ.get("MATCH_VALUE_TOLERANCE", "0.3"))
MATCH_TIME_LIMIT_SECONDS = float(os.environ.get("MATCH_TIME_LIMIT_SECONDS", "120"))
# markets with more users are matched in shards of about this many users (0: never split)
MATCH_SHARD_USERS = int(os.environ.get("MATCH_SHARD_USERS", "15000"))
MATCH_FULL_RUN_MINUTES = int(os.environ.get("MATCH_FULL_RUN_MINUTES", "60"))
CELERY_BEAT_SCHEDULE = {
    "matching-full-run": {
        "task": "exchange.matching_run_all",
        "schedule": MATCH_FULL_RUN_MINUTES * 60.0,
    },
    "proposals-expire": {"task": "exchange.proposals_expire", "schedule": 300.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
