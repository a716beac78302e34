"""Settings for Plan Tracker.

Everything that differs between the demo, tests and production is read from the
environment here, in one place. With no environment set the app runs on SQLite
with Celery tasks executed in-process, so one command gives a working demo.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# PRODUCTION=1 turns on everything a live site needs and refuses to start without a real secret key.
PRODUCTION = env.bool("PRODUCTION", default=False)
if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")  # required: ImproperlyConfigured when missing
    DEBUG = False
else:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# A fixed "today" lets the demo show the October 2009 plan as it stood then.
# Unset in production: the real date is used.
_plan_today = env("PLAN_TODAY", default="")
PLAN_TODAY = datetime.date.fromisoformat(_plan_today) if _plan_today else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "rules",
    "accounts",
    "plans",
    "milestones",
    "indicators",
    "recommendations",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page but login needs an account.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed-in sessions stay alive while used (SESSION_COOKIE_AGE idle), saved once a minute.
    "safeguarding.sessions.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Locks out an account (and address) after repeated failed logins.
    "axes.middleware.AxesMiddleware",
    # Records who made each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safeguarding.urls"

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
                "plans.context_processors.user_roles",
            ],
        },
    },
]

WSGI_APPLICATION = "safeguarding.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Keep connections open between requests: a new PostgreSQL connection per request costs a backend
# process, authentication and cold catalogue caches (seen as the largest PostgreSQL cost under load).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default. WAL lets pages read while a PDF build or another request writes;
    # IMMEDIATE takes the write lock when a transaction begins, so a second writer waits its turn
    # (up to SQLITE_TIMEOUT seconds) instead of failing with "database is locked" when it tries
    # to turn a read into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # First: refuses any login while that username is locked out from that address.
    "axes.backends.AxesStandaloneBackend",
    # Local usernames and passwords (always on, also when single sign-on is configured).
    "django.contrib.auth.backends.ModelBackend",
    # Per-plan permissions (plans/permissions.py): user.has_perm("plans.change_plan", plan).
    "rules.permissions.ObjectPermissionBackend",
]
# An invitation link works for this many days after it was (re)sent.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
# Failed logins lock out a username from one client address only: failures for made-up usernames
# cannot lock everyone out of a shared office address, and failures from elsewhere cannot lock a
# real user out of their own. A locked-out person can still reset their password by email.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client address is REMOTE_ADDR unless the site runs behind proxies that set a header:
# then name the header and how many proxies add to it (only ones you run; anything else is spoofable).
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"]))
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Each use moves the idle end on, saved at most once a minute (safeguarding/sessions.py).
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site's static files: no inline script, no event-handler attributes
# (templates use data- attributes read by static/js/app.js). Inline style attributes remain
# allowed (table column widths, SVG charts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Password reset links (emailed) stay valid for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_SECONDS", default=60 * 60 * 3)

# Single sign-on with an organisation account (OpenID Connect: Microsoft Entra ID, Google...),
# off unless OIDC_RP_CLIENT_ID is set; see .env.example and accounts/oidc.py.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_DISCOVERY = env("OIDC_OP_DISCOVERY", default="")  # .../.well-known/openid-configuration
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")  # or each endpoint
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_CREATE_USER = env.bool("OIDC_CREATE_USERS", default=False)  # False: only existing accounts, by email
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
if OIDC_RP_CLIENT_ID:
    _endpoints = [OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT]
    if OIDC_RP_SIGN_ALGO[:2] in ("RS", "ES"):  # tokens signed with the provider's published keys
        _endpoints.append(OIDC_OP_JWKS_ENDPOINT)
    if not (OIDC_OP_DISCOVERY or all(_endpoints)):
        raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set: set OIDC_OP_DISCOVERY or the OIDC_OP_*_ENDPOINT URLs.")
    AUTHENTICATION_BACKENDS.append("accounts.oidc.OrganisationAccountBackend")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured, tasks run in-process (embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Every recurring job, in one place. The month-end job runs daily at SNAPSHOT_HOUR and closes the
# month just ended in each plan once that plan's update deadline has passed; the quarterly one
# does the same in the months after a quarter end.
SNAPSHOT_HOUR = env.int("SNAPSHOT_HOUR", default=6)
CELERY_BEAT_SCHEDULE = {
    "monthly-snapshot": {
        "task": "reports.tasks.snapshots_scheduled",
        "schedule": crontab(minute=0, hour=SNAPSHOT_HOUR),
        "args": ("monthly",),
    },
    "lead-reminders": {
        "task": "milestones.tasks.reminders_send",
        "schedule": crontab(minute=0, hour=7),
        "args": (),
    },
    "weekly-digest": {
        "task": "milestones.tasks.digest_send",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
        "args": (),
    },
    "import-uploads-sweep": {
        "task": "reports.tasks.import_uploads_sweep",
        "schedule": crontab(minute=30, hour=3),
        "args": (),
    },
    "quarterly-snapshot": {
        "task": "reports.tasks.snapshots_scheduled",
        "schedule": crontab(minute=15, hour=SNAPSHOT_HOUR, month_of_year="1,4,7,10"),
        "args": ("quarterly",),
    },
}
# Widgets are drawn with Django's Jinja2 copies of its widget templates: the same HTML, about twice
# as fast on the filter forms with long lists of people (django-filter's one Django-only widget
# template is copied in milestones/jinja2/).
FORM_RENDERER = "django.forms.renderers.Jinja2"
# Bank holidays that are not working days for update deadlines: ENG (England), WLS, SCT, NIR;
# empty for none.
BANK_HOLIDAYS = env("BANK_HOLIDAYS", default="ENG")
# Days an uploaded plan spreadsheet is kept after its import was started (it holds people's names and
# email addresses); the import's record stays.
IMPORT_UPLOAD_DAYS = env.int("IMPORT_UPLOAD_DAYS", default=7)
# How long the dashboard's figures are kept before they are recalculated (0: every request).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# Processes laying out one long PDF; 1 keeps a PDF build to one core (beside web workers).
REPORT_LAYOUT_WORKERS = env.int("REPORT_LAYOUT_WORKERS", default=2)
# Laid-out pieces of PDFs kept for quick rebuilds (reports/piece_cache.py): where (default
# MEDIA_ROOT/cache/pdf-pieces, on local disk shared by the web and PDF workers) and at most how
# many MB (0: no cache, every build lays every page out).
REPORT_PIECE_CACHE_DIR = env("REPORT_PIECE_CACHE_DIR", default="")
REPORT_PIECE_CACHE_MB = env.int("REPORT_PIECE_CACHE_MB", default=500)
# How report PDFs are built off the request: a Celery worker when a broker is set,
# else a background thread in the web process (the embedded default).
# Fair use of PDF builds: builds waiting or running per person and in all; minutes a finished
# live document is reused for people who cannot change the plan.
REPORT_JOBS_PER_PERSON = env.int("REPORT_JOBS_PER_PERSON", default=2)
REPORT_JOBS_WAITING_MAX = env.int("REPORT_JOBS_WAITING_MAX", default=20)
REPORT_JOB_REUSE_MINUTES = env.int("REPORT_JOB_REUSE_MINUTES", default=10)
REPORT_JOB_RUNNER = env("REPORT_JOB_RUNNER", default="celery" if CELERY_BROKER_URL else "thread")

# The JSON API (api/, README "API"): personal tokens or the browser session; per-token rate limits
# kept in the Django cache (Redis with REDIS_URL); JSON and CSV; writes only through the services.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenReadThrottle", "api.throttling.TokenWriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_read": env("API_READ_RATE", default="600/minute"),
        "api_write": env("API_WRITE_RATE", default="60/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Plan Tracker API",
    "DESCRIPTION": "Plans, themes, actions, milestones, progress updates, exceptions, indicators and snapshots "
    "of the plans you are a member of. Authenticate with a personal API token: `Authorization: Bearer <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the package's own static files (drf-spectacular-sidecar): no CDN, CSP script-src 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
}
# Largest API write body (bytes; larger is refused with 413) and how long an Idempotency-Key is remembered.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)

# Email: the console by default; SMTP with EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Plan Tracker <plan-tracker@localhost>")

MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: downloads go through a permission-checked view

# Evidence files (milestones.Evidence) go through Django's storage API: the filesystem under
# MEDIA_ROOT by default; STORAGE_BACKEND=s3 stores them in an S3-compatible bucket (django-storages),
# configured only by AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL (for MinIO and the like),
# AWS_S3_REGION_NAME and the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY read by boto3.
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "location": env("AWS_LOCATION", default=""),
            "default_acl": None,  # private objects; downloads go through the permission-checked view
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}.")
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # weasyprint logs every layout step at INFO; progress is read from it separately.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING", "propagate": False},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # announces its logger at INFO on import
    },
}

# Filter forms: an empty choice reads "Choose…" (as every form's selects do), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = "Choose…"
