"""Test settings: the same real PostgreSQL/PostGIS and Redis as dev, isolated.

pytest-django creates ``test_<dbname>``; Redis uses its own database number so a
test run never touches the dev cache or broker queues.
"""

from .base import *  # noqa: F403
from .base import CACHES, REST_FRAMEWORK, VAR_DIR, env_str

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
REDIS_URL = env_str("TEST_REDIS_URL", "redis://127.0.0.1:63799/1")
CACHES["default"]["LOCATION"] = REDIS_URL
CACHES["default"]["KEY_PREFIX"] = "airbnb-test"
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttles are exercised by their own tests with explicit rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "auth": "10000/min", "search": "10000/min"},
}
# No map tiles: the suite never touches the network (the maps show their offline drawing).
SEARCH_MAP_TILE_URL = ""
