"""Test settings: the same real PostgreSQL/PostGIS and Redis as dev, isolated.

pytest-django creates ``test_<dbname>``; Redis uses its own database number so a
test run never touches the dev cache or broker queues.

Under pytest-xdist (``./dev test`` runs the suite on every core) each worker
process gets its own of everything a test may empty: pytest-django adds the
worker's name to the database (``test_<dbname>_gw1``), and here the Redis
database number moves up by the worker's index (``TEST_REDIS_URL``'s number for
gw0, +1 for gw1, ...; Redis has 16) and files go to ``test-media/<worker>``.
"""

import os
import re

from .base import *  # noqa: F403
from .base import CACHES, DATABASE_REPLICAS, DATABASES, REST_FRAMEWORK, VAR_DIR, env_str

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
REDIS_URL = env_str("TEST_REDIS_URL", "redis://127.0.0.1:63799/1")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under pytest-xdist, else ""
if XDIST_WORKER:
    _index = int(XDIST_WORKER.removeprefix("gw"))
    REDIS_URL = re.sub(r"/(\d+)$", lambda db: f"/{int(db.group(1)) + _index}", REDIS_URL)
CACHES["default"]["LOCATION"] = REDIS_URL
CACHES["default"]["KEY_PREFIX"] = "airbnb-test"
CELERY_BROKER_URL = REDIS_URL
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media" / (XDIST_WORKER or "main")
STORAGES = {
    "default": {"BACKEND": "airbnb.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttles are exercised by their own tests with explicit rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "auth": "10000/min", "search": "10000/min"},
}
# No map tiles: the suite never touches the network (the maps show their offline drawing).
SEARCH_MAP_TILE_URL = ""
# No replica unless a test asks for one (tests/platform/test_replicas.py attaches the running replica).
for _alias in DATABASE_REPLICAS:
    del DATABASES[_alias]
DATABASE_REPLICAS = []
