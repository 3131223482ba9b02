"""Django settings, all from the environment (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from zhengfa.env import ConfigError, env_bool, env_int, env_list, env_str, var_dir

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = var_dir()

PRODUCTION = env_bool("ZHENGFA_PRODUCTION", default=False)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and not SECRET_KEY:
    raise ConfigError("SECRET_KEY must be set when ZHENGFA_PRODUCTION=1")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from local static files, not a CDN
    "zhengfa.org",
    "zhengfa.audit",
    "zhengfa.pii",
    "zhengfa.flow",
    "zhengfa.courts",
    "zhengfa.disputes",
    "zhengfa.hazards",
    "zhengfa.portal",
    "zhengfa.police",
    "zhengfa.insight",
    "zhengfa.insight.responsibility",
    "zhengfa.ops",  # backup and restore commands
    "zhengfa.insight.alerts",
    "zhengfa.web",
]

MIDDLEWARE = [
    "zhengfa.web.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zhengfa.web.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy
    "zhengfa.web.security.RefuseNulMiddleware",  # no 0x00 reaches PostgreSQL
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhengfa.web.security.SessionExpiryMiddleware",  # absolute and idle session limits
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhengfa.web.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "zhengfa.urls"
WSGI_APPLICATION = "zhengfa.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        # Health checks: a connection kept across requests that died with a database
        # restart is replaced at the next request instead of failing it (bench/faults).
        config: dict[str, object] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
        if config["ENGINE"] == "django.db.backends.postgresql":
            # No JIT: the dashboards' and map's aggregates over the count tables are
            # estimated costly enough at 10 M matters to be JIT-compiled, and compiling took
            # 1.4 s of a 1.5 s read (bench/README.md, "Insight dashboards").
            options: dict[str, object] = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
            config["OPTIONS"] = options
        return config
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "zhengfa.sqlite3",
        # WAL lets the worker write while the web server reads; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing with "database is locked".
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("ZHENGFA_MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {  # uploads: a write that fills the disk leaves no partial file (zhengfa.web.storage)
    "default": {"BACKEND": "zhengfa.web.storage.CleanFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "zhengfa@localhost"
# The address people reach the site at, for links in e-mailed reports.
ZHENGFA_SITE_URL = (env_str("ZHENGFA_SITE_URL") or "http://localhost:8000").rstrip("/")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Secrets for personal data and the audit chain (see docs/configuration.md). In
# development they fall back to keys kept in var/ so `make run` needs no set-up.
ZHENGFA_PII_KEYS = env_str("ZHENGFA_PII_KEYS")
ZHENGFA_PII_HASH_KEY = env_str("ZHENGFA_PII_HASH_KEY")
ZHENGFA_AUDIT_KEY = env_str("ZHENGFA_AUDIT_KEY")
# Audit hash chains: rows are spread over this many shards by subject (see docs/adr/0001).
ZHENGFA_AUDIT_SHARDS = env_int("ZHENGFA_AUDIT_SHARDS", 16)

# Leaflet tiles are optional: the map works offline on grid polygons alone.
ZHENGFA_TILE_URL = env_str("ZHENGFA_TILE_URL") or ""
ZHENGFA_DEMO_BANNER = env_bool("ZHENGFA_DEMO_BANNER", default=True)

# Secure deployment (docs/security.md). Production turns every one of these on; each can
# still be set on its own (e.g. SECURE_SSL_REDIRECT=0 behind a proxy that redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token in a hidden field
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Only behind a proxy that sets this header itself, e.g. "HTTP_X_FORWARDED_PROTO,https".
_PROXY_SSL = env_list("SECURE_PROXY_SSL_HEADER", [])
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL[0], _PROXY_SSL[1]) if len(_PROXY_SSL) == 2 else None
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# SESSION_COOKIE_AGE (above) is the absolute limit; this is the idle limit, in seconds.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
# Login throttling (zhengfa.web.throttle): failures per username+address and per address.
ZHENGFA_LOGIN_MAX_FAILURES = env_int("ZHENGFA_LOGIN_MAX_FAILURES", 5)
ZHENGFA_LOGIN_MAX_FAILURES_PER_IP = env_int("ZHENGFA_LOGIN_MAX_FAILURES_PER_IP", 50)
ZHENGFA_LOGIN_WINDOW = env_int("ZHENGFA_LOGIN_WINDOW", 15 * 60)
ZHENGFA_LOGIN_LOCKOUT = env_int("ZHENGFA_LOGIN_LOCKOUT", 15 * 60)
# The request.META key a trusted proxy overwrites with the client address (e.g.
# HTTP_X_REAL_IP); unset, REMOTE_ADDR is the client.
ZHENGFA_CLIENT_IP_META = env_str("ZHENGFA_CLIENT_IP_META") or ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
}
