"""Relaydesk's one settings module, fed by environment variables (see .env.example)."""

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from relaydesk.env import env_bool, env_email_url, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("RELAYDESK_DATA_DIR", "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("RELAYDESK_DEBUG", False)
HTTPS = env_bool("RELAYDESK_HTTPS", False)

# The key used when nothing else is configured in debug mode; the system check
# relaydesk.E001 refuses to run a non-debug server with it.
DEVELOPMENT_SECRET_KEY = "relaydesk-development-key-never-use-in-production"


def _secret_key() -> str:
    configured = env_str("RELAYDESK_SECRET_KEY", "")
    if configured:
        return configured
    if DEBUG:
        return DEVELOPMENT_SECRET_KEY
    # A safe default for a self-hosted install: a random key kept beside the data,
    # so sessions survive restarts without anyone having to invent a key.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("RELAYDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("RELAYDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",
    "relaydesk",
    "relaydesk.directory",
    "relaydesk.catalog",
    "relaydesk.servicerequests",
    "relaydesk.demo",
    "relaydesk.events",
    "relaydesk.notify",
    "relaydesk.feedback",
    "relaydesk.chains",
    "relaydesk.fairness",
    "relaydesk.audit",
    "relaydesk.insight",
    # Last, so that relaydesk's templates override Django's form templates (FORM_RENDERER).
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "relaydesk.middleware.ApiErrorsAsJson",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "relaydesk.middleware.PagesRequireLogin",
    "relaydesk.middleware.ViewerTimezone",
    "relaydesk.clean_input.RefuseControlCharacters",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "relaydesk.urls"
# Forms render through TEMPLATES, so that every error list on a page is relaydesk's own
# (templates/django/forms/errors/list/ul.html: each error written as a sentence).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "relaydesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relaydesk.notify.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'relaydesk.sqlite3'}"),
        conn_max_age=env_int("RELAYDESK_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock
        # at the start of a transaction, so two writers queue instead of deadlocking.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests run against a real file, not an in-memory database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: a person and address are locked out for a while after repeated failures.
AXES_FAILURE_LIMIT = env_int("RELAYDESK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field, though it holds the email
AXES_USERNAME_CALLABLE = "relaydesk.directory.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Pages are worded in English only, so their dates are too ("Thu 17 Dec, 10:30": 24-hour, day
# before month, which no reader misreads); date boxes follow the browser's locale by themselves.
# Times are in each viewer's own timezone (middleware.ViewerTimezone); UTC is the server's.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# In debug mode the app serves static files straight from the packages, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = env_str("RELAYDESK_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

WEB_WORKERS = env_int("RELAYDESK_WEB_WORKERS", 2)
# Threads per worker: they overlap waits on the database, but share one interpreter lock.
WEB_THREADS = env_int("RELAYDESK_WEB_THREADS", 4)

# The background worker (`relaydesk worker`, relaydesk.events.worker).
OUTBOX_BATCH = env_int("RELAYDESK_OUTBOX_BATCH", 50, minimum=1)
OUTBOX_LEASE_SECONDS = env_int("RELAYDESK_OUTBOX_LEASE_SECONDS", 300, minimum=1)
OUTBOX_RETRY_BASE_SECONDS = env_int("RELAYDESK_OUTBOX_RETRY_BASE_SECONDS", 30, minimum=0)
OUTBOX_RETRY_CAP_SECONDS = env_int("RELAYDESK_OUTBOX_RETRY_CAP_SECONDS", 3600, minimum=0)
OUTBOX_MAX_ATTEMPTS = env_int("RELAYDESK_OUTBOX_MAX_ATTEMPTS", 10, minimum=1)
CLOCK_CHECK_SECONDS = env_int("RELAYDESK_CLOCK_CHECK_SECONDS", 60, minimum=1)

# Notifications (relaydesk.notify): email from one EMAIL_URL (smtp://user:password@host:587,
# smtp+tls://… for STARTTLS, smtp+ssl://… for TLS from the start, console:// by default) and
# the absolute address that links in emails and webhooks point to.
_email = env_email_url("EMAIL_URL", "console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# A mail server that does not answer fails the send, which the worker retries later.
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 10
RELAYDESK_EMAIL_FROM = env_str("RELAYDESK_EMAIL_FROM", "Relaydesk <relaydesk@localhost>")
DEFAULT_FROM_EMAIL = SERVER_EMAIL = RELAYDESK_EMAIL_FROM
RELAYDESK_BASE_URL = env_str("RELAYDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
RELAYDESK_WEBHOOK_TIMEOUT = env_int("RELAYDESK_WEBHOOK_TIMEOUT", 5, minimum=1)
# Loopback receivers are refused (they are this server's own ports) unless this says otherwise.
RELAYDESK_WEBHOOK_ALLOW_LOOPBACK = env_bool("RELAYDESK_WEBHOOK_ALLOW_LOOPBACK", False)

# Feedback (relaydesk.feedback): the smallest group whose scores are shown (SPEC §3.5).
RELAYDESK_MIN_GROUP = env_int("RELAYDESK_MIN_GROUP", 5, minimum=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RELAYDESK_LOG_LEVEL", "WARNING")},
}
