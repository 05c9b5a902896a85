from webapp.settings.env import BASE_DIR, env_bool, env_int

DEBUG = env_bool("DJANGO_DEBUG", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    "channels",
    "django_celery_beat",
    "annotator",
    "inference",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "webapp.urls"
ASGI_APPLICATION = "webapp.asgi.application"

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
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = None  # served by WhiteNoise from the finders (frontend/dist and the apps), no collectstatic step
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with WWW-Authenticate rather than 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "webapp.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "webapp.schema.GeoLoopAutoSchema",
    "EXCEPTION_HANDLER": "webapp.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Hot read-only endpoints (map tiles) authenticate through these: the user behind a token or session is remembered
# for a few seconds, so a warm request touches no database.
GEOLOOP_CACHED_AUTHENTICATION = [
    "annotator.authentication.CachedTokenAuthentication",
    "annotator.authentication.CachedSessionAuthentication",
]

# Vector tiles of annotations: bytes kept per web process, keyed by the scene's annotation version (0 turns it off).
GEOLOOP_VECTOR_TILE_CACHE_BYTES = env_int("GEOLOOP_VECTOR_TILE_CACHE_BYTES", 64 * 1024**2)

# Views that take JSON only name their parser through this (apps do not import webapp).
GEOLOOP_JSON_PARSER_CLASSES = ["webapp.parsers.LimitedJSONParser"]
# JSON from clients (API bodies, socket messages): at most this many nested arrays/objects; integers within
# +/-(2**53 - 1) and finite numbers only (core.json_limits). Past a limit: 400 (code json_limit).
JSON_MAX_DEPTH = env_int("GEOLOOP_JSON_MAX_DEPTH", 32)

# Request bodies, limited while they stream in, before Django reads them (webapp.request_limits): 413 past the
# limit. File routes take the named setting's limit (plus multipart framing), every other request this one.
REQUEST_BODY_MAX_BYTES = env_int("GEOLOOP_REQUEST_BODY_MAX_BYTES", 2 * 1024**2)
REQUEST_BODY_ROUTE_LIMITS = [
    (r"^/api/projects/[0-9]+/scenes/$", "UPLOAD_MAX_BYTES"),  # scene upload
    (r"^/api/scenes/[0-9]+/imports/$", "UPLOAD_MAX_BYTES"),  # annotation import (its service uses the same limit)
]

SPECTACULAR_SETTINGS = {
    "TITLE": "GeoLoop API",
    "DESCRIPTION": "Human-in-the-loop annotation of satellite and aerial imagery.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that several serializers name "status": one stable name each.
    "ENUM_NAME_OVERRIDES": {
        "AnnotationEditStatusEnum": [("draft", "draft"), ("accepted", "accepted")],
        "AnnotationStatusEnum": "annotator.models.AnnotationStatus",
        "AnnotationKindEnum": "annotator.models.AnnotationKind",
        "JobStatusEnum": "annotator.models.JobStatus",  # export and training jobs alike
        "AttributeTypeEnum": ["boolean", "number", "choice", "text"],
        "PolygonTypeEnum": ["Polygon"],
        "MultiPolygonTypeEnum": ["MultiPolygon"],
        "FeatureTypeEnum": ["Feature"],
        "FeatureCollectionTypeEnum": ["FeatureCollection"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# GDAL 3.6 (Debian 12) cannot block file/network access in spatial references; we never accept SRS text from users.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
