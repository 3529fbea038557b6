"""Production media storage: S3-compatible through django-storages when a bucket is configured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


PROBE = """
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(type(storage).__module__ + "." + type(storage).__name__)
print(storage.url("listings/7/abc.jpg"))
print(settings.CONTENT_SECURITY_POLICY)
"""


def prod_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "airbnb.settings.prod",
            "SECRET_KEY": "s3-check-" + "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1" * 2,
            "ALLOWED_HOSTS": "airbnb.example.com",
            **extra,
        }
    )
    return env


def test_photos_go_to_the_bucket_and_the_csp_allows_its_origin():
    env = prod_env(AWS_STORAGE_BUCKET_NAME="airbnb-photos", AWS_S3_CUSTOM_DOMAIN="photos.example.com")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    backend, url, csp = result.stdout.splitlines()
    assert backend == "storages.backends.s3.S3Storage"
    assert url == "https://photos.example.com/listings/7/abc.jpg"  # public, unsigned
    img_src = next(part for part in csp.split(";") if part.strip().startswith("img-src")).split()
    assert img_src[:4] == ["img-src", "'self'", "data:", "blob:"]
    # The bucket's photos, and the map tiles (OpenStreetMap by default: SEARCH_MAP_TILE_URL).
    assert set(img_src[4:]) == {"https://photos.example.com", "https://tile.openstreetmap.org"}
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_without_a_bucket_files_stay_on_local_disk():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=prod_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "airbnb.storage.MediaStorage"
