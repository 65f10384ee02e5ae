"""One settings file for every environment; the environment decides.

QIAOMEN_ENV is `dev` (default), `test` or `production`. Production refuses to start without
its secrets instead of falling back to a default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qiaomen.env import env_bool, env_int, env_list, env_secret, env_str
from qiaomen.keys import load_backup_key, load_keyring

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QIAOMEN_VAR_DIR", str(BASE_DIR / "var")))

QIAOMEN_ENV = env_str("QIAOMEN_ENV", "dev")
if QIAOMEN_ENV not in {"dev", "test", "production"}:
    raise ImproperlyConfigured("QIAOMEN_ENV must be dev, test or production")
PRODUCTION = QIAOMEN_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and local variables (ID numbers among them) to anyone who
    # makes a request fail: production refuses to start rather than serve them (issue 12, hole 7).
    raise ImproperlyConfigured("Production refuses DJANGO_DEBUG=1: unset it or set it to 0")
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", file_env="DJANGO_SECRET_KEY_FILE") or ""
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE)")
    SECRET_KEY = "dev-only-insecure-key-not-for-production-use-0123456789abcdef"  # noqa: S105

QIAOMEN_KEYS = load_keyring(production=PRODUCTION, default_key_file=VAR_DIR / "keys.env")
# Seals the backups (core/backups); unset: a key derived from the current data key.
QIAOMEN_BACKUP_KEY = load_backup_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "qiaomen.core",
    "qiaomen.accounts",
    "qiaomen.places",
    "qiaomen.registry",
    "qiaomen.visits",
    "qiaomen.tickets",
    "qiaomen.participation",
    "qiaomen.devices",
    "qiaomen.analytics",
    "qiaomen.demo",
    "qiaomen.web",
    "qiaomen.public",
    "qiaomen.api",
    "qiaomen.open311",
    "qiaomen.mobile",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qiaomen.core.middleware.DatabaseBusyMiddleware",
    "qiaomen.core.server_errors.ServerErrorMiddleware",
    "qiaomen.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "qiaomen.api.middleware.JsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "axes.middleware.AxesMiddleware",
    "qiaomen.accounts.middleware.SecondFactorMiddleware",
    "qiaomen.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qiaomen.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "qiaomen.urls"
WSGI_APPLICATION = "qiaomen.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "/"

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

# --- database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'qiaomen.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
# SQLite's wait for the write lock: commands and jobs wait up to the busy timeout; in a web request
# a statement that finds the database locked is tried once plus once after each pause, waiting
# REQUEST_BUSY_MS each time, then the request answers 503 (core/sqlite/base.py): at most about
# 5 × 1 s + 0.75 s with the defaults, never 20 s.
SQLITE_BUSY_TIMEOUT_SECONDS = env_int("QIAOMEN_SQLITE_BUSY_TIMEOUT_SECONDS", 20)
SQLITE_REQUEST_BUSY_MS = env_int("QIAOMEN_SQLITE_REQUEST_BUSY_MS", 1000)
SQLITE_REQUEST_RETRY_PAUSES = tuple(0.05 * 2**n for n in range(env_int("QIAOMEN_SQLITE_REQUEST_RETRIES", 4)))
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    DATABASES["default"]["ENGINE"] = "qiaomen.core.sqlite"
    # Connections are kept between requests (DB_CONN_MAX_AGE, as on PostgreSQL): a new SQLite
    # connection parses the whole schema (about 500 tables, indexes and triggers) before its
    # first statement, about 2 ms of CPU, and prepares every statement afresh. Closing after each
    # request held the one-INSERT view of bench/visits_post.py to about 360 requests/s and the
    # visit endpoint to about 130; kept, they reach about 1,300 and 245.
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a transaction takes the write lock at BEGIN, so two writers queue on the
        # busy timeout instead of failing half-way with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "qiaomen.core.postgresql"  # timestamps parsed in C
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- passwords, sessions, login security (SECURITY.md lines 10-14) ---------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock-out (django-axes): a username + IP pair is locked after LOGIN_MAX_FAILURES wrong passwords
# for LOGIN_LOCK_MINUTES; every further try while locked doubles the lock, up to
# LOGIN_LOCK_MAX_MINUTES. The same user from another address is not locked, so an attacker cannot
# lock out the only street admin. Per IP, LOGIN_IP_MAX_FAILURES wrong passwords in
# LOGIN_LOCK_MINUTES stop further tries from that address (django-ratelimit): high enough that one
# person's mistakes never lock an office behind one NAT address, low enough to stop guessing
# across many usernames.
LOGIN_MAX_FAILURES = env_int("QIAOMEN_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("QIAOMEN_LOGIN_LOCK_MINUTES", 15)
LOGIN_LOCK_MAX_MINUTES = env_int("QIAOMEN_LOGIN_LOCK_MAX_MINUTES", 24 * 60)
LOGIN_IP_MAX_FAILURES = env_int("QIAOMEN_LOGIN_IP_MAX_FAILURES", 30)
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "qiaomen.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "qiaomen.accounts.lockout.lockout_cool_off"
# The login page and the token endpoint answer a lock-out with their one generic message.
AXES_LOCKOUT_CALLABLE = "qiaomen.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qiaomen.core.audit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
PASSWORD_MAX_AGE_DAYS = env_int("QIAOMEN_PASSWORD_MAX_AGE_DAYS", 0)  # 0: passwords never expire
SESSION_IDLE_SECONDS = env_int("QIAOMEN_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("QIAOMEN_SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Sessions live in the database, which every server process shares. With Redis (a city, several app
# servers) they are also kept in the shared cache, so a request reads its session from Redis instead
# of PostgreSQL: `cached_db`, not `cache`, because the database copy survives a Redis restart (Redis
# runs without persistence) and is the list `user_end_sessions` searches to end every session of a
# disabled user; a session only in the cache could not be found.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if env_str("REDIS_URL") else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
API_TOKEN_HOURS = env_int("QIAOMEN_API_TOKEN_HOURS", 12)
# Second factor (SECURITY 13): the issuer shown in the authenticator app; a password-checked
# login waits this long for its code before it has to start again.
OTP_TOTP_ISSUER = env_str("QIAOMEN_OTP_ISSUER", "Qiaomen 敲门")
SECOND_FACTOR_PENDING_SECONDS = env_int("QIAOMEN_SECOND_FACTOR_PENDING_SECONDS", 600)
# Devices (R-DEV-1): a device silent longer than its kind's heartbeat interval turns offline;
# a battery at or below the threshold (%) opens a ticket; alarms of one device within the window
# join its open alarm ticket; a webhook's timestamp may differ from our clock by the skew.
DEVICE_HEARTBEAT_MINUTES = {
    "wristband": env_int("QIAOMEN_DEVICE_HEARTBEAT_WRISTBAND_MINUTES", 30),
    "sos_button": env_int("QIAOMEN_DEVICE_HEARTBEAT_SOS_BUTTON_MINUTES", 24 * 60),
    "gas_sensor": env_int("QIAOMEN_DEVICE_HEARTBEAT_GAS_SENSOR_MINUTES", 60),
    "door_sensor": env_int("QIAOMEN_DEVICE_HEARTBEAT_DOOR_SENSOR_MINUTES", 12 * 60),
}
DEVICE_BATTERY_LOW_PERCENT = env_int("QIAOMEN_DEVICE_BATTERY_LOW_PERCENT", 20)
DEVICE_ALARM_COLLAPSE_MINUTES = env_int("QIAOMEN_DEVICE_ALARM_COLLAPSE_MINUTES", 10)
DEVICE_ACK_MINUTES = env_int("QIAOMEN_DEVICE_ACK_MINUTES", 5)  # unacknowledged alarm: one rung up the ladder each time
DEVICE_WEBHOOK_SKEW_SECONDS = env_int("QIAOMEN_DEVICE_WEBHOOK_SKEW_SECONDS", 5 * 60)
# MQTT (the consumer starts with `make run` when MQTT_URL is set, e.g. mqtt://127.0.0.1:1883): a
# message the broker kept while the consumer was down is still taken up to this age; its nonce
# still refuses a replay.
MQTT_URL = env_str("MQTT_URL", "")
DEVICE_MQTT_MAX_AGE_SECONDS = env_int("QIAOMEN_DEVICE_MQTT_MAX_AGE_SECONDS", 24 * 60 * 60)
# Open311 GeoReport v2: requests one client key may create per minute (429 past that).
OPEN311_POSTS_PER_MINUTE = env_int("QIAOMEN_OPEN311_POSTS_PER_MINUTE", 30)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
# Addresses of our own reverse proxies (deploy/nginx.conf), e.g. 10.0.0.5: from them, and only from
# them, X-Forwarded-For names the client (core.audit.client_ip), so that lock-outs, rate limits and
# the audit log see each resident's or worker's address, not the proxy's one for everybody.
# deploy/gunicorn.conf.py gives gunicorn the same list.
TRUSTED_PROXIES = env_list("QIAOMEN_TRUSTED_PROXIES", [])

# --- backups (SECURITY 33): the nightly job writes here and keeps the newest BACKUP_KEEP -------
BACKUP_DIR = Path(env_str("QIAOMEN_BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("QIAOMEN_BACKUP_KEEP", 14)

# --- audit, imports, registry ------------------------------------------------------------------
# Retention (SECURITY 8, 23): days each category of personal data is kept, counted from the visit,
# the upload, or the ticket's closing. `retention_purge` (nightly) blanks or removes what is older;
# ticket rows stay with their codes, statuses and times, so every figure stays the same.
AUDIT_RETENTION_DAYS = env_int("QIAOMEN_AUDIT_RETENTION_DAYS", 183)
AUDIT_RETENTION_MIN_DAYS = 183  # 等保三级 and SECURITY 23: six months at least
if AUDIT_RETENTION_DAYS < AUDIT_RETENTION_MIN_DAYS:
    raise ImproperlyConfigured(
        f"QIAOMEN_AUDIT_RETENTION_DAYS must be at least {AUDIT_RETENTION_MIN_DAYS} (six months), "
        f"got {AUDIT_RETENTION_DAYS}"
    )
RETENTION_DAYS = {
    "visit_notes": env_int("QIAOMEN_RETENTION_VISIT_NOTES_DAYS", 3 * 365),
    "visit_photos": env_int("QIAOMEN_RETENTION_VISIT_PHOTOS_DAYS", 365),
    "ticket_personal": env_int("QIAOMEN_RETENTION_TICKET_PERSONAL_DAYS", 2 * 365),
    "resident_messages": env_int("QIAOMEN_RETENTION_RESIDENT_MESSAGES_DAYS", 365),
    "audit": AUDIT_RETENTION_DAYS,
}
if min(RETENTION_DAYS.values()) < 1:
    raise ImproperlyConfigured("every QIAOMEN_RETENTION_*_DAYS must be at least 1")
UPLOAD_MAX_BYTES = env_int("QIAOMEN_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
XLSX_MAX_UNPACKED_BYTES = env_int("QIAOMEN_XLSX_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
EXPORT_MAX_ROWS = env_int("QIAOMEN_EXPORT_MAX_ROWS", 5000)
STALE_AFTER_DAYS = env_int("QIAOMEN_STALE_AFTER_DAYS", 30)
# An immediate (P1) ticket nobody accepted escalates after this many minutes.
TICKET_P1_ESCALATE_MINUTES = env_int("QIAOMEN_TICKET_P1_ESCALATE_MINUTES", 30)
# Volunteers' points not spent within this many days of being earned expire (R-PAR-1, issue 14).
POINTS_EXPIRE_DAYS = env_int("QIAOMEN_POINTS_EXPIRE_DAYS", 2 * 365)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Visit photos, ticket photos, receipts and imports in progress. Several app servers point this at
# one shared folder (an NFS mount, say): a photo uploaded through one server is read through another.
UPLOAD_DIR = Path(env_str("QIAOMEN_UPLOAD_DIR", str(VAR_DIR / "uploads")))
# The trained demand classifier (versioned .npz files, no pickle), written by train_classifier.
CLASSIFIER_DIR = Path(env_str("QIAOMEN_CLASSIFIER_DIR", str(VAR_DIR / "classifier")))
# Below this confidence a resident's demand waits in the review queue for a person to classify.
CLASSIFIER_MIN_CONFIDENCE = float(env_str("QIAOMEN_CLASSIFIER_MIN_CONFIDENCE", "0.5"))

# --- i18n: 简体中文 first, English on request; people see Asia/Shanghai, the database keeps UTC --
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "qiaomen" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static assets: our own under app static/, vendor files straight from node_modules ---------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Only the files the pages load (core.vendor_files): a whole dist folder would publish ECharts'
# 51 MB of builds and source maps and make collectstatic compress all of it.
# An optional map tile server under the heat map's own vector layers, e.g.
# https://{s}.tile.example.org/{z}/{x}/{y}.png; its host joins the CSP's img-src. Empty: no tiles,
# the map works with no internet.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
VENDOR_FILES = {
    "vendor/htmx": (NODE_MODULES / "htmx.org" / "dist", ["htmx.min.js"]),
    "vendor/alpinejs": (NODE_MODULES / "alpinejs" / "dist", ["cdn.min.js"]),
    "vendor/echarts": (NODE_MODULES / "echarts" / "dist", ["echarts.min.js"]),
    "vendor/leaflet": (
        NODE_MODULES / "leaflet" / "dist",
        [
            "leaflet.js",
            "leaflet.js.map",  # leaflet.js names it; the manifest storage refuses a missing one
            "leaflet.css",
            "images/layers.png",
            "images/layers-2x.png",
            "images/marker-icon.png",
            "images/marker-icon-2x.png",
            "images/marker-shadow.png",
        ],
    ),
    "vendor/leaflet.heat": (NODE_MODULES / "leaflet.heat" / "dist", ["leaflet-heat.js"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "qiaomen.core.vendor_files.VendorFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if QIAOMEN_ENV != "test"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = QIAOMEN_ENV == "test"

# --- background work: SQLite-backed huey on one machine, Redis when a city outgrows it ----------
REDIS_URL = env_str("REDIS_URL", "")
HUEY = {
    "name": "qiaomen",
    "immediate": QIAOMEN_ENV == "test",
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})
# Login lock-outs and rate limits count in this cache, shared by every server process: the
# database (its table made by `createcachetable`, which runs wherever `migrate` runs), or Redis when
# REDIS_URL is set. Never local memory: three workers would then allow three times each limit.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "qiaomen.core.cache.AtomicDatabaseCache",
            "LOCATION": "qiaomen_cache",
            # Counters must expire, never be culled to make room.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }
# django-ratelimit knows only memcached and django-redis by name; Django's own RedisCache and the
# atomic database cache above both increment atomically.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# --- the residents' QR page (/q/<token>): limits per IP and per door code ----------------------
# Unknown tokens: after this many misses in the window an IP gets 429 on every /q/ page, even
# for a real token (otherwise 200 against 429 would tell a guesser which token exists).
QR_MISSES_PER_IP = env_int("QIAOMEN_QR_MISSES_PER_IP", 30)
QR_MISS_WINDOW_SECONDS = env_int("QIAOMEN_QR_MISS_WINDOW_SECONDS", 600)
QR_VIEWS_PER_IP_PER_MINUTE = env_int("QIAOMEN_QR_VIEWS_PER_IP_PER_MINUTE", 60)
QR_SUBMITS_PER_CODE_PER_HOUR = env_int("QIAOMEN_QR_SUBMITS_PER_CODE_PER_HOUR", 5)
QR_SUBMITS_PER_CODE_PER_DAY = env_int("QIAOMEN_QR_SUBMITS_PER_CODE_PER_DAY", 20)
QR_SUBMITS_PER_IP_PER_HOUR = env_int("QIAOMEN_QR_SUBMITS_PER_IP_PER_HOUR", 20)
QR_SUBMITS_PER_IP_PER_DAY = env_int("QIAOMEN_QR_SUBMITS_PER_IP_PER_DAY", 60)
# Printed into the door stickers' QR codes (e.g. https://qiaomen.example.gov.cn): residents reach
# the public address, whatever intranet address staff print from. Empty: the printing page's own.
QR_PUBLIC_BASE_URL = env_str("QIAOMEN_QR_PUBLIC_BASE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Door-code and rating tokens in logged paths are replaced (core.log_redaction, SECURITY 6).
    "filters": {"secrets": {"()": "qiaomen.core.log_redaction.SecretFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request bodies never reach the logs: they may hold ID numbers. runserver's request lines
    # (django.server) go through the same filtered handler. django-axes logs every failed login;
    # the audit log already holds each one, with its result.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "ERROR"},
        # WeasyPrint logs every step of every PDF at INFO ("Step 2 - Fetching and parsing CSS").
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if QIAOMEN_ENV == "test" and SQLITE:
    # A file, not memory: tests read the raw database file to prove nothing is stored in plaintext.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
