"""Settings read from the environment (django-environ).

Fail closed: without DJANGO_DEBUG=true this is production, where DJANGO_SECRET_KEY
and DATABASE_URL have no default and a missing one stops the start with a message.
`make run`, `make test` and pytest (pyproject: env) set DJANGO_DEBUG=true,
which gives the embedded mode: a SQLite file and Celery on kombu's filesystem
transport under var/, so no server is needed. DATABASE_URL=postgres://... and
REDIS_URL=redis://... switch to the real services. README "Operations" lists every
variable.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _required(name: str, why: str) -> str:
    """A production setting without default: stop the start with a clear message
    (not a traceback) so the operator sees at once what to set."""
    value = env(name, default="")
    if not value:
        sys.exit(
            f"执规通 cannot start: {name} is not set. {why}\n"
            "Production (DJANGO_DEBUG unset or false) has no default for it; "
            "see README.md, Operations. For local development use `make run` "
            "(or set DJANGO_DEBUG=true)."
        )
    return value


if DEBUG:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY", default="dev-only-insecure-key-not-for-production"
    )
else:
    SECRET_KEY = _required(
        "DJANGO_SECRET_KEY",
        "Set it to a long random string, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "bootstrap",
    "axes",
    "csp",
    "config",
    # Bottom to top: each app imports only the apps listed before it
    # (tests/config/test_import_direction.py).
    "org",
    "regulations",
    "responsibilities",
    "workflows",
    "notices",
    "evaluation",
    "supervision",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself (no CDN, no nginx needed for them).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL, NaN, deep JSON, dates out of range -> 400; API 500 -> JSON.
    "config.inputs.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
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
                "portal.context_processors.navigation",
            ],
        },
    }
]

if DEBUG:
    _database_url = env("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
else:
    _database_url = _required(
        "DATABASE_URL", "Set it to postgres://user:password@host:5432/name."
    )
DATABASES = {"default": env.db_url_config(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Persistent connections, checked before reuse so a PostgreSQL restart costs
    # one failed check, not a 500. Each gunicorn thread and Celery process holds at
    # most one: connections per node = WEB_CONCURRENCY * GUNICORN_THREADS + worker
    # concurrency + beat (README, Operations: pool sizing and PgBouncer).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode, `.iterator()`'s server-side cursors
    # would outlive the transaction: set DATABASE_PGBOUNCER=true there.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_PGBOUNCER", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# The cache may live elsewhere than the broker (CACHE_URL); either way a Redis
# outage falls back to local memory (config/cache.py) so pages keep working.
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": CACHE_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django's validators with Chinese messages (config/passwords.py), applied in the
# UI, the admin and `manage.py add_user` alike.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "config.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "config.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "config.passwords.CommonPasswordValidator"},
    {"NAME": "config.passwords.NumericPasswordValidator"},
]
# django-axes: the login form, /admin/login/ and the token endpoint all go
# through authenticate(), so one lockout covers them. Locked per user AND
# address: a stranger guessing cannot lock a colleague out from another desk.
AUTHENTICATION_BACKENDS = [
    "config.auth.LockoutBackend",
    # ModelBackend whose session user comes with its membership (one query).
    "org.auth.MembershipBackend",
    # Only to load sessions logged in before MembershipBackend (they name this
    # path); it authenticates nothing MembershipBackend did not refuse first.
    # Remove once such sessions have expired (SESSION_COOKIE_AGE).
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Locked until the office unlocks (用户 → 登录安全), or this many hours pass.
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=1.0)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"
# Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For entries
# are trusted for the client address; 0 trusts none (REMOTE_ADDR only).
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
# API tokens stop working this many days after they were issued (0: never);
# a password change revokes them at once (config/auth.py).
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
# A browser session lasts one working day unless used longer.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Evidence and 落实表 files: the local disk (one node, or a shared volume mounted
# at DJANGO_MEDIA_ROOT on every node) or S3-compatible object storage
# (DJANGO_FILE_STORAGE=s3, needs `pip install boto3`; AWS_* variables below).
# Files are always served through the app's views, which check the user's scope.
_file_storage = env("DJANGO_FILE_STORAGE", default="local")
if _file_storage == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Hashed, compressed names in production (collectstatic); plain in development
    # so tests and `make run` need no collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Evidence and 落实表 uploads (config/uploads.py): bytes per file, files per
# submission; the types are a fixed list checked by name and content.
EVIDENCE_MAX_FILE_SIZE = env.int("EVIDENCE_MAX_FILE_SIZE", default=20 * 1024 * 1024)
UPLOAD_MAX_FILES = env.int("UPLOAD_MAX_FILES", default=20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# Input limits (config/inputs.py).
INPUT_MAX_JSON_DEPTH = env.int("INPUT_MAX_JSON_DEPTH", default=32)
INPUT_DATE_MIN_YEAR = 2000
INPUT_DATE_MAX_YEAR = 2100
# A regulation may be older than 2000: its catalogue dates take any year.
INPUT_DATE_ANY_YEAR_FIELDS = ["published_on", "effective_on"]

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="zhigui@localhost")

# --- the method's own settings -------------------------------------------------
# Prefix of formal notice numbers, e.g. 南湖执规告〔2026〕12号.
NOTICE_NUMBER_PREFIX = env("NOTICE_NUMBER_PREFIX", default="南湖执规")
# The first (default) district office, made on first use (org.models.Office);
# more offices are added in the admin or by seed_scale.
OFFICE_CODE = env("OFFICE_CODE", default="nanhu")
OFFICE_NAME = env("OFFICE_NAME", default="南湖区委办")
# A step is yellow when due within this many working days.
TRAFFIC_LIGHT_YELLOW_DAYS = env.int("TRAFFIC_LIGHT_YELLOW_DAYS", default=3)
# Working days a department has to confirm receipt of a launched project.
RECEIPT_DUE_WORKING_DAYS = env.int("RECEIPT_DUE_WORKING_DAYS", default=3)

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "no credentials" a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "org.auth.MembershipTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "执规通 API",
    "DESCRIPTION": "党内法规执行全流程管理 REST API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Error answers of shared/API.md (400/401/403/404/409) on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_errors",
    ],
    # Several apps have a `status` or `kind`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "RegulationStatusEnum": "regulations.models.Regulation.Status",
        "DepartmentKindEnum": "org.models.Department.Kind",
        "ResponsibilityKindEnum": "responsibilities.models.ResponsibilityList.Kind",
        "FlowEnum": "workflows.models.FlowTemplate.Code",
        "ProjectStatusEnum": "workflows.models.ExecutionProject.Status",
        "StepStatusEnum": "workflows.models.Step.Status",
        "NoticeKindEnum": "notices.models.Notice.Kind",
        "NoticeStatusEnum": "notices.models.Notice.Status",
        "RoundStatusEnum": "evaluation.models.EvaluationRound.Status",
    },
}

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        # Broadcast/pidbox files; kombu's default is ./control in the working dir.
        "control_folder": str(_control_dir),
        "store_processed": False,
        # The default 1 s poll caps delivery at about 2 tasks a second.
        "polling_interval": 0.1,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
# A task is acknowledged after it ran, so a killed worker's task is delivered again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The notices scan: reads only due rows, creates each notice once, so running
    # it every few minutes (and after a restart) is safe.
    "notices-scan": {"task": "notices.tasks.scan_notices", "schedule": 300.0},
    # Re-queue notices whose delivery never completed (broker down, worker killed).
    # Twice a minute, so notices queued while the broker was down go out within
    # a minute of its return (a worker's reconnect takes some seconds too); the
    # delivery claim keeps a notice queued twice single.
    "notices-sweep": {
        "task": "notices.tasks.sweep_undelivered",
        "schedule": env.float("NOTICE_SWEEP_SECONDS", default=30.0),
    },
    # Proof that beat and a worker run: /readyz reads the age of this row.
    "beat-heartbeat": {"task": "config.tasks.beat_heartbeat", "schedule": 30.0},
    # The supervision scan (plans, overdue problems, duties): idempotent, hourly
    # so a restart or a missed run is caught up the same day.
    "supervision-scan": {
        "task": "supervision.tasks.scan_supervision",
        "schedule": 3600.0,
    },
    # The city comparison page's stored on-time figures: once a day, after
    # midnight (when yesterday's due rows start to count; the hourly scan has
    # run by then), and on demand with `manage.py refresh_office_rates`.
    "office-rates-refresh": {
        "task": "supervision.tasks.refresh_office_rates",
        "schedule": crontab(hour=1, minute=10),
    },
}
# A broker that is down must not hold a request for long: the notice stays in
# the outbox and the sweep queues it again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# /readyz: beat is late when its heartbeat is older than this.
READYZ_BEAT_MAX_AGE_SECONDS = env.int("READYZ_BEAT_MAX_AGE_SECONDS", default=180)

# --- production hardening (checked by `manage.py check --deploy`) ---------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Load balancers probe these over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own default handler would print each request error a second time.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # One line per failed login is enough (axes logs three at INFO).
        "axes": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp): every asset is the app's own (no CDN),
# and no script runs inline (behaviour lives in static/js/zhigui.js). Inline
# style attributes stay allowed: the print layouts and htmx's indicator use them.
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

# WhiteNoise: development serves straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
