"""Settings of Neue Wege. Every deployment setting comes from an environment variable;
the defaults are safe for a local first look (see README, "Configuration")."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_flag(name, default=False):
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def email_settings(url):
    """EMAIL_URL: console:// (default), smtp://user:pass@host:587?tls=1, smtps://…:465, memory://"""
    parts = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "memory": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "EMAIL_BACKEND": backends[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", "0") in {"1", "true"},
    }


DEBUG = env_flag("NEUEWEGE_DEBUG")
# The key signs sessions, booking and survey links and set-password links: a known key opens
# parents' data. Without NEUEWEGE_SECRET_KEY only a debug run (make run) starts, with a local key
# that is published in this file. Rotation: the new key in NEUEWEGE_SECRET_KEY, the old ones in
# NEUEWEGE_SECRET_KEY_FALLBACKS (comma-separated) until the links and sessions made with them
# have expired; then drop them.
LOCAL_SECRET_KEY = "django-insecure-local-only-set-NEUEWEGE_SECRET_KEY"  # noqa: S105
SECRET_KEY = env("NEUEWEGE_SECRET_KEY")
SECRET_KEY_FALLBACKS = env_list("NEUEWEGE_SECRET_KEY_FALLBACKS")
if not SECRET_KEY.strip() and DEBUG:
    SECRET_KEY = LOCAL_SECRET_KEY
if not DEBUG and (
    not SECRET_KEY.strip() or LOCAL_SECRET_KEY in [SECRET_KEY, *SECRET_KEY_FALLBACKS]
):
    raise ImproperlyConfigured(
        "NEUEWEGE_SECRET_KEY is not set (or is the published local key): Neue Wege does not start"
        " without a secret key of its own. Set it to a long random string, e.g. the output of"
        " `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`, and keep it secret."
        " For a local first look only, NEUEWEGE_DEBUG=1 starts with a local key (make run does)."
    )
