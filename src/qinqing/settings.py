"""The one settings module, driven by environment variables.

Production is the default: DEBUG off, secure cookies, HSTS, CSP, ALLOWED_HOSTS and a
non-demo secret key required. ``QINQING_MODE=demo`` (what ``./qinqing serve`` sets) and
``QINQING_MODE=test`` (what ``./qinqing test`` sets) relax only what a laptop needs.
See docs/OPERATIONS.md for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_HOME = Path(os.environ.get("QINQING_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("QINQING_VAR_DIR", PROJECT_HOME / "var"))

MODE = os.environ.get("QINQING_MODE", "production").strip().lower()
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"QINQING_MODE must be production, demo or test, not {MODE!r}")
DEMO = MODE in {"demo", "test"}
PRODUCTION = MODE == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- secrets -----------------------------------------------------------------------
# The demo key is public (it is in this file); production refuses to start with it.
DEMO_SECRET_KEY = "qinqing-demo-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = os.environ.get("QINQING_SECRET_KEY", DEMO_SECRET_KEY if DEMO else "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("QINQING_SECRET_KEY is required in production (QINQING_MODE=production).")
    if SECRET_KEY == DEMO_SECRET_KEY:
        raise ImproperlyConfigured(
            "QINQING_SECRET_KEY is the public demo key; set a secret one for production."
        )

# Key material for field encryption (SM4) and blind indexes / audit digests (HMAC-SM3).
# Separate from SECRET_KEY so that rotating the session key does not lose data.
FIELD_ENCRYPTION_KEY = os.environ.get("QINQING_FIELD_KEY", "")
AUDIT_KEY = os.environ.get("QINQING_AUDIT_KEY", "")
# The audit log's tree heads (issue 19, docs/OPERATIONS.md "The audit log"): the signing key is kept
# outside the database (a file of "hmac-sm3:<hex>" / "sm2:<hex>" lines, the last signs; or one such
# line in QINQING_AUDIT_HEAD_KEY); signed heads are appended to QINQING_AUDIT_ANCHOR_FILE (put it on
# another volume) and POSTed to each witness URL in QINQING_AUDIT_WITNESS_URLS (comma-separated).
AUDIT_HEAD_KEY = os.environ.get("QINQING_AUDIT_HEAD_KEY", "")
AUDIT_HEAD_KEY_FILE = os.environ.get("QINQING_AUDIT_HEAD_KEY_FILE", str(VAR_DIR / "keys" / "audit-head.key"))
AUDIT_ANCHOR_FILE = os.environ.get(
    "QINQING_AUDIT_ANCHOR_FILE", "" if MODE == "test" else str(VAR_DIR / "anchors" / "audit-heads.jsonl")
)
AUDIT_WITNESS_URLS = [
    url.strip() for url in os.environ.get("QINQING_AUDIT_WITNESS_URLS", "").split(",") if url.strip()
]
AUDIT_LOG_ID = os.environ.get("QINQING_AUDIT_LOG_ID", "qinqing-audit")
AUDIT_PUBLISH_EVERY_MINUTES = int(os.environ.get("QINQING_AUDIT_PUBLISH_EVERY_MINUTES", "5"))
# Supervision reports (article 17) are sealed under their own SM4 keys, kept outside the database:
# QINQING_SUPERVISION_KEY_FILE (lines "key-id=32 hex digits") or QINQING_SUPERVISION_KEYS
# ("key-id:hex,key-id:hex"); QINQING_SUPERVISION_KEY_ID names the key new text is sealed with
# (default: the last listed). Old keys stay listed so old reports stay readable (rotation).
SUPERVISION_KEY_FILE = os.environ.get("QINQING_SUPERVISION_KEY_FILE", "")
SUPERVISION_KEYS = os.environ.get("QINQING_SUPERVISION_KEYS", "")
SUPERVISION_KEY_ID = os.environ.get("QINQING_SUPERVISION_KEY_ID", "")

DEBUG = env_bool("QINQING_DEBUG", False)

if PRODUCTION:
    ALLOWED_HOSTS = env_list("QINQING_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "QINQING_ALLOWED_HOSTS is required in production (comma-separated host names)."
        )
else:
    ALLOWED_HOSTS = env_list("QINQING_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("QINQING_CSRF_TRUSTED_ORIGINS", [])

# --- applications ------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "ninja",
    "django_q",
    "qinqing.core",
    "qinqing.directory",
    "qinqing.policy",
    "qinqing.appeals",
    "qinqing.conduct",
    "qinqing.integrity",
    "qinqing.supervision",
    "qinqing.fairness",
    "qinqing.liaison",
    "qinqing.tolerance",
    "qinqing.legal",
    "qinqing.commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qinqing.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qinqing.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qinqing.core.audit.accounts.ActorMiddleware",
    "qinqing.core.input_rules.InputRulesMiddleware",
    "qinqing.core.idempotency.IdempotencyMiddleware",
    "qinqing.core.middleware.LoginRequiredMiddleware",
    "qinqing.core.access.AccessMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qinqing.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qinqing.core.idempotency.FormTokenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qinqing.core.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qinqing.urls"
WSGI_APPLICATION = "qinqing.wsgi.application"
ASGI_APPLICATION = "qinqing.asgi.application"

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
                "qinqing.core.context_processors.qinqing",
            ],
        },
    },
]

# --- database ----------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production: postgres://user:pass@host:5432/name
if "DATABASE_URL" not in os.environ and not PRODUCTION:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / ('test.sqlite3' if MODE == 'test' else 'qinqing.sqlite3')}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)
}
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    # WAL is taken on connecting, retried while another process holds the file
    # (core.db.use_wal_journal): a PRAGMA here fails at once when two processes start together.
    "init_command": "PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif os.environ.get("QINQING_DB_PREPARED", "1") != "0":
    # The request hot paths (appeal intake, the audit chain, API keys) run their few fixed
    # statements as named prepared statements (``qinqing.core.db.execute``); the ORM's own
    # queries are never prepared (client-side binding). A threshold this high means psycopg
    # prepares only what is asked for explicitly. Behind PgBouncer in transaction mode older
    # than 1.21, set QINQING_DB_PREPARED=0 (docs/OPERATIONS.md).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- shared cache --------------------------------------------------------------------
# Rate limits, the SMS and WeChat replay guards and the WeChat access token must be the
# same for every process (gunicorn workers, task workers, several machines): the database
# by default (table ``qinqing_cache``, created by ``migrate``), Redis in production with
# QINQING_CACHE_URL=redis://127.0.0.1:6379/0 (docs/OPERATIONS.md).
CACHE_URL = os.environ.get("QINQING_CACHE_URL", "").strip()
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "qinqing"}}
else:
    # Django's DatabaseCache with an atomic, expiry-keeping incr (rate limits). Culling starts
    # only past MAX_ENTRIES live entries (expired ones go first): the replay guards stay.
    CACHES = {"default": {"BACKEND": "qinqing.core.cache.DatabaseCache", "LOCATION": "qinqing_cache",
                          "KEY_PREFIX": "qinqing", "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4}}}

# --- task queue (django-q2) ----------------------------------------------------------
# The periodic jobs (qinqing.core.jobs) run on django-q2's cluster: ``./qinqing worker``
# (``./qinqing serve`` starts one alongside the demo site). The broker is the database by
# default (any number of workers on any number of machines share it), Redis with
# QINQING_TASK_BROKER_URL=redis://127.0.0.1:6379/1. Schedules always live in the database.
TASK_BROKER_URL = os.environ.get("QINQING_TASK_BROKER_URL", "").strip()
TASK_TIMEOUT_SECONDS = int(os.environ.get("QINQING_TASK_TIMEOUT_SECONDS", "1800"))
# A ledger import estimated to take longer than this in its page's request (rows in the file x the import's
# measured cost per row, core.imports) runs as a job on the task queue instead, while the page shows its
# state: the request would otherwise meet the web server's timeout (gunicorn --timeout 60) half-way.
IMPORT_IN_REQUEST_SECONDS = float(os.environ.get("QINQING_IMPORT_IN_REQUEST_SECONDS", "10"))
Q_CLUSTER = {
    "name": "qinqing",
    "label": _("Task queue"),
    "workers": int(os.environ.get("QINQING_TASK_WORKERS", "2")),
    "timeout": TASK_TIMEOUT_SECONDS,
    # A task whose worker died is handed out again after this long (must exceed timeout).
    "retry": TASK_TIMEOUT_SECONDS + 300,
    # A failed job is not re-delivered by the queue: core.jobs retries it with backoff.
    "ack_failures": True,
    "max_attempts": 1,
    # After downtime a periodic job runs once, not once per missed period.
    "catch_up": False,
    "save_limit": 500,
    "poll": 1,
    "guard_cycle": 2,
    "time_zone": "Asia/Shanghai",
    "cache": "default",
}
if TASK_BROKER_URL:
    Q_CLUSTER["redis"] = TASK_BROKER_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- authentication ----------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MODE == "test":
    # Argon2 at its cheapest (the same algorithm): a production-cost hash took 0.18 s, paid for every
    # demo account and log-in of the suite; production and demo keep the list above.
    PASSWORD_HASHERS = ["qinqing.core.passwords.QuickArgon2PasswordHasher", *PASSWORD_HASHERS]
# The anonymous reports' receipt codes (supervision): argon2-cffi's own parameters, the cheapest in tests.
RECEIPT_CODE_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1} if MODE == "test" else {}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qinqing.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Five failed attempts lock the account for a while (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("QINQING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("QINQING_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock the account, not the address: district offices sit behind one NAT address, and an
# address lock would shut out a whole bureau after five typos by different people.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qinqing.core.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Sessions expire after inactivity (every request renews the window).
SESSION_COOKIE_AGE = int(os.environ.get("QINQING_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Roles that must log in with a TOTP second factor (codes from qinqing.core.roles.Role): every
# privileged role, the auditor (who reads the whole audit trail) included. Enrolling an
# authenticator needs an administrator's one-time code (core.enrolment, ./qinqing twofactor issue).
TWO_FACTOR_REQUIRED_ROLES = env_list(
    "QINQING_2FA_ROLES",
    [] if DEMO else ["administrator", "discipline_inspector", "credit_administrator", "auditor"],
)
OTP_TOTP_ISSUER = "qinqing 亲清"

# --- security headers (production) -------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("QINQING_SSL_REDIRECT", True)
    # A load balancer probes /healthz (and /healthz/jobs) over plain HTTP: answer it, not 301.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/.*)?$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("QINQING_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp 4): everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files (served by WhiteNoise; no CDN, intranets have no internet) -------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("QINQING_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("QINQING_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tests create a fresh handler per client: looking files up per request (autorefresh) spares
# a scan of every static file per client (~0.1 s each); demo and production scan once.
WHITENOISE_AUTOREFRESH = MODE == "test"

# --- logging: never log personal data ---------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"
        },
    },
    # A refused request (403, 404, 400 …) is expected: one line, no traceback (core/request_logging.py).
    # Whatever looks like a resident ID or a mobile number is masked in every line (core/request_logging.py).
    "filters": {
        "client_errors": {"()": "qinqing.core.request_logging.ClientErrorFilter"},
        "personal_numbers": {"()": "qinqing.core.request_logging.PersonalNumberFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_numbers"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("QINQING_LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "ERROR"},
        "django.request": {"filters": ["client_errors"]},
        # runserver's access log as Django sets it up, masked: a list searched by a full ID has it in the URL
        "django.server": {
            "handlers": ["django.server"], "level": "INFO", "propagate": False,
            "filters": ["personal_numbers"],
        },
        # Libraries that log what they send at DEBUG, whatever QINQING_LOG_LEVEL says: the Tencent Cloud
        # SDK each SMS request and answer (phone numbers and texts), urllib3 each URL (WeChat's access
        # token is in the query string).
        "tencentcloud_sdk_common": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}

# The address the public reaches the site at, printed on letters for verification.
QINQING_PUBLIC_BASE_URL = os.environ.get("QINQING_PUBLIC_BASE_URL", "")

QINQING = {
    "SITE_NAME": _("Qinqing — close and clean government–business relations"),
    "DISTRICT_NAME": os.environ.get("QINQING_DISTRICT_NAME", "某区"),
    # The district's administrative division code (GB/T 2260, six digits): enterprises whose
    # USCC (characters 3-8) names another division are imported with a warning. The demo
    # district's code is 330106; empty in production until the administrator sets it.
    "DISTRICT_DIVISION_CODE": os.environ.get(
        "QINQING_DISTRICT_DIVISION_CODE", "" if PRODUCTION else "330106"
    ),
}

# --- appeal channels ---------------------------------------------------------------
# Inbound SMS gateway and WeChat official account callbacks, outbound SMS, portal limits.
# Secrets come from the environment only; an empty secret makes its webhook refuse all.
APPEAL_CHANNELS = {
    # "console" (prints masked number + text), "tencentcloud", or a dotted class path.
    "SMS_BACKEND": os.environ.get("QINQING_SMS_BACKEND", "tencentcloud" if PRODUCTION else "console"),
    "SMS_GATEWAY_SECRET": os.environ.get(
        "QINQING_SMS_GATEWAY_SECRET", "" if PRODUCTION else "qinqing-demo-sms-gateway-secret"
    ),
    "SMS_MAX_CLOCK_SKEW_SECONDS": int(os.environ.get("QINQING_SMS_MAX_CLOCK_SKEW_SECONDS", "300")),
    "TENCENTCLOUD_SECRET_ID": os.environ.get("QINQING_TENCENTCLOUD_SECRET_ID", ""),
    "TENCENTCLOUD_SECRET_KEY": os.environ.get("QINQING_TENCENTCLOUD_SECRET_KEY", ""),
    "TENCENTCLOUD_SMS_REGION": os.environ.get("QINQING_TENCENTCLOUD_SMS_REGION", "ap-guangzhou"),
    "TENCENTCLOUD_SMS_ENDPOINT": os.environ.get(
        "QINQING_TENCENTCLOUD_SMS_ENDPOINT", "sms.tencentcloudapi.com"
    ),
    "TENCENTCLOUD_SMS_PROTOCOL": os.environ.get("QINQING_TENCENTCLOUD_SMS_PROTOCOL", "https"),
    "TENCENTCLOUD_SMS_APP_ID": os.environ.get("QINQING_TENCENTCLOUD_SMS_APP_ID", ""),
    "TENCENTCLOUD_SMS_SIGN_NAME": os.environ.get("QINQING_TENCENTCLOUD_SMS_SIGN_NAME", ""),
    # The approved template id of each notification kind (appeals/intake/channels/sms/templates.py
    # has the text to submit at Tencent Cloud for each; docs/OPERATIONS.md).
    "TENCENTCLOUD_SMS_TEMPLATES": {
        kind: os.environ.get(f"QINQING_TENCENTCLOUD_SMS_TEMPLATE_{kind.upper()}", "")
        for kind in ("acknowledgement", "reply_ready", "urge", "status_answer")
    },
    # Tencent Cloud's reply callback URL ends with this secret: /webhooks/sms/tencent/<token>/.
    "TENCENTCLOUD_SMS_CALLBACK_TOKEN": os.environ.get("QINQING_TENCENTCLOUD_SMS_CALLBACK_TOKEN", ""),
    # Optional: the free-text template (sms.templates.FREE_TEXT_TEMPLATE, as registered at the provider)
    # for the texts that are not an appeal's: notices to staff, reporters and listed parties, replies to
    # unknown numbers.
    "TENCENTCLOUD_SMS_TEMPLATE_ID": os.environ.get("QINQING_TENCENTCLOUD_SMS_TEMPLATE_ID", ""),
    "WECHAT_TOKEN": os.environ.get("QINQING_WECHAT_TOKEN", "" if PRODUCTION else "qinqing-demo-wechat-token"),
    "WECHAT_APP_ID": os.environ.get("QINQING_WECHAT_APP_ID", ""),
    "WECHAT_APP_SECRET": os.environ.get(
        "QINQING_WECHAT_APP_SECRET", ""
    ),  # outbound customer-service messages; empty: log only
    # Set for the official account's "safe mode" (messages encrypted with AES).
    "WECHAT_ENCODING_AES_KEY": os.environ.get("QINQING_WECHAT_ENCODING_AES_KEY", ""),
    "WECHAT_MAX_CLOCK_SKEW_SECONDS": int(os.environ.get("QINQING_WECHAT_MAX_CLOCK_SKEW_SECONDS", "300")),
    # The template message (模板消息) used outside the 48-hour customer-service window.
    "WECHAT_TEMPLATE_ID": os.environ.get("QINQING_WECHAT_TEMPLATE_ID", ""),
    "PORTAL_SUBMISSIONS_PER_PHONE_PER_HOUR": int(
        os.environ.get("QINQING_PORTAL_SUBMISSIONS_PER_PHONE_PER_HOUR", "5")
    ),
    "PORTAL_SUBMISSIONS_PER_ADDRESS_PER_HOUR": int(
        os.environ.get("QINQING_PORTAL_SUBMISSIONS_PER_ADDRESS_PER_HOUR", "20")
    ),
    "PORTAL_LOOKUPS_PER_ADDRESS_PER_HOUR": int(
        os.environ.get("QINQING_PORTAL_LOOKUPS_PER_ADDRESS_PER_HOUR", "60")
    ),
}
# --- end appeal channels -----------------------------------------------------------
