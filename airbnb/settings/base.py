"""Settings shared by every environment.

Everything that differs between machines comes from the environment (12-factor):
see ``airbnb/settings/env.py`` for the variables and their defaults, and the
README for the ones people usually set.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from kombu import Queue

from .env import env, env_str, redis_url_checked

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "airbnb.apps.PlatformConfig",
    "accounts",
    "listings",
    "availability",
    "payments",
    "bookings",
    "search",
    "pricing",
    "reviews",
    "messaging",
    "hosttools",
]

MIDDLEWARE = [
    "airbnb.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page language: the chooser's cookie, else Accept-Language (URLs carry no language prefix).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language wins over the cookie and Accept-Language.
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "airbnb.middleware.ContentSecurityPolicyMiddleware",
    "airbnb.form_errors.ApplicationErrorPageMiddleware",
    # Last: runs the public read views on a replica (airbnb/db/routing.py).
    "airbnb.db.routing.ReplicaRoutingMiddleware",
]

ROOT_URLCONF = "airbnb.urls"
WSGI_APPLICATION = "airbnb.wsgi.application"
ASGI_APPLICATION = "airbnb.asgi.application"

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
                "messaging.context_processors.unread_counts",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", engine="django.contrib.gis.db.backends.postgis")}
# PostGIS's backend, plus what it takes to sit behind PgBouncer (airbnb/db/backend/base.py).
DATABASES["default"]["ENGINE"] = "airbnb.db.backend"
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
# JIT compilation cost ~50 ms on high-cost search plans and saves nothing on our short
# OLTP statements (docs/search.md). Through PgBouncer, which drops startup options, the
# role's own setting does it (./dev runs ALTER ROLE ... SET jit = off).
DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# DATABASE_DIRECT_URL set: DATABASE_URL is a transaction pooler (PgBouncer) and this is
# PostgreSQL itself. Behind the pooler a server connection is lent per transaction, so no
# server-side cursors (they live in the session); test databases are created and dropped
# over the direct connection (docs/scaling.md, "PgBouncer").
if env_str("DATABASE_DIRECT_URL", ""):
    _direct = env.db_url("DATABASE_DIRECT_URL", engine="django.contrib.gis.db.backends.postgis")
    DATABASES["default"]["DIRECT"] = {"HOST": _direct["HOST"], "PORT": _direct["PORT"]}
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    del DATABASES["default"]["OPTIONS"]["options"]
# Streaming replicas (DATABASE_REPLICA_URLS, comma-separated): the public read traffic goes to them,
# everything else to the primary (airbnb/db/routing.py, docs/scaling.md).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), 1):
    _replica = env.db_url_config(_url)
    _replica.update(
        ENGINE="airbnb.db.backend",
        CONN_MAX_AGE=60,
        CONN_HEALTH_CHECKS=True,
        # A replica that is down must be given up on quickly: the request then reads from the primary.
        OPTIONS={"connect_timeout": 2, "options": "-c jit=off"},
        TEST={"MIRROR": DEFAULT_DB_ALIAS},
    )
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["airbnb.db.routing.ReplicaRouter"]
# A replica lagging more than this is skipped; health (replay position, lag) is cached this long per process.
DATABASE_REPLICA_MAX_LAG_SECONDS = float(env_str("DATABASE_REPLICA_MAX_LAG_SECONDS", "10"))
DATABASE_REPLICA_HEALTH_SECONDS = float(env_str("DATABASE_REPLICA_HEALTH_SECONDS", "1"))
# How long a client's last write position is kept (read-your-writes); far above the lag bound.
DATABASE_REPLICA_RYW_SECONDS = 300
# Count routing decisions in Redis too (bench/: the share of reads sent to the primary, and why).
DATABASE_ROUTING_STATS = env.bool("DATABASE_ROUTING_STATS", default=False)
# The views whose GET and HEAD may read from a replica: public pages and lists, nobody's own data.
DATABASE_REPLICA_VIEWS = {
    "home",
    "search:results",
    "search-place",
    "search-api",
    "search-places-api",
    "listings:detail",
    "listings:detail_short",
    "listing-list",
    "listing-detail",
    "amenity-list",
    "accounts:profile",
    "reviews:profile",
    "review-list",
    "review-listing-rating",
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url_checked()
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "airbnb",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
            # A Redis outage degrades caching and throttling; it must not fail bookings.
            "IGNORE_EXCEPTIONS": True,
        },
    }
}

# --- Auth ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18N ------------------------------------------------------------------
# English is the source language; docs/languages.md says how to add a string or a language.
LANGUAGE_CODE = "en"


def gettext_noop(message: str) -> str:
    """Mark a string for makemessages. Django's own would read settings while they load."""
    return message