ALLOWED_HOSTS = env_list("NEUEWEGE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("NEUEWEGE_CSRF_TRUSTED_ORIGINS")
BASE_URL = env("NEUEWEGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
VAR_DIR = Path(env("NEUEWEGE_VAR_DIR", str(BASE_DIR / "var")))
# How many reverse proxies stand in front of the application, each appending the address it saw
# to X-Forwarded-For (0: clients connect directly). Sign-in throttling and the limits on public
# writes count per client address (core/clients.py).
PROXY_COUNT = int(env("NEUEWEGE_PROXY_COUNT", "0"))

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, as it asks
    "neuewege.core.apps.AdminConfig",  # django.contrib.admin behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "neuewege.core",
    "neuewege.events",
    "neuewege.cooperation",
    "neuewege.evaluation",
    "neuewege.trainings",
    "neuewege.coverage",
    "neuewege.agreements",
    "neuewege.navigator",
    "neuewege.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "neuewege.core.middleware.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "neuewege.core.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "neuewege.urls"
WSGI_APPLICATION = "neuewege.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["neuewege.core.templatetags.remembered_urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "neuewege.core.context_processors.shell",
            ],
        },
    },
    {  # the fragments of core/jinja.py ({% jinja %}), from the apps' jinja2/ folders
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "neuewege.core.jinja.environment"},
    },
]
FORM_RENDERER = "neuewege.core.forms.KernFormRenderer"

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'neuewege.sqlite3'}"),
        conn_max_age=int(env("NEUEWEGE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # covering indexes (INCLUDE) are PostgreSQL's: SQLite keeps their key columns, as meant
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A PostgreSQL replica of it, when DATABASE_REPLICA_URL names one: the pages whose reads tolerate
# lag (results, dashboards, the searches) read from it; writes, capacity decisions and every read
# inside a transaction stay on the primary (core/replica.py).
REPLICA_URL = env("DATABASE_REPLICA_URL")
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL,
        conn_max_age=int(env("NEUEWEGE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a PostgreSQL replica (postgresql://…), not"
            f" {DATABASES['replica']['ENGINE']}."
        )
    DATABASE_ROUTERS = ["neuewege.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "neuewege.core.passwords.PasswordPolicyValidator"},  # common words, places, zxcvbn
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = int(env("NEUEWEGE_INVITATION_DAYS", "7")) * 24 * 3600

# The second factor (django-otp): TOTP apps, and recovery codes (core.models.RecoveryCodeDevice).
# Required for the state level, coordinators and admin accounts, and for every account of a
# region that requires it (core/access.py). Wrong codes slow down exponentially per device.
OTP_TOTP_ISSUER = "Neue Wege"

# Sign-in throttling (core/signin.py): 8 failures at an account from one client address lock
# that address out of it for 15 minutes; 40 from all addresses together lock the account.
AXES_ENABLED = env_flag("NEUEWEGE_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = 8
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "neuewege.core.signin.SignInAttempts"
AXES_USERNAME_FORM_FIELD = "username"  # what the sign-in forms post (USERNAME_FIELD is email)
AXES_USERNAME_CALLABLE = "neuewege.core.signin.throttled_username"
AXES_CLIENT_IP_CALLABLE = "neuewege.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "neuewege.core.signin.locked_out"

LANGUAGE_CODE = "de"
# Staff pages are in German and English; the pages for parents also in the languages of the
# target groups (Arabic right to left). Content that staff enter can carry the same translations.
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("pl", _("Polish")),
]
STAFF_LANGUAGES = ["de", "en"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("NEUEWEGE_STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "neuewege.core.staticfiles.RememberedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Files are read no further than the limit of the view they are sent to (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "neuewege.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

globals().update(email_settings(env("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env("NEUEWEGE_FROM_EMAIL", "Neue Wege <noreply@localhost>")
BARRIER_REPORT_EMAIL = env("NEUEWEGE_BARRIER_REPORT_EMAIL")
# The operator, named on the imprint, the privacy statement and the accessibility statement
# (core/legal.py). A page shows a notice for each detail still empty; `neuewege check --deploy`
# warns about them. The supervisory authority and the enforcement body default to NRW's.
OPERATOR_NAME = env("NEUEWEGE_OPERATOR_NAME")
OPERATOR_ADDRESS = env("NEUEWEGE_OPERATOR_ADDRESS")
OPERATOR_EMAIL = env("NEUEWEGE_OPERATOR_EMAIL")
OPERATOR_PHONE = env("NEUEWEGE_OPERATOR_PHONE")
OPERATOR_REPRESENTATIVE = env("NEUEWEGE_OPERATOR_REPRESENTATIVE")
OPERATOR_VAT_ID = env("NEUEWEGE_OPERATOR_VAT_ID")
DPO_CONTACT = env("NEUEWEGE_DPO_CONTACT")
DATA_PROTECTION_AUTHORITY = env(
    "NEUEWEGE_DATA_PROTECTION_AUTHORITY",
    "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW), "
    "Kavalleriestraße 2–4, 40213 Düsseldorf, poststelle@ldi.nrw.de",
)
ACCESSIBILITY_EMAIL = env("NEUEWEGE_ACCESSIBILITY_EMAIL")  # empty: OPERATOR_EMAIL
ACCESSIBILITY_REVIEW = env("NEUEWEGE_ACCESSIBILITY_REVIEW")
ACCESSIBILITY_ENFORCEMENT = env(
    "NEUEWEGE_ACCESSIBILITY_ENFORCEMENT",
    "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen",
)
EVENT_REMINDER_DAYS = int(env("NEUEWEGE_REMINDER_DAYS", "2"))
# Parents' details are deleted this many days after the event's last date (the consent text
# promises 6 months); the log of reads and changes of personal data is kept this long.
REGISTRATION_RETENTION_DAYS = int(env("NEUEWEGE_RETENTION_DAYS", "180"))
ACCESS_LOG_RETENTION_DAYS = int(env("NEUEWEGE_ACCESS_LOG_DAYS", "730"))
# The purge (core/privacy.py) writes what it erases to a JSON-lines file here first, if set
PURGE_ARCHIVE_DIR = env("NEUEWEGE_PURGE_ARCHIVE_DIR") or None
# The platform's seal on the PDFs of agreements in force (agreements/seal.py): a key and its
# certificate (PEM or DER) of the operating organisation; unset: a self-signed one in VAR_DIR/seal
SEAL_KEY_FILE = env("NEUEWEGE_SEAL_KEY_FILE") or None
SEAL_CERT_FILE = env("NEUEWEGE_SEAL_CERT_FILE") or None
SEAL_PASSPHRASE = env("NEUEWEGE_SEAL_PASSPHRASE")
# Follow-up survey: parents who agreed get their link this many weeks after the last session
# they attended, and one reminder this many days later. Speakers and family centres are asked
# after each event held ("event") or once a quarter about the quarter's events ("quarter").
SURVEY_WEEKS = int(env("NEUEWEGE_SURVEY_WEEKS", "8"))
SURVEY_REMINDER_DAYS = int(env("NEUEWEGE_SURVEY_REMINDER_DAYS", "14"))
SURVEY_PROFESSIONALS = env("NEUEWEGE_SURVEY_PROFESSIONALS", "event").strip().lower()
if SURVEY_PROFESSIONALS not in {"event", "quarter"}:
    raise ValueError("NEUEWEGE_SURVEY_PROFESSIONALS: 'event' or 'quarter'")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if env("NEUEWEGE_TASKS", "immediate") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Pages for parents that are the same for everyone (event search, event page) are kept this many
# seconds in the cache: free places shown may lag by as much.
PUBLIC_PAGE_CACHE_SECONDS = int(env("NEUEWEGE_PUBLIC_CACHE_SECONDS", "60"))
# Figures of the last twelve months on dashboards and goals are computed at most this often.
FIGURES_CACHE_SECONDS = int(env("NEUEWEGE_FIGURES_CACHE_SECONDS", "600"))
# The cache: each process's memory unless NEUEWEGE_CACHE_URL names a Redis server that all app
# servers share (production with several workers or servers): then figures are computed once for
# all of them, and sessions are read from it before the database (a sign-out ends the session
# everywhere, because the shared copy is deleted with it).
CACHE_URL = env("NEUEWEGE_CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"NEUEWEGE_CACHE_URL must name a Redis server (redis://host:6379/0), not {CACHE_URL!r}."
    )
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "neuewege.core.cache.SharedRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "neuewege",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# The start pages keep their panels rendered until what they show changes (core/start.py):
# only where every worker sees every other's changes, a shared cache (or a single process).
KEEP_START_PANELS = env_flag("NEUEWEGE_KEEP_START_PANELS", bool(CACHE_URL))

# Map tiles are off unless an operator names a tile server (no third-party requests by default).
MAP_TILES_URL = env("NEUEWEGE_MAP_TILES_URL")
MAP_ATTRIBUTION = env("NEUEWEGE_MAP_ATTRIBUTION", "© OpenStreetMap")

PAGE_SIZE = 25

# Security. NEUEWEGE_HTTPS=1 behind a TLS-terminating proxy in production.
HTTPS = env_flag("NEUEWEGE_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
_map_origin = urlparse(MAP_TILES_URL.replace("{s}", "a")) if MAP_TILES_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"]
        + ([f"{_map_origin.scheme}://{_map_origin.netloc}"] if _map_origin else []),
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Libraries log what their developers need: WeasyPrint and fontTools (which subsets the fonts of
# every PDF when HarfBuzz's subsetter is missing) write some eighty lines per document at INFO.
# They log warnings and errors only, and a warning that repeats with every document (such as
# "Using fontTools instead of HarfBuzz-Subset") is written once per process.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"once": {"()": "neuewege.core.logs.Once"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env("NEUEWEGE_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (debug runs) would write each message a second time
        "django": {"handlers": [], "level": "INFO"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING", "filters": ["once"]},
    },
}
