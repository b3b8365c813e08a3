"""Polku settings: one module, driven by environment variables.

With nothing set, Polku runs on SQLite and the Celery filesystem broker under
`var/`, with DEBUG on and e-mail printed to the console. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis. With DJANGO_DEBUG=false the process
refuses to start without a real secret key and allowed hosts.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets admin and form classes be subscripted at run time, as the type checker wants them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files: the filesystem broker's queue, beat's schedule, collected static files.
# POLKU_VAR_DIR moves them, so that a second Polku (a test's) shares no queue with the first.
VAR_DIR = Path(os.environ.get("POLKU_VAR_DIR") or BASE_DIR / "var").resolve()


def env(name: str, default: str = "") -> str:
    """Read a setting from NAME, or from the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


DEBUG = env_bool("DJANGO_DEBUG", default=True)
# DEBUG as configured; test runners switch DEBUG off, and development-only defaults
# such as the demo password must not depend on that.
DEVELOPMENT = DEBUG

# The development keys are in this file for everyone to read: the system checks of
# security/checks.py refuse them, and any other weak key, whenever DEBUG is false.
DEVELOPMENT_SECRET_KEY = "polku-development-key-not-for-production-use-0123456789abcdef"  # noqa: S105
_DEV_SECRET_KEY = DEVELOPMENT_SECRET_KEY
SECRET_KEY = env("DJANGO_SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
# Earlier secret keys, comma-separated: sessions and signed links made with them stay
# valid while DJANGO_SECRET_KEY is rotated.
SECRET_KEY_FALLBACKS = [
    k.strip() for k in env("DJANGO_SECRET_KEY_FALLBACKS").split(",") if k.strip()
]
ALLOWED_HOSTS = [h.strip() for h in env("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]

if DEBUG:
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG is false."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")

# Client data encryption: Fernet keys, newest first (older ones still decrypt), and the
# separate HMAC key of the identity-code blind index. Development has fixed keys.
DEVELOPMENT_FIELD_KEY = "wRZ3bZc3V8Qm1zQf4h3bq0w5vS0dY2l8m3G9kX7pT1E="
DEVELOPMENT_BLIND_INDEX_KEY = "polku-development-blind-index-key"
_DEV_FIELD_KEY = DEVELOPMENT_FIELD_KEY
_DEV_BLIND_INDEX_KEY = DEVELOPMENT_BLIND_INDEX_KEY
FIELD_ENCRYPTION_KEYS = [k.strip() for k in env("FIELD_ENCRYPTION_KEYS").split(",") if k.strip()]
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
if DEBUG:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [_DEV_FIELD_KEY]
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or _DEV_BLIND_INDEX_KEY
elif not FIELD_ENCRYPTION_KEYS or not BLIND_INDEX_KEY or len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS (Fernet keys, newest first) and BLIND_INDEX_KEY (at least 32 "
        "characters) must be set when DJANGO_DEBUG is false."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "health",
    "core",
    "agencies",
    "notifications",
    "history",
    "referrals",
    "pathways",
    "plans",
    "meetings",
    "worklist",
    "security",
    "dpo",
    "accessibility",
    "retention",
    "bootstrap",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # First after the security headers, so that its header lands on every response.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "agencies.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "security.middleware.OTPSessionMiddleware",
    "agencies.middleware.ActiveAgencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: ending a session tells the user why on the login page.
    "security.middleware.SessionLimitsMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "security.middleware.RateLimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In development runserver serves static files; in production WhiteNoise serves the
    # collected, compressed and fingerprinted copies.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "agencies.context_processors.active_agency",
                "referrals.context_processors.inbox",
                "worklist.context_processors.worklist",
                "security.context_processors.security",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # Short lists (form choices) need no server-side cursor and its extra round trips;
    # it also keeps Polku usable behind PgBouncer in transaction pooling mode.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "db.sqlite3"),
            # The web server and the worker write at the same time: take the write lock when
            # a transaction begins, so SQLite waits for it instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
# The owner role that owns the tables and runs `migrate` on PostgreSQL; the web processes
# and workers connect as the role of DATABASE_URL, which may only read and insert the
# logs (dpo/roles.py, docs/adr/0019-logs-the-application-cannot-rewrite.md).
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL")
DATABASE_OWNER = dj_database_url.parse(DATABASE_OWNER_URL) if DATABASE_OWNER_URL else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Polku never grants anything to anonymous users, so guardian needs no anonymous user row.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "agencies.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Finnish is the default; the user's choice (cookie) wins, the browser's does not.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "polku_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL (console://, smtp://user:pass@host:587?tls=true) into settings."""
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be console, smtp or smtps, not {parts.scheme!r}"
        )
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["false"])[0].lower() == "true",
        "EMAIL_TIMEOUT": 20,
    }


globals().update(email_settings(env("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Polku <polku@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is told of accessibility feedback (comma-separated); without it the ADMINS, and
# without those every active superuser with an address (accessibility.selectors).
POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = [
    address.strip()
    for address in env("POLKU_ACCESSIBILITY_FEEDBACK_EMAIL").split(",")
    if address.strip()
]
# Links in e-mails point here (no request to take the host from in a Celery task);
# scripts/run.sh sets it to the address `make run` serves.
POLKU_BASE_URL = env("POLKU_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: Redis when REDIS_URL is set, otherwise the filesystem broker under var/.
REDIS_URL = env("REDIS_URL")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A Redis that does not answer fails a publish in seconds, not minutes: the outbox
    # rows wait for the drain (docs/adr/0020-outbox.md).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HEARTBEAT_INTERVAL_SECONDS = 60
REMINDER_SCAN_INTERVAL_SECONDS = 300
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "health.heartbeat",
        "schedule": HEARTBEAT_INTERVAL_SECONDS,
        "options": {"expires": HEARTBEAT_INTERVAL_SECONDS},
    },
    # An interval, not wall-clock times: the scan computes what is due from the database
    # and the date in Helsinki, so a DST change neither skips nor repeats anything.
    "reminders-scan": {
        "task": "pathways.reminders_scan",
        "schedule": REMINDER_SCAN_INTERVAL_SECONDS,
        "options": {"expires": REMINDER_SCAN_INTERVAL_SECONDS},
    },
    # The e-mail outbox: hand out what is due and take back what dead senders held
    # (docs/adr/0020-outbox.md).
    "outbox-drain": {
        "task": "notifications.outbox_drain",
        "schedule": 60,
        "options": {"expires": 60},
    },
    # 07:00 in CELERY_TIMEZONE (Europe/Helsinki), in summer and in winter time.
    "notifications-digest": {
        "task": "notifications.digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "sessions-prune": {
        "task": "security.sessions_prune",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    # 02:30 in Helsinki, when nobody works: anonymise, delete and clear what is past its
    # retention period, and expire old log rows (retention/, docs/adr/0012-retention.md).
    # Missed nights catch up, since the run works from the database; it expires before
    # the next night's run is due.
    "retention-run": {
        "task": "retention.run",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 20 * 3600},
    },
    # The logs' hash chain (dpo/, docs/adr/0019-logs-the-application-cannot-rewrite.md):
    # rows are sealed a few minutes after they are written, and every chain is checked
    # each night after retention has expired the old days.
    "logs-seal": {
        "task": "dpo.logs_seal",
        "schedule": 300,
        "options": {"expires": 300},
    },
    "logs-verify": {
        "task": "dpo.logs_verify",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 20 * 3600},
    },
}
# The use and disclosure logs are kept this many years, then expired by the nightly run.
POLKU_LOG_RETENTION_YEARS = int(env("POLKU_LOG_RETENTION_YEARS", "5"))

# Security. The production values make `check --deploy` clean; TLS ends at the load
# balancer, which must set X-Forwarded-Proto (and X-Forwarded-For: POLKU_PROXY_COUNT).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Forms carry the CSRF token and no script reads a cookie.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): scripts and styles only from Polku itself or
# carrying the page's nonce; no inline style attributes, no eval, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        **({} if DEBUG else {"upgrade-insecure-requests": True}),
    }
}