# Names in English, translated on pages ("Written by the host in {language}"); the chooser
# shows each language in its own name instead (templates/accounts/_language_chooser.html).
LANGUAGES = [
    ("en", gettext_noop("English")),
    ("es", gettext_noop("Spanish")),
    ("fr", gettext_noop("French")),
    ("de", gettext_noop("German")),
    ("nb", gettext_noop("Norwegian Bokmål")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "airbnb.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# File bytes one request may carry (airbnb.uploads): DATA_UPLOAD_MAX_MEMORY_SIZE does not
# count files. The largest legitimate request is a full photo upload: 50 photos
# (listings MAX_PHOTOS) of up to 15 MB (PHOTO_MAX_BYTES), plus 1 MB for the form.
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=50 * 15 * 1024 * 1024 + 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "airbnb.uploads.RequestSizeLimitUploadHandler",  # first: refuses before the others store anything
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- REST API --------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Strict JSON: deep nesting and duplicate keys are a 400, never a 500 (airbnb/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "airbnb.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "airbnb.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "airbnb.api.throttling.AnonRateThrottle",
        "airbnb.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
        "auth": env_str("API_THROTTLE_AUTH", "10/min"),
        "search": env_str("API_THROTTLE_SEARCH", "600/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "airbnb.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "airbnb.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": None,  # revoked explicitly (logout) rather than by age
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Airbnb clone API",
    "DESCRIPTION": "REST API for the mobile apps. Authenticate with `Authorization: Bearer <token>` "
    "from `POST /api/v1/auth/token/`. Errors always have the body "
    '`{"error": {"code": ..., "message": ..., "fields": {...}}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery ----------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker rides out a Redis outage of any length: it reconnects with backoff (2 s, 4 s, ... capped at
# 30 s) forever instead of giving up after 100 tries (~45 min), and its transport survives the kombu bug
# that used to make it exit (airbnb/broker.py). Late acks + reject on worker lost: a task is acknowledged
# only once it ran, and every task here is safe to run twice (each picks up what is due from the database).
# visibility_timeout (1 h) is far above any task's run time: a message unacknowledged that long (its
# worker died) is given to another worker.
CELERY_BROKER_TRANSPORT = "airbnb.broker:RedisTransport"
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
    "retry_on_timeout": True,
    "health_check_interval": 25,
}
CELERY_TASK_ALWAYS_EAGER = False
# Queues, so that one kind of work cannot starve another (docs/scaling.md): a burst of photo variants or a
# slow demand refresh never sits in front of a capture or a booking email. `./dev run` starts one worker
# per queue (`--queues`); a worker started without `--queues` consumes all four. Routes name whole task
# modules, so a new task lands in its app's queue; anything unrouted goes to maintenance.
CELERY_TASK_QUEUES = [Queue(name) for name in ("payments", "notifications", "media", "maintenance")]
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
CELERY_TASK_ROUTES = {
    # captures, releases, settlements, refunds, payouts, the reconciler
    "payments.tasks.*": {"queue": "payments"},
    # the outbox (booking events become notifications), emails, wishlist alerts
    "bookings.tasks.outbox_dispatch_task": {"queue": "notifications"},
    "messaging.tasks.notification_email_send_task": {"queue": "notifications"},
    "messaging.tasks.notification_emails_send_task": {"queue": "notifications"},
    "messaging.tasks.notification_emails_flush_task": {"queue": "notifications"},
    "listings.tasks.wishlist_*": {"queue": "notifications"},
    # photo variants
    "listings.tasks.photo_generate_variants": {"queue": "media"},
    # everything else goes to CELERY_TASK_DEFAULT_QUEUE, maintenance: sweepers (stale holds, finished stays,
    # idempotency records), search and pricing upkeep, iCal imports, review publishing, statistics, heartbeat
}
# Exactly one scheduler however many nodes run beat: celery-redbeat keeps the schedule in Redis and runs it
# only while it holds a Redis lock (SET NX with a timeout, extended on every tick). A second beat waits for
# the lock; when the holder dies, the lock expires after CELERY_BEAT_LOCK_TIMEOUT seconds and a waiting beat
# takes over. The loop wakes at least every CELERY_BEAT_MAX_LOOP_INTERVAL seconds to extend the lock.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = env_str("CELERY_REDBEAT_REDIS_URL", CELERY_BROKER_URL)
CELERY_REDBEAT_KEY_PREFIX = "airbnb:redbeat"
CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=5)
CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_BEAT_LOCK_TIMEOUT", default=30)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "airbnb.tasks.heartbeat", "schedule": 30.0},
    "bookings-expire-stale": {"task": "bookings.tasks.bookings_expire_stale_task", "schedule": 60.0},
    "payments-reconcile": {"task": "payments.tasks.payments_reconcile_task", "schedule": 120.0},
    # Every 2 s: the publishing lag of a booking event (docs/benchmarks.md, "Outbox"); an empty run is one SELECT.
    "outbox-dispatch": {"task": "bookings.tasks.outbox_dispatch_task", "schedule": 2.0},
    "bookings-complete": {"task": "bookings.tasks.bookings_complete_finished_task", "schedule": 3600.0},
    "payouts-release": {"task": "payments.tasks.payouts_release_due_task", "schedule": 3600.0},
    "idempotency-purge": {"task": "airbnb.tasks.idempotency_records_purge_task", "schedule": 6 * 3600.0},
    "pricing-signals-flush": {"task": "pricing.tasks.demand_signals_flush_task", "schedule": 60.0},
    "pricing-demand-refresh": {"task": "pricing.tasks.demand_refresh_task", "schedule": 3600.0},
    "pricing-suggestions-refresh": {"task": "pricing.tasks.suggestions_refresh_task", "schedule": 6 * 3600.0},
    "pricing-competitiveness": {"task": "pricing.tasks.competitiveness_refresh_task", "schedule": 24 * 3600.0},
    "hosttools-ical-import": {"task": "hosttools.tasks.ical_import_due_task", "schedule": 300.0},
    "reviews-publish-due": {"task": "reviews.tasks.reviews_publish_due_task", "schedule": 900.0},
    "superhost-evaluate": {"task": "reviews.tasks.superhost_evaluate_task", "schedule": 86400.0},
    "host-response-stats": {"task": "messaging.tasks.host_response_stats_task", "schedule": 3600.0},
    "notification-emails-flush": {"task": "messaging.tasks.notification_emails_flush_task", "schedule": 60.0},
    "wishlist-alerts-deliver": {"task": "listings.tasks.wishlist_alerts_deliver_task", "schedule": 300.0},
}

# --- Email -----------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Airbnb clone <no-reply@example.com>")
# Absolute links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Security defaults (production tightens further) -----------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# Log-in brute-force protection (accounts.throttling): failures per email + IP address.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# Reverse proxies in front of the app that append to X-Forwarded-For (accounts.throttling.client_ip):
# 0 = clients connect directly, use REMOTE_ADDR; N = the Nth address from the right is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("Environment variable TRUSTED_PROXY_COUNT must be 0 or more.")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT  # DRF's throttles resolve the client the same way

# --- Logging: JSON lines, each carrying the request id ----------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "airbnb.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
    },
}

