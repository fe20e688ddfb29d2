"""Settings, driven by environment variables.

With nothing set, the project runs embedded: SQLite, an in-process cache and Celery tasks run
inline, so `make run` works on a bare machine. Set DATABASE_URL / REDIS_URL for production.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.keys import KeyConfigError, jwt_secret_resolve, secret_key_resolve

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
# No key in the repository: configured, or generated once per embedded installation
# (var/secret_key), or the server refuses to start (config/keys.py, docs/security.md).
try:
    SECRET_KEY, SECRET_KEY_SOURCE = secret_key_resolve(
        os.environ, base_dir=BASE_DIR, debug=DEBUG, testing=TESTING
    )
except KeyConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from None
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "apps.accounts.apps.StaffAdminConfig",  # django.contrib.admin, staff need 2FA (staff2fa)
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
    "apps.tgbot",  # notify: the Telegram bot process (`make bot`)
    "apps.moderation",  # trust (issue 17): disputes, reports, moderation queue
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.common.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.common.compression.CompressionMiddleware",  # perf: gzip HTML/JSON, not event streams
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # uibarter (issue 20): times in the user's zone (apps/notifications/zones.py)
    "apps.notifications.zones.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.common.middleware.ApiErrorMiddleware",
    # secrobust: NUL characters and oversized API bodies are refused before any handler runs
    "apps.common.input_guard.InputGuardMiddleware",
    # secrobust: a Redis outage on a web page is the 503 page, not a 500
    "apps.common.outage.OutageMiddleware",
    # LootLink online status (uimarket): signed-in web visits mark the user active
    "apps.accounts.presence.PresenceMiddleware",
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

# --- secrobust: Redis outages and live-event streams (docs/security.md) ----------------------
# Short client timeouts: with Redis down a request fails fast (503 or a fallback), never hangs.
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "2"))
if REDIS_URL:
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
    }
# Simultaneous live-event streams per user (apps/notifications/stream.py); one more gets 429.
STREAM_MAX_PER_USER = int(os.environ.get("STREAM_MAX_PER_USER", "5"))

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
    {"NAME": "apps.accounts.validators.VisibleCharactersValidator"},  # secauth: no blank ones
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

try:
    JWT_SECRET = jwt_secret_resolve(os.environ, secret_key=SECRET_KEY)
except KeyConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from None
# Lifetimes are bounded whatever the environment says: access 1 min..1 h, refresh 1 h..30 days.
JWT_ACCESS_TTL = min(max(int(os.environ.get("JWT_ACCESS_TTL", "900")), 60), 3600)
JWT_REFRESH_TTL = min(
    max(int(os.environ.get("JWT_REFRESH_TTL", str(7 * 24 * 3600))), 3600), 30 * 24 * 3600
)
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

# --- Security (secauth): HTTPS switch, HSTS, CSP, trusted proxies, throttles ----------------
# HTTPS=1 turns on everything a site served over TLS wants (each part can be overridden);
# `DEBUG=0 HTTPS=1 SECRET_KEY=... ALLOWED_HOSTS=... manage.py check --deploy` is clean.
HTTPS = env_bool("HTTPS")
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = env_list("SECURE_REDIRECT_EXEMPT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (apps/common/csp.py): only the site's own scripts and styles.
CSP_IMG_SRC_EXTRA = env_list("CSP_IMG_SRC_EXTRA", "https:" if env_bool("USE_S3") else "")
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(["img-src 'self' data: blob:", *CSP_IMG_SRC_EXTRA]),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the header is
# ignored and the client address is REMOTE_ADDR (apps/common/ratelimit.py::client_ip).
TRUSTED_PROXY_COUNT = max(int(os.environ.get("TRUSTED_PROXY_COUNT", "0")), 0)
RATE_LIMITS |= {
    # failed logins per account (username and email are one account), API and web together
    "login_account": os.environ.get("RATE_LIMIT_LOGIN_ACCOUNT", "20/h"),
    # every login attempt per client address (higher: many users may share one address)
    "login_ip": os.environ.get("RATE_LIMIT_LOGIN_IP", "60/10m"),
    "refresh_ip": os.environ.get("RATE_LIMIT_REFRESH_IP", "60/5m"),
    # accounts created per target email (API register, web register, passwordless create)
    "account_email": os.environ.get("RATE_LIMIT_ACCOUNT_EMAIL", "5/h"),
    "password_reset_ip": os.environ.get("RATE_LIMIT_PASSWORD_RESET_IP", "10/h"),
    "password_reset_email": os.environ.get("RATE_LIMIT_PASSWORD_RESET_EMAIL", "3/h"),
}
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

# LOG_FILE (make run sets var/app.log): everything at LOG_LEVEL goes to the file and only
# warnings reach the console, so a served site keeps its terminal quiet.
LOG_FILE = os.environ.get("LOG_FILE", "")
_LOG_HANDLERS: dict[str, dict] = {"console": {"class": "logging.StreamHandler"}}
if LOG_FILE:
    Path(LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
    _LOG_HANDLERS["console"]["level"] = "WARNING"
    _LOG_HANDLERS["file"] = {
        "class": "logging.FileHandler",
        "filename": LOG_FILE,
        "formatter": "timestamped",
    }
# --- Notifications: outbox delivery, Telegram bot, email (apps/notifications, apps/telegram) ---
# Absolute links in Telegram messages and emails.
NOTIFY_SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How the outbox is drained after a commit: "celery" (a worker; eager inline when tasks run
# inline), "thread" (a background thread: the embedded default) or "inline".
NOTIFY_DELIVERY = os.environ.get("NOTIFY_DELIVERY") or (
    "celery" if REDIS_URL or TESTING else "thread"
)
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "30"))
NOTIFY_CHAT_BATCH_MINUTES = int(os.environ.get("NOTIFY_CHAT_BATCH_MINUTES", "10"))
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "").lstrip("@")
TELEGRAM_API_BASE = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org").rstrip("/")
TELEGRAM_WEBHOOK_URL = os.environ.get("TELEGRAM_WEBHOOK_URL", "")  # set: webhook, else polling
TELEGRAM_WEBHOOK_LISTEN = os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1")
TELEGRAM_WEBHOOK_PORT = int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443"))
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_LINK_TTL_MINUTES = int(os.environ.get("TELEGRAM_LINK_TTL_MINUTES", "15"))
# Bot API limits: about 30 messages a second overall, one a second per chat.
TELEGRAM_RATE_GLOBAL = int(os.environ.get("TELEGRAM_RATE_GLOBAL", "30"))
TELEGRAM_RATE_PER_CHAT = int(os.environ.get("TELEGRAM_RATE_PER_CHAT", "1"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
if os.environ.get("EMAIL_HOST") and not os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CELERY_BEAT_SCHEDULE["notifications-deliver-due"] = {
    "task": "notifications.deliveries_send_due",
    "schedule": 30.0,
}
CELERY_BEAT_SCHEDULE["notifications-email-digest"] = {
    "task": "notifications.email_digest_send",
    "schedule": 3600.0,  # hourly: each user gets the digest once a day, after 08:00 their time
}
# --- Matching runs (engineer `runs`: apps/exchange/matching_runs.py, rematch.py, tasks.py) ---
# An API/web run waits this long for its result, then answers 202 with the run id and status.
MATCH_RUN_WAIT_SECONDS = float(os.environ.get("MATCH_RUN_WAIT_SECONDS", "3"))
# A running run beats its row this often; one silent for MATCH_RUN_STALE_SECONDS is failed.
MATCH_HEARTBEAT_SECONDS = float(os.environ.get("MATCH_HEARTBEAT_SECONDS", "10"))
MATCH_RUN_STALE_SECONDS = int(os.environ.get("MATCH_RUN_STALE_SECONDS", "60"))
# Without a Celery worker (the embedded default) runs go to a background thread of the server.
MATCH_RUN_IN_THREAD = env_bool(
    "MATCH_RUN_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER and not TESTING
)
# Declines, expiries and cancellations re-match the freed users after this short debounce.
MATCH_RECHECK_SECONDS = int(os.environ.get("MATCH_RECHECK_SECONDS", "5"))
# A full run as a Celery chord of component groups (needs workers); otherwise in-process.
MATCH_FANOUT = env_bool("MATCH_FANOUT", default=False)
MATCH_FANOUT_GROUPS = int(os.environ.get("MATCH_FANOUT_GROUPS", "4"))
MATCH_WRITE_CHUNK = int(os.environ.get("MATCH_WRITE_CHUNK", "2000"))
RATE_LIMITS["matching_run"] = os.environ.get("RATE_LIMIT_MATCHING_RUN", "6/m")
CELERY_BEAT_SCHEDULE["matching-runs-reap"] = {
    "task": "exchange.matching_runs_reap",
    "schedule": 30.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timestamped": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": _LOG_HANDLERS,
    "root": {"handlers": list(_LOG_HANDLERS), "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- Trust & safety (trust, issue 17): deals the buyer closes, disputes, moderation -----------
# A delivered LootLink deal the buyer neither confirms nor disputes confirms itself after this.
DEAL_AUTO_CONFIRM_DAYS = int(os.environ.get("DEAL_AUTO_CONFIRM_DAYS", "3"))
# The other side of a dispute has this long to answer before staff decide without them.
DISPUTE_ANSWER_DAYS = int(os.environ.get("DISPUTE_ANSWER_DAYS", "3"))
# Email verification links (apps/accounts/verification.py) stay valid this long.
EMAIL_VERIFY_MAX_AGE_DAYS = int(os.environ.get("EMAIL_VERIFY_MAX_AGE_DAYS", "3"))
CELERY_BEAT_SCHEDULE["deals-auto-confirm"] = {
    "task": "market.deals_auto_confirm",
    "schedule": 900.0,
}
