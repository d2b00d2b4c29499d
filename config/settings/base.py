"""Polku settings, driven by the environment.

With no environment at all these defaults serve the demo locally on SQLite (``make run``).
``config.settings.production`` insists on ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The development key only ever serves the demo; production refuses to start without its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "polku-development-only-key-never-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "simple_history",
    "axes",
    "core",
    "municipalities",
    "assessments",
    "casework",
    "plans",
    "reporting",
    "web",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: an unmatched /api/v1/ path answers the JSON envelope even with DEBUG.
    "api.middleware.api_not_found_middleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: pages follow the user's saved language (ADR 21).
    "core.i18n.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'polku.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A reused connection is checked before a request uses it (README "Deployment").
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing with "database is locked", and every
    # transaction takes the write lock when it begins (no read-then-write upgrade deadlocks).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index(include=…)) are a PostgreSQL optimisation; SQLite builds the same
# indexes without the included columns, which is all a laptop needs (ADR 9).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Languages (docs/domain.md#languages, ADR 21): Finnish by default, Swedish and English beside it. The
# API follows Accept-Language only; pages the user's saved language, else the browser's. One
# catalogue for the whole project in locale/ (compiled .mo files are committed; see ADR 21).
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "polku_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Finnish dates and numbers on pages in Finnish and Swedish (3.12.2026, 37,5): Django's own
# fi/sv format modules, adjusted in config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Polku serves its own assets (stylesheet, Swagger UI, admin) with WhiteNoise, straight from the
# apps' static directories: no CDN, no collectstatic step before `make run` (ADR 25).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy on every answer (django-csp, ADR 25): scripts, styles, fonts and
# images from Polku only; no inline script or style, no eval, no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Swagger UI and the admin draw a few icons as data: URIs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# guardian: no anonymous user row; direct foreign-key permission tables are declared per model.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False

# simple-history: a reason on every row, and no history for raw fixture loads.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Keys for the personal identity code: Fernet encryption and the keyed hash (HMAC) that
# carries uniqueness and exact-match look-up. Development derives both from SECRET_KEY.
POLKU_FIELD_ENCRYPTION_KEY = os.environ.get("POLKU_FIELD_ENCRYPTION_KEY", "")
POLKU_IDENTITY_HMAC_KEY = os.environ.get("POLKU_IDENTITY_HMAC_KEY", "")

POLKU_TOKEN_LIFETIME = timedelta(hours=8)

# Login lockout (django-axes): 10 consecutive failures for one username from one address lock
# that pair for 15 minutes; a success resets the count. Used by the token endpoint and the
# session login alike.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
POLKU_IDEMPOTENCY_WINDOW = timedelta(hours=24)
# Municipalities with at least this many participants have their unfiltered dashboard
# precomputed by `manage.py refresh_dashboards` (reporting.rollups, ADR 12); smaller ones are live.
POLKU_DASHBOARD_LIVE_LIMIT = int(os.environ.get("POLKU_DASHBOARD_LIVE_LIMIT", "1500"))
# DESIGN §10 / ADR 15: the numbers the law leaves open. The assessment of service needs starts
# "without delay" (681/2023 §14) and the plan follows it "without delay" (§16); Polku counts
# these many days (the worklist's assessment_due and plan_due rules).
POLKU_ASSESSMENT_DAYS = int(os.environ.get("POLKU_ASSESSMENT_DAYS", "14"))
POLKU_PLAN_DAYS = int(os.environ.get("POLKU_PLAN_DAYS", "14"))
# DESIGN §12 / DOMAIN §4.2.4 / ADR 18: participants exited this many years ago (and without a
# legal hold) are anonymised by `manage.py apply_retention`; the worklist's retention_due uses it.
POLKU_RETENTION_YEARS = int(os.environ.get("POLKU_RETENTION_YEARS", "4"))

# The worklist's other open number (plans.worklist.rules, ADR 17): days without contact after
# which an active client shows up.
POLKU_NO_CONTACT_DAYS = int(os.environ.get("POLKU_NO_CONTACT_DAYS", "60"))

# Email (the daily digests, reporting.digests): the console by default; SMTP with
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (README, "Digests").
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") in ("1", "true", "True")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Polku <polku@localhost>")
# Where the links in emails point.
POLKU_SITE_URL = os.environ.get("POLKU_SITE_URL", "http://localhost:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.DeclaredCapability"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PolkuPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.PolkuAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("POLKU_THROTTLE_USER", "100000/hour"),
        "anon": os.environ.get("POLKU_THROTTLE_ANON", "600/hour"),
        "token": os.environ.get("POLKU_THROTTLE_TOKEN", "60/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_VERSIONING_CLASS": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Polku API",
    "DESCRIPTION": (
        "Case management for municipal employment pilots that help immigrants into work. "
        'Every error answers {"code", "detail"} (validation errors add "errors").'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ParticipantStatusEnum": "casework.models.Participant.Status",
        "EnrolmentStatusEnum": "assessments.models.Enrolment.Status",
        "MatchStatusEnum": "casework.models.Match.Status",
        "VacancyStatusEnum": "casework.models.Vacancy.Status",
        "OutcomeKindEnum": "casework.models.Outcome.Kind",
        "CaseNoteKindEnum": "casework.models.CaseNote.Kind",
        "LanguageLevelEnum": "assessments.language_levels.LEVEL_CHOICES",
        "FollowUpEnum": "casework.models.Outcome.FollowUp",
        "AssessmentLanguageEnum": "assessments.models.LanguageAssessment.Language",
        "WorkingLanguageEnum": "api.fields.WORKING_LANGUAGE_CHOICES",
        "PlanKindEnum": "plans.models.Plan.Kind",
        "PlanStatusEnum": "plans.models.Plan.Status",
        "GoalHorizonEnum": "plans.rules.GOAL_HORIZONS",
        "GoalKindEnum": "plans.rules.GOAL_KINDS",
        "PlanServiceKindEnum": "plans.rules.SERVICE_KINDS",
        "ExtensionReasonCodeEnum": "plans.rules.EXTENSION_CODES",
        "FurtherStepEnum": "plans.models.ServiceNeedsAssessment.FurtherStep",
        "AppointmentKindEnum": "plans.models.Appointment.Kind",
        "AppointmentChannelEnum": "plans.models.Appointment.Channel",
        "AppointmentStatusEnum": "plans.models.Appointment.Status",
    },
    # Enum names do not change with the language of the labels (ADR 21).
    "POSTPROCESSING_HOOKS": ["api.schema.postprocess_schema_enums"],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

# Local memory by default; REDIS_URL (redis://host:6379/0) shares one cache between the workers
# (throttles, the cached access of casework.access). The access cache is correct with either:
# its keys carry the database's access stamps (docs/adr/0019-access-cache.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "polku"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