# GDAL < 3.9 (Debian 12 ships 3.6) cannot block file/network access in spatial
# reference strings. We never pass user input to GDAL as an SRS: points are built
# from validated floats with a fixed SRID 4326.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Marketplace ------------------------------------------------------------
DEMO_SEED_LISTINGS = env.int("DEMO_SEED_LISTINGS", default=3000)
PRICING_GUEST_SERVICE_FEE = env_str("PRICING_GUEST_SERVICE_FEE", "0.12")
PRICING_HOST_SERVICE_FEE = env_str("PRICING_HOST_SERVICE_FEE", "0.03")
PRICING_TAX_RATE = env_str("PRICING_TAX_RATE", "0")
# Nightly rules (pricing.rules): premium per weekday (0 = Monday; Fri/Sat nights +20%),
# season levels, guardrails. Hosts may override the weekend and season percentages.
PRICING_DAY_OF_WEEK_PREMIUM_PCT = {4: 20, 5: 20}
PRICING_SEASON_PCT = {"high": 35, "shoulder": 10, "low": -15}
PRICING_AUTO_INCREASE_CAP_PCT = 50
PRICING_MAX_DAY_TO_DAY_CHANGE_PCT = 20
# Kill switch: event and demand increases are dropped everywhere (e.g. during a disaster).
PRICING_SURGE_DISABLED = env.bool("PRICING_SURGE_DISABLED", default=False)
PRICING_SUGGESTION_DAYS = env.int("PRICING_SUGGESTION_DAYS", default=180)
PRICING_DEMAND_DAYS = env.int("PRICING_DEMAND_DAYS", default=180)
PRICING_DEMAND_CELL_DEGREES = "0.1"
PRICING_DEMAND_MIN_SIGNALS = env.int("PRICING_DEMAND_MIN_SIGNALS", default=20)
PRICING_COMPETITIVENESS_RADIUS_KM = env.int("PRICING_COMPETITIVENESS_RADIUS_KM", default=3)
PRICING_COMPETITIVENESS_MIN_COMPARABLES = 5
# External calendars (hosttools iCal import): fetcher adapter, limits, and whether
# feeds on private/loopback addresses may be fetched (never in production).
PRICING_ICAL_FETCHER = env_str("PRICING_ICAL_FETCHER", "hosttools.ical.HttpFeedFetcher")
PRICING_ICAL_TIMEOUT_SECONDS = float(env_str("PRICING_ICAL_TIMEOUT_SECONDS", "10"))
PRICING_ICAL_MAX_BYTES = env.int("PRICING_ICAL_MAX_BYTES", default=2 * 1024 * 1024)
PRICING_ICAL_ALLOW_PRIVATE_HOSTS = env.bool("PRICING_ICAL_ALLOW_PRIVATE_HOSTS", default=False)
PRICING_ICAL_SYNC_MINUTES = env.int("PRICING_ICAL_SYNC_MINUTES", default=30)
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=10)
# How long Idempotency-Key responses are kept (clients may retry for 24 h).
IDEMPOTENCY_KEEP_HOURS = env.int("IDEMPOTENCY_KEEP_HOURS", default=72)

