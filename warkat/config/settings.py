"""The one settings module. Every knob is an environment variable with a safe default.

The embedded default (no variables set) is a local SQLite database under ``var/`` with
debug off; ``WARKAT_DEBUG=1`` is for development. Production sets ``DATABASE_URL``,
``WARKAT_SECRET_KEY``, ``WARKAT_ALLOWED_HOSTS`` and, for several app hosts, S3 storage.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("WARKAT_VAR_DIR", str(PROJECT_DIR / "var")))
# Reference data (region codes, archive classification) shipped beside the project.
REFERENCE_DATA_DIR = Path(
    env_str("WARKAT_REFERENCE_DATA_DIR", str(PROJECT_DIR / "data"))
)

TESTING = "pytest" in sys.modules or env_bool("WARKAT_TESTING")
DEBUG = env_bool("WARKAT_DEBUG")
# Production refuses the demo password and insecure defaults (see accounts.checks).
PRODUCTION = env_bool("WARKAT_PRODUCTION")

_DEV_SECRET = "warkat-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("WARKAT_SECRET_KEY", _DEV_SECRET)
ALLOWED_HOSTS = env_list("WARKAT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("WARKAT_CSRF_TRUSTED_ORIGINS")
# Public base address used in QR codes, e-mails and verification links.
PUBLIC_BASE_URL = env_str("WARKAT_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    # django-ninja's templates and static files: the API docs page loads Swagger UI
    # from the app itself (no CDN, which the CSP blocks and many networks lack).
    "ninja",
    "warkat.core",
    "warkat.tenancy",
    "warkat.org",
    "warkat.accounts",
    "warkat.audit",
    "warkat.api",
    "warkat.letters",
    "warkat.dispositions",
    "warkat.signing",
    "warkat.notify",
    "warkat.archive",
    "warkat.ocr",
    "warkat.search",
    "warkat.drafting",
    "warkat.dashboard",
    "warkat.attendance",
    # Before oauth2_provider: its templates (consent, logout) are overridden here.
    "warkat.sso",
    "warkat.intake",
    "oauth2_provider",
    "warkat.backup",
    "warkat.webhooks",
    "warkat.demo",
]

MIDDLEWARE = [
    # Request id first (logs of everything below carry it); health, readiness and
    # metrics answered before host checks and sessions (see core.health).
    "warkat.core.requestid.RequestIdMiddleware",
    # Every 503 (a part of the installation down) tells clients when to try again.
    "warkat.core.outage.RetryAfterMiddleware",
    "warkat.core.ops_endpoints.OpsEndpointsMiddleware",
    "warkat.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The morning peak's phone check-in, answered before the rest of the stack
    # (request id, metrics and security headers above still apply) when the WSGI
    # entry point in front of Django (attendance.fastwsgi) has not answered it.
    "warkat.attendance.fastpath.CheckInFastMiddleware",
    # First to see the request, last to touch the response: compresses the final body.
    "warkat.core.static.TextGZipMiddleware",
    "warkat.accounts.middleware.ClientIpMiddleware",
    "warkat.core.static.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "warkat.accounts.middleware.ApiTokenMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "warkat.tenancy.middleware.TenantScopeMiddleware",
    "warkat.accounts.middleware.AccountGateMiddleware",
]

ROOT_URLCONF = "warkat.config.urls"
WSGI_APPLICATION = "warkat.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # accounts/templates overrides allauth's templates (allauth is listed first).
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "accounts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "warkat.core.context_processors.warkat",
            ],
            "builtins": ["warkat.core.templatetags.inline_css"],
        },
    },
]

# --- database ---------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'warkat.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        # A connection per app thread kept between requests (a new PostgreSQL
        # connection per request cost more CPU than most requests, a whole check-in
        # included), checked before reuse so a restarted database is reconnected to.
        conn_max_age=0 if TESTING else env_int("WARKAT_DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests run on a database file of their own, as the embedded default does: each
    # live-server request thread then has its own connection, as in production. (An
    # in-memory database is one connection shared by every thread of the test
    # process, whose concurrent requests can interleave each other's transactions.)
    # In shared memory where there is some; pytest-xdist adds ``_gw0``, ``_gw1``…
    _shm = Path("/dev/shm")
    _test_dir = (
        _shm if _shm.is_dir() and os.access(_shm, os.W_OK) else tempfile.gettempdir()
    )
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("WARKAT_TEST_SQLITE", "")
        or str(Path(_test_dir) / f"warkat-test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("WARKAT_TEST_DB_NAME") or None,
    }
    if TESTING:
        # The test databases are thrown away: a commit need not wait for its WAL to
        # reach the disk (the server's crash safety is unchanged, only a crash of
        # the server could lose the last commits of a test).
        # Beside any options the URL gave (``?sslmode=…``, ``?options=…``).
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = (
            f"{_options.get('options', '')} -c synchronous_commit=off".lstrip()
        )
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "warkat.accounts.backends.NipOrUsernameBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    # Argon2id with OWASP's parameters (see accounts.hashers): Django's cost a
    # morning's sign-ins half of a two-core host.
    "warkat.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 on purpose is slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Client secrets of SSO apps (random, 256 bits): a keyed SHA-256 is enough and keeps
# the token endpoint fast. Last in the list, so no user password is ever hashed by it.
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "warkat.sso.hashers.ClientSecretHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
# Failed sign-ins before an account is locked, and for how long.
WARKAT_LOCKOUT_FAILURES = env_int("WARKAT_LOCKOUT_FAILURES", 5)
WARKAT_LOCKOUT_MINUTES = env_int("WARKAT_LOCKOUT_MINUTES", 15)
WARKAT_DEMO_PASSWORD = "Warkat-Demo-2026"

ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "warkat.accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
# Sign-in attempts (accounts.throttle): per account and minute, and per client
# address and minute with a ceiling far above a whole office's eight o'clock behind
# one NAT address (5,000 staff in half an hour is under 200 a minute); failed
# attempts per address and minute (one password tried on many accounts). allauth's
# own per-address limits are replaced by these; its failed attempts per account
# (password and authenticator code, 5 in 5 minutes) stay.
WARKAT_SIGNIN_PER_ACCOUNT = env_int("WARKAT_SIGNIN_PER_ACCOUNT", 10)
WARKAT_SIGNIN_PER_ADDRESS = env_int("WARKAT_SIGNIN_PER_ADDRESS", 3000)
WARKAT_SIGNIN_FAILURES_PER_ADDRESS = env_int("WARKAT_SIGNIN_FAILURES_PER_ADDRESS", 120)
ACCOUNT_RATE_LIMITS = {"login": "", "login_failed": "5/5m/key"}
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Warkat"
# A code is also taken one 30-second step late (RFC 6238 §5.2: a code typed in the
# last seconds of its step reaches a busy server in the next). A used code stays
# refused for its whole validity (accounts.adapter.totp_mark_used).
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "warkat.accounts.adapter.MfaAdapter"
# Signers (pimpinan, heads of unit) set up TOTP before using the app. Off under tests
# so other features' tests can sign in signers; the accounts tests turn it on.
WARKAT_MFA_REQUIRED_FOR_SIGNERS = env_bool(
    "WARKAT_MFA_REQUIRED_FOR_SIGNERS", default=not TESTING
)
# Reverse proxies whose X-Forwarded-For is believed for the audit log's client address.
WARKAT_TRUSTED_PROXIES = env_list("WARKAT_TRUSTED_PROXIES")

# Django's database sessions with the user id in a column (warkat.accounts.sessions).
SESSION_ENGINE = "warkat.accounts.sessions"
SESSION_COOKIE_AGE = env_int("WARKAT_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_secure = env_bool("WARKAT_SECURE_COOKIES", default=PRODUCTION)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = env_bool("WARKAT_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Stylesheets travel inside the page (core.templatetags.inline_css), with the nonce.
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# --- i18n / time ------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("WARKAT_MEDIA_ROOT", str(VAR_DIR / "media")))
_S3_BUCKET = env_str("WARKAT_S3_BUCKET")


def _s3_client_config() -> object:
    from botocore.config import Config

    timeout = env_int("WARKAT_S3_TIMEOUT", 10)
    return Config(
        connect_timeout=timeout,
        read_timeout=timeout * 3,
        retries={"mode": "standard", "max_attempts": env_int("WARKAT_S3_ATTEMPTS", 3)},
        # Path-style addressing works with every S3-compatible server (MinIO, Ceph).
        s3={"addressing_style": env_str("WARKAT_S3_ADDRESSING", "path")},
    )


STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _S3_BUCKET,
                "endpoint_url": env_str("WARKAT_S3_ENDPOINT_URL") or None,
                "region_name": env_str("WARKAT_S3_REGION") or None,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                # A store that is down fails a request in seconds (503, see
                # core.outage), not after botocore's minute of retries.
                "client_config": _s3_client_config(),
            },
        }
        if _S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT)},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            # Content-hashed names, Brotli and gzip copies made by collectstatic: served
            # with a one-year immutable cache (core.static.StaticFilesMiddleware).
            else "warkat.core.static.StaticFilesStorage"
        )
    },
}
# Finders serve the source files as they are (no hashed names, no compressed copies,
# a 60-second cache): for development and tests only; elsewhere collectstatic's output.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# /favicon.ico and other files browsers ask for at the site's root.
WHITENOISE_ROOT = BASE_DIR / "webroot"
WARKAT_UPLOAD_MAX_BYTES = env_int("WARKAT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
WARKAT_IMPORT_MAX_BYTES = env_int("WARKAT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = WARKAT_UPLOAD_MAX_BYTES + 1024 * 1024
# Mail-in (warkat.intake): messages larger than this are refused unread (the
# server's RFC822.SIZE); seconds before an IMAP connection gives up.
WARKAT_MAILIN_MAX_BYTES = env_int("WARKAT_MAILIN_MAX_BYTES", 100 * 1024 * 1024)
WARKAT_MAILIN_TIMEOUT = env_int("WARKAT_MAILIN_TIMEOUT", 30)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- background work --------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str(
            "WARKAT_TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default", "notify", "signing", "render", "ocr", "webhooks"],
    }
}

# --- text of stored files (warkat.ocr) ----------------------------------------
# Tesseract languages for OCRmyPDF ("ind", or e.g. "ind+eng" for mixed letters).
WARKAT_OCR_LANGUAGES = env_str("WARKAT_OCR_LANGUAGES", "ind")
# Seconds one OCR run (one file) may take before it is stopped and counted failed.
WARKAT_OCR_TIMEOUT = env_int("WARKAT_OCR_TIMEOUT", 600)
# Attempts per file before it is shown as failed (a TU or admin may start it again).
WARKAT_OCR_ATTEMPTS = env_int("WARKAT_OCR_ATTEMPTS", 3)
# Pages read in parallel (one Tesseract per page, OCRmyPDF -j); 0: the cores.
WARKAT_OCR_JOBS = env_int("WARKAT_OCR_JOBS", 0)
# Resolution scanned pages are rasterised at for Tesseract (300: its accuracy drops
# below that on typed letters; more costs time without reading more).
WARKAT_OCR_DPI = env_int("WARKAT_OCR_DPI", 300)
# Task workers (``manage.py task_worker``, core.workers): a task that failed because a
# part was down is retried this many times in all, after a growing pause; a task
# whose worker died (no liveness stamp for WARKAT_WORKER_STALE_SECONDS) runs again.
WARKAT_TASK_MAX_ATTEMPTS = env_int("WARKAT_TASK_MAX_ATTEMPTS", 5)
WARKAT_TASK_RETRY_SECONDS = env_int("WARKAT_TASK_RETRY_SECONDS", 30)
WARKAT_WORKER_STALE_SECONDS = env_int("WARKAT_WORKER_STALE_SECONDS", 60)
# Seconds a client is told to wait (Retry-After) when a part is down (core.outage).
WARKAT_RETRY_AFTER_SECONDS = env_int("WARKAT_RETRY_AFTER_SECONDS", 30)

# --- cache ------------------------------------------------------------------
_REDIS_URL = env_str("WARKAT_REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
        }
        if _REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "warkat_cache",
        }
    )
}

# Seconds the command centre keeps a page's summed figures in the cache, until the
# tenant's figures change (warkat.dashboard.cache); 0 turns it off (tests).
WARKAT_DASHBOARD_CACHE = env_int("WARKAT_DASHBOARD_CACHE", 0 if TESTING else 300)
# Seconds between an event and the recomputation of its day's figures: one run per
# burst of events (warkat.dashboard.events).
WARKAT_DASHBOARD_EVENT_DELAY = env_int("WARKAT_DASHBOARD_EVENT_DELAY", 60)

# --- e-mail -----------------------------------------------------------------
_EMAIL_BACKEND = env_str(
    "WARKAT_EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env_str("WARKAT_EMAIL_HOST", "localhost"),
        "port": env_int("WARKAT_EMAIL_PORT", 25),
        "username": env_str("WARKAT_EMAIL_USER"),
        "password": env_str("WARKAT_EMAIL_PASSWORD"),
        "use_tls": env_bool("WARKAT_EMAIL_TLS"),
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("WARKAT_EMAIL_FROM", "Warkat <noreply@warkat.invalid>")

# --- web push (VAPID); push is off unless a key pair is configured ----------
WARKAT_VAPID_PRIVATE_KEY = env_str("WARKAT_VAPID_PRIVATE_KEY")
WARKAT_VAPID_PUBLIC_KEY = env_str("WARKAT_VAPID_PUBLIC_KEY")
WARKAT_VAPID_SUBJECT = env_str("WARKAT_VAPID_SUBJECT", "mailto:admin@warkat.invalid")

# --- signing (TTE) ------------------------------------------------------------
# Key that wraps CA and signer keys at rest (falls back to SECRET_KEY). Keep it stable
# and backed up apart from the database: losing it makes every stored key unusable.
WARKAT_CA_KEY = env_str("WARKAT_CA_KEY")
# External RFC 3161 timestamp authority; empty = the tenant CA's built-in TSA.
# Render an approved letter's PDF ahead of its signing (``drafting.ahead``), on
# the "render" task queue; off in the tests, which turn it on where they test it.
WARKAT_RENDER_AHEAD = env_bool("WARKAT_RENDER_AHEAD", default=not TESTING)
WARKAT_TSA_URL = env_str("WARKAT_TSA_URL")
WARKAT_TSA_TIMEOUT = env_int("WARKAT_TSA_TIMEOUT", 10)
WARKAT_SIGNING_CERT_DAYS = env_int("WARKAT_SIGNING_CERT_DAYS", 730)
WARKAT_SIGNING_PASSPHRASE_MIN = env_int("WARKAT_SIGNING_PASSPHRASE_MIN", 10)
WARKAT_SIGNING_MAX_TRIES = env_int("WARKAT_SIGNING_MAX_TRIES", 5)
# BSrE eSign Client API v2 (base URL without /api/v2) and its Basic Auth account.
WARKAT_BSRE_URL = env_str("WARKAT_BSRE_URL")
WARKAT_BSRE_USER = env_str("WARKAT_BSRE_USER")
WARKAT_BSRE_PASSWORD = env_str("WARKAT_BSRE_PASSWORD")
WARKAT_BSRE_TIMEOUT = env_int("WARKAT_BSRE_TIMEOUT", 60)
# PEM bundle with the BSrE root certificate(s): the trust anchors for verifying
# BSrE-signed documents. Empty = BSrE signatures are checked for integrity only.
WARKAT_BSRE_TRUST_ROOTS = env_str("WARKAT_BSRE_TRUST_ROOTS")
# Public verification: requests per client address per minute.
WARKAT_VERIFY_RATE = env_int("WARKAT_VERIFY_RATE", 30)

# --- outgoing webhooks ------------------------------------------------------
# Seconds a receiver has to answer; seconds between retries (about three days in
# all, then a delivery fails); an endpoint failing this long is disabled.
WARKAT_WEBHOOK_TIMEOUT = env_int("WARKAT_WEBHOOK_TIMEOUT", 10)
# Seconds to open a connection (a receiver that is down is given up quickly), and
# requests one endpoint's drain sends at once over its kept-alive connections.
WARKAT_WEBHOOK_CONNECT_TIMEOUT = env_int("WARKAT_WEBHOOK_CONNECT_TIMEOUT", 3)
WARKAT_WEBHOOK_CONCURRENCY = env_int("WARKAT_WEBHOOK_CONCURRENCY", 8)
WARKAT_WEBHOOK_RETRY_SECONDS = [
    int(s)
    for s in env_list(
        "WARKAT_WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000,50400,72000,72000"
    )
]
WARKAT_WEBHOOK_DISABLE_AFTER = env_int("WARKAT_WEBHOOK_DISABLE_AFTER", 3 * 24 * 3600)

# --- API --------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- single sign-on (OpenID Connect provider, warkat.sso) ---------------------------
from warkat.sso.keys import signing_keys  # noqa: E402

# The ID-token signing key (RSA, PEM): WARKAT_OIDC_KEY (the PEM itself) or
# WARKAT_OIDC_KEY_FILE. Keys retired by a rotation stay published in the JWKS until
# the tokens they signed have expired: WARKAT_OIDC_OLD_KEY_FILES (comma-separated).
# Without a key, development and tests make one under var/ (production refuses).
_OIDC_KEY, _OIDC_OLD_KEYS = signing_keys(
    pem=env_str("WARKAT_OIDC_KEY"),
    path=env_str("WARKAT_OIDC_KEY_FILE"),
    old_paths=env_list("WARKAT_OIDC_OLD_KEY_FILES"),
    dev_path=None if PRODUCTION else VAR_DIR / "oidc-dev-key.pem",
)
OAUTH2_PROVIDER_APPLICATION_MODEL = "sso.Client"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # Empty: the issuer is <this site>/sso as the request sees it. Behind a proxy
    # that rewrites the host, set WARKAT_OIDC_ISSUER (e.g. https://warkat.go.id/sso).
    "OIDC_ISS_ENDPOINT": env_str("WARKAT_OIDC_ISSUER"),
    "PKCE_REQUIRED": True,
    "OIDC_RSA_PRIVATE_KEY": _OIDC_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _OIDC_OLD_KEYS,
    "OIDC_SERVER_CLASS": "warkat.sso.server.S256OnlyServer",
    "OAUTH2_VALIDATOR_CLASS": "warkat.sso.validator.WarkatValidator",
    "SCOPES_BACKEND_CLASS": "warkat.sso.scopes.WarkatScopes",
    "CLIENT_SECRET_HASHER": "warkat_client_secret",
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("WARKAT_OIDC_ACCESS_SECONDS", 3600),
    "ID_TOKEN_EXPIRE_SECONDS": env_int("WARKAT_OIDC_ACCESS_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("WARKAT_OIDC_REFRESH_SECONDS", 30 * 86400),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Loopback redirect URIs match any port (RFC 8252): SKPD apps on a laptop.
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
}

# --- operations (logs, errors, metrics) ----------------------------------------
# Logging is configured before anything else imports ``warkat.core`` (it only names
# classes by path), so importing the builder here is safe.
from warkat.core.logging import logging_config  # noqa: E402

LOGGING = logging_config(
    json=env_bool("WARKAT_LOG_JSON", default=PRODUCTION),
    level=env_str("WARKAT_LOG_LEVEL", "WARNING"),
)
# Addresses (CIDR) allowed to read /metrics without a token, and the bearer token.
WARKAT_METRICS_ALLOWED = env_list("WARKAT_METRICS_ALLOWED", "127.0.0.1/32,::1/128")
WARKAT_METRICS_TOKEN = env_str("WARKAT_METRICS_TOKEN")
# A queue whose worker has not been seen for this long is reported as stale.
WARKAT_HEARTBEAT_STALE_SECONDS = env_int("WARKAT_HEARTBEAT_STALE_SECONDS", 600)
WARKAT_SENTRY_DSN = "" if TESTING else env_str("WARKAT_SENTRY_DSN")
if WARKAT_SENTRY_DSN:
    from warkat.core.sentry import sentry_init

    sentry_init(
        dsn=WARKAT_SENTRY_DSN,
        environment=env_str("WARKAT_SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env_str("WARKAT_SENTRY_TRACES", "0") or 0),
    )
