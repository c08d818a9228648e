"""Platekeeper settings: every value comes from the environment (see README)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def envsecret(name: str) -> str | None:
    """Return X from the environment, or the contents of the file named by X_FILE."""
    if value := os.environ.get(name):
        return value
    if path := os.environ.get(name + "_FILE"):
        return Path(path).read_text().strip()
    return None


DATA_DIR = Path(os.environ.get("PLATEKEEPER_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
IMAGES_DIR = DATA_DIR / "images"
DOCUMENTS_DIR = DATA_DIR / "documents"
# The department the public policy page speaks for (and `setup` creates).
AGENCY_NAME = os.environ.get("PLATEKEEPER_AGENCY_NAME", "Hawthorne Police Department")
AGENCY_ORI = os.environ.get("PLATEKEEPER_AGENCY_ORI", "CA0000000")
EXPORTS_DIR = DATA_DIR / "exports"
# Which reads each purge deleted (retention/ledger.py): never in a backup, so a
# restore can delete them again. Best on other storage than the data.
PURGE_LEDGER_DIR = Path(
    os.environ.get("PLATEKEEPER_PURGE_LEDGER_DIR", DATA_DIR / "purge-ledger")
).resolve()
# Images and documents (release packages, written requests) are sealed with
# AES-256-GCM under this key when one is set (R45): 32 bytes, as 64 hex digits.
DATA_KEY_HEX = envsecret("PLATEKEEPER_DATA_KEY")
# Keys files may still be sealed by, until `platekeeper reseal` has run.
OLD_DATA_KEYS_HEX = envsecret("PLATEKEEPER_OLD_DATA_KEYS")
# The plate reader's model files (docs/recognition.md); downloaded from their
# upstream addresses and checked when missing, unless downloads are off.
MODEL_DIR = Path(os.environ.get("PLATEKEEPER_MODEL_DIR", DATA_DIR / "models")).resolve()
MODEL_DOWNLOAD = envbool("PLATEKEEPER_MODEL_DOWNLOAD", "true")
# How long a patrol-car operator's sign-in lasts (one shift).
OPERATOR_SHIFT_HOURS = envint("PLATEKEEPER_OPERATOR_SHIFT_HOURS", 12)
# /health fails when the data directory's disk has less free than this.
MIN_FREE_DISK_MB = envint("PLATEKEEPER_MIN_FREE_DISK_MB", 1024)
RECOGNITION_THREADS = envint("PLATEKEEPER_RECOGNITION_THREADS", 2)


def _generated_secret_key() -> str:
    # A key generated once per data directory, so sessions survive restarts
    # without anyone having to invent a secret for a first run.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = envsecret("PLATEKEEPER_SECRET_KEY") or _generated_secret_key()
DEBUG = envbool("PLATEKEEPER_DEBUG", "false")
DEMO = envbool("PLATEKEEPER_DEMO", "false")
ALLOWED_HOSTS = os.environ.get(
    "PLATEKEEPER_ALLOWED_HOSTS", "127.0.0.1,localhost"
).split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("PLATEKEEPER_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "platekeeper.accounts",
    "platekeeper.policy",
    "platekeeper.audit",
    "platekeeper.reads",
    "platekeeper.search",
    "platekeeper.hotlists",
    "platekeeper.retention",
    "platekeeper.sharing",
    "platekeeper.service",
    "platekeeper.recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Second factor, idle lock, 12-hour re-authentication (R8, R9).
    "platekeeper.accounts.middleware.session_rules",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "platekeeper.audit.middleware.fail_closed",
    # Last, as its documentation asks: turns a lockout into the locked page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend (refuses inactive accounts, at sign-in and for
    # sessions already open), reading the profile and agency with the user.
    "platekeeper.accounts.backends.ProfileBackend",
]
# CJIS AC-2(3) (R5): accounts unused this long are disabled by the scheduler.
INACTIVE_ACCOUNT_DAYS = envint("PLATEKEEPER_INACTIVE_ACCOUNT_DAYS", 90)
# CJIS AC-7 (R7): 5 consecutive failures within 15 minutes lock the account.
# Axes counts them; its lock lapses, so a lockout also sets the account's own
# lock (accounts.signals), which only an administrator releases.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Axes warns when the IP address is not a lockout parameter. Deliberate: CJIS
# AC-7 locks the account, and a per-(user, address) counter would give an
# attacker five tries from every address; rotating browsers changes nothing here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

ROOT_URLCONF = "platekeeper.urls"
ASGI_APPLICATION = "platekeeper.asgi.application"

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
                "platekeeper.accounts.navigation.nav",
            ]
        },
    }
]
# Form widgets through Django's Jinja2 renderer: the same markup as its
# template renderer, in half the time (docs/decisions/0020).
FORM_RENDERER = "django.forms.renderers.Jinja2"


def _databases() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60)
    else:
        db = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "platekeeper.sqlite3"),
            # Kept open between requests so each worker's page cache stays warm.
            "CONN_MAX_AGE": 600,
        }
    db["CONN_HEALTH_CHECKS"] = True
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["OPTIONS"] = {
            # WAL lets searches read while ingest writes; IMMEDIATE takes the write
            # lock at BEGIN, so writers queue on busy_timeout instead of failing
            # with "database is locked" when a read transaction upgrades.
            # A 64 MiB page cache per connection (the default is 2 MiB, less
            # than the read indexes of a few months' traffic).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # R45: with a database key the file is SQLCipher, AES-256 throughout.
        if database_key := envsecret("PLATEKEEPER_DATABASE_KEY"):
            db["ENGINE"] = "platekeeper.lib.sqlcipher"
            db["OPTIONS"]["cipher_key"] = database_key.strip()
        # A file, not memory: the browser tests' server thread and the serve
        # supervisor's children must see the same test database.
        db["TEST"] = {"NAME": str(DATA_DIR / "test-platekeeper.sqlite3")}
    return {"default": db}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "search-form"
SESSION_COOKIE_AGE = envint("PLATEKEEPER_SESSION_SECONDS", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Production (R44, CJIS SC-8): HTTPS only, behind the TLS front of deploy/
# (which sets X-Forwarded-Proto). Plain HTTP is redirected before any view
# runs; cookies never travel over it; browsers are told to stay on HTTPS.
PRODUCTION = envbool("PLATEKEEPER_PRODUCTION", "false")
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The local monitor asks over the loopback, without TLS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^health$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("PLATEKEEPER_TIME_ZONE", "America/Los_Angeles")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# No collectstatic step: whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True

# Bodies above this are refused by platekeeper.asgi before they are read.
MAX_REQUEST_BYTES = envint("PLATEKEEPER_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
INGEST_MAX_BATCH = 1000
# Per-frame formats: reads of one plate by one camera this close together are
# one vehicle passing.
INGEST_DEDUP_SECONDS = envint("PLATEKEEPER_DEDUP_SECONDS", 10)

# Fetch images that a format only references (Frigate snapshots, OpenALPR
# agent frames) from the camera's image_url. Off unless asked for.
FETCH_IMAGES = envbool("PLATEKEEPER_FETCH_IMAGES", "false")
FETCH_IMAGE_MAX_BYTES = envint("PLATEKEEPER_FETCH_IMAGE_MAX_BYTES", 5 * 1024 * 1024)

# Frigate over MQTT; `serve` runs the listener only when a broker is named.
MQTT_URL = os.environ.get("PLATEKEEPER_MQTT_URL", "")
MQTT_TOPIC_PREFIX = os.environ.get("PLATEKEEPER_MQTT_TOPIC_PREFIX", "frigate")
MQTT_CLIENT_ID = os.environ.get("PLATEKEEPER_MQTT_CLIENT_ID", "platekeeper")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "platekeeper.lib.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        # PLATEKEEPER_LOG_FORMAT=json: one JSON object a line (lib/logs.py).
        | (
            {"formatter": "json"}
            if os.environ.get("PLATEKEEPER_LOG_FORMAT") == "json"
            else {}
        )
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("PLATEKEEPER_LOG_LEVEL", "INFO"),
    },
    # One line per simulated request drowns everything else.
    "loggers": {"httpx": {"level": "WARNING"}},
}

# TOTP (R9): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("PLATEKEEPER_OTP_ISSUER", "Platekeeper")
# Where the data is stored, attested by the operator (R35, CJIS SC-28): ISO 3166
# code of the United States or one of its states; anything else refuses to start.
HOSTING_REGION = os.environ.get("PLATEKEEPER_HOSTING_REGION", "US").strip().upper()
# How often an ingesting process looks for hot-list changes (seconds).
HOTLIST_CHECK_SECONDS = float(
    os.environ.get("PLATEKEEPER_HOTLIST_CHECK_SECONDS", "0.5")
)
# Hot-list files dropped here are loaded by the scheduler (hotlists/folder.py).
HOTLIST_DIR = os.environ.get("PLATEKEEPER_HOTLIST_DIR", "")
# Alert delivery besides the screen: off unless set; never carries the plate,
# the list or any CJI, only that alerts are waiting (hotlists/notify.py).
ALERT_WEBHOOK_URL = os.environ.get("PLATEKEEPER_ALERT_WEBHOOK_URL", "")
ALERT_EMAIL_TO = [
    a.strip()
    for a in os.environ.get("PLATEKEEPER_ALERT_EMAIL_TO", "").split(",")
    if a.strip()
]
BASE_URL = os.environ.get("PLATEKEEPER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = os.environ.get("PLATEKEEPER_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PLATEKEEPER_EMAIL_PORT", "25"))
EMAIL_USE_TLS = os.environ.get("PLATEKEEPER_EMAIL_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("PLATEKEEPER_EMAIL_FROM", "platekeeper@localhost")
# Map tiles for the alert screen and search maps; empty: no tiles (the map still
# shows cameras and reads). Point it at the agency's own tile server: the public
# one learns which places officers look at.
MAP_TILES = os.environ.get(
    "PLATEKEEPER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_ATTRIBUTION = os.environ.get(
    "PLATEKEEPER_MAP_ATTRIBUTION", "© OpenStreetMap contributors"
)
# A search query that runs longer is stopped with a message to narrow it.
SEARCH_TIME_LIMIT_SECONDS = float(os.environ.get("PLATEKEEPER_SEARCH_TIME_LIMIT", "10"))
# Who hears at once when the audit log cannot be written (R18): e-mail addresses
# and/or a webhook (the on-call pager).
SECURITY_EMAIL_TO = [
    a.strip()
    for a in os.environ.get("PLATEKEEPER_SECURITY_EMAIL_TO", "").split(",")
    if a.strip()
]
SECURITY_WEBHOOK_URL = os.environ.get("PLATEKEEPER_SECURITY_WEBHOOK_URL", "")