# --- Payments -----------------------------------------------------------------
# "local" (default: Stripe's test cards, no network) or "stripe".
PAYMENT_GATEWAYS = {
    "local": "payments.gateways.local.LocalGateway",
    "stripe": "payments.gateways.stripe_gateway.StripeGateway",
}
PAYMENT_GATEWAY = PAYMENT_GATEWAYS.get(env_str("PAYMENT_GATEWAY", "local"), "")
if not PAYMENT_GATEWAY:
    raise ImproperlyConfigured("Environment variable PAYMENT_GATEWAY must be 'local' or 'stripe'.")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# The Connect endpoint's secret (hosts' account events), when it is a separate endpoint.
STRIPE_CONNECT_WEBHOOK_SECRET = env_str("STRIPE_CONNECT_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
PAYMENTS_TIMEOUT_SECONDS = float(env_str("PAYMENTS_TIMEOUT_SECONDS", "5"))
PAYMENTS_BREAKER_FAIL_MAX = env.int("PAYMENTS_BREAKER_FAIL_MAX", default=5)
PAYMENTS_BREAKER_RESET_SECONDS = env.int("PAYMENTS_BREAKER_RESET_SECONDS", default=30)
PAYMENTS_LOCAL_FAULT = env_str("PAYMENTS_LOCAL_FAULT", "")

# --- Search (see docs/search.md) ----------------------------------------------
# Ranking: score = sum of weight x component, every component in [0, 1].
SEARCH_RANKING_WEIGHTS = {
    "quality": float(env_str("SEARCH_WEIGHT_QUALITY", "0.20")),
    "review_score": float(env_str("SEARCH_WEIGHT_REVIEW_SCORE", "0.25")),
    "host_response_rate": float(env_str("SEARCH_WEIGHT_HOST_RESPONSE_RATE", "0.05")),
    "price_competitiveness": float(env_str("SEARCH_WEIGHT_PRICE_COMPETITIVENESS", "0.15")),
    "booking_likelihood": float(env_str("SEARCH_WEIGHT_BOOKING_LIKELIHOOD", "0.25")),
    "freshness": float(env_str("SEARCH_WEIGHT_FRESHNESS", "0.10")),
    "text_relevance": float(env_str("SEARCH_WEIGHT_TEXT_RELEVANCE", "0.30")),
}
# Review score: Bayesian average pulling listings with few reviews towards the prior.
SEARCH_REVIEW_PRIOR_MEAN = 4.6
SEARCH_REVIEW_PRIOR_COUNT = 5
# Freshness: a new listing's boost halves every this many days after publication.
SEARCH_FRESHNESS_HALF_LIFE_DAYS = 30
SEARCH_RESULTS_PER_PAGE = 20
SEARCH_MAX_PAGES = 15
# Exact counts, facets and ranking over at most this many matches; beyond it the
# count reads "4,000+" and facets and ranking use the best-scored listings only.
SEARCH_CANDIDATE_CAP = env.int("SEARCH_CANDIDATE_CAP", default=4000)
# The largest map box accepted, in degrees (a continent): larger is a 400.
SEARCH_MAX_BBOX_SPAN = (120.0, 70.0)  # (longitude, latitude)
SEARCH_MAX_RADIUS_KM = 200
SEARCH_HISTOGRAM_BUCKETS = 24
# Reference exchange rates (units per US dollar) used only to filter and facet
# prices across currencies; cards always show the listing's own currency.
SEARCH_CURRENCY_PER_USD = {
    "USD": 1, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "NZD": 1.65, "CHF": 0.88, "JPY": 150,
    "SEK": 10.5, "NOK": 10.6, "DKK": 6.9, "PLN": 4.0, "CZK": 23, "HUF": 360, "TRY": 32, "ILS": 3.7,
    "AED": 3.67, "ZAR": 18.5, "MXN": 17, "BRL": 5.0, "INR": 83, "THB": 36, "SGD": 1.35, "HKD": 7.8,
    "CNY": 7.2, "MYR": 4.7, "PHP": 56,
}  # fmt: skip
SEARCH_DEFAULT_CURRENCY = "USD"
# Map tiles behind the search and listing maps: OpenStreetMap's standard tiles by default (their usage
# policy asks for the attribution below and a valid Referer, which browsers send). "off" or empty: no tile
# is ever requested and the maps show their offline drawing (test settings do this). The tile host is added
# to img-src in CONTENT_SECURITY_POLICY below.
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
SEARCH_MAP_TILE_URL = env_str("SEARCH_MAP_TILE_URL", OSM_TILE_URL).strip()
if SEARCH_MAP_TILE_URL.lower() in {"off", "none", "false", "0"}:
    SEARCH_MAP_TILE_URL = ""
SEARCH_MAP_TILE_ATTRIBUTION = env_str(
    "SEARCH_MAP_TILE_ATTRIBUTION", OSM_TILE_ATTRIBUTION if SEARCH_MAP_TILE_URL == OSM_TILE_URL else ""
)
_tile_origin = urlparse(SEARCH_MAP_TILE_URL)
if _tile_origin.scheme in {"http", "https"} and _tile_origin.netloc:
    _tile_host = re.sub(r"^\{[a-z]+\}\.", "*.", _tile_origin.netloc)  # {s}.tile.example.org -> *.tile.example.org
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data: blob:", f"img-src 'self' data: blob: {_tile_origin.scheme}://{_tile_host}"
    )
CELERY_BEAT_SCHEDULE["search-features-refresh"] = {
    "task": "search.tasks.search_features_refresh_task",
    "schedule": 6 * 3600.0,
}
CELERY_BEAT_SCHEDULE["search-place-searches-flush"] = {
    "task": "search.tasks.place_searches_flush_task",
    "schedule": 600.0,
}
CELERY_BEAT_SCHEDULE["search-booking-model-fit"] = {
    "task": "search.tasks.search_booking_model_fit_task",
    "schedule": 24 * 3600.0,
}