# Sessions end after 30 minutes without a request (the session and its cookie are
# refreshed at most once a minute, by security.middleware) and 12 hours after the login.
POLKU_SESSION_IDLE_SECONDS = SESSION_COOKIE_AGE = 30 * 60
POLKU_SESSION_MAX_SECONDS = 12 * 3600
POLKU_SESSION_TOUCH_SECONDS = 60
# How many proxies (the load balancer) stand in front of Polku: the client's address is
# that many entries from the right of X-Forwarded-For. None by default: without a proxy
# that writes the header, a client could write any address into it.
POLKU_PROXY_COUNT = int(env("POLKU_TRUSTED_PROXIES", "0"))
if POLKU_PROXY_COUNT < 0:
    raise ImproperlyConfigured("POLKU_TRUSTED_PROXIES must be 0 or more.")

# Permissions-Policy (django-permissions-policy): Polku uses no browser feature that a
# page would have to ask for, so every powerful one is off, for frames too.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Two-factor login (django-otp, TOTP with backup codes): on by default in production, off
# in development so that the demo personas log in with the password alone.
POLKU_REQUIRE_2FA = env_bool("POLKU_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Polku"

# Lockout (django-axes): 5 wrong passwords for a username lock it for 15 minutes. Per
# username only, so that one office behind a shared address cannot lock everybody out;
# tries during the lockout do not extend it, so nobody can keep a user locked for ever.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "security.views.lockout"
AXES_CLIENT_IP_CALLABLE = "security.http.client_ip"
# Failures are kept until the cool-off passes; successful logins are not logged by axes
# (security.UserSession shows the user their own sessions).
AXES_DISABLE_ACCESS_LOG = True
# axes.W006 asks to lock by address too; that would lock out a whole office behind one
# address. Logins per address are rate-limited instead (POLKU_RATE_LIMITS["login-ip"]).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]


# The cache holds the rate-limit counters and the data categories' names: Redis in
# production, so that all web processes share them (REDIS_CACHE_URL, or the broker's
# REDIS_URL itself: its database number keeps two deployments on one server apart);
# process memory in the embedded default, one web process. An outage is never an error
# page (core/cache.py), and a dead server is given up on within a second.
REDIS_CACHE_URL = env("REDIS_CACHE_URL") or REDIS_URL
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "polku",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rule -> (requests, seconds). Logins per address are generous: a whole prison or
# office may share one address. Searches are per user.
POLKU_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "login-ip": (100, 600),
    "login-username": (20, 600),
    "search": (120, 60),
    # Identity codes typed into the release form, per user: a Rise unit logs a few
    # releases an hour, never dozens of codes.
    "identity-lookup": (30, 3600),
    # Activation-code attempts per user when setting up two-factor login.
    "activation-code": (10, 900),
    # Accessibility feedback per address: anyone may send it without logging in.
    "accessibility-feedback": (10, 3600),
}

# Every handler redacts identity codes, e-mail addresses and phone numbers (messages,
# arguments and tracebacks: config/logfilters.py). Django's own loggers lose the handlers
# of its default configuration (console, mail_admins, which would mail tracebacks with
# their local variables) and go through the root handler like everything else; the
# Celery worker uses this configuration too (config/celery.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "config.logfilters.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# The demo personas' password on `make run`; seed_demo refuses it outside development.
DEMO_PASSWORD_DEFAULT = "polku-demo-2026"  # noqa: S105
