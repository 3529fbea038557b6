"""/healthz and the service checks, against the real PostgreSQL, Redis and a real Celery worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

from airbnb.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def celery_worker_process():
    """A real worker on the test broker, so the health check pings something real."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "airbnb.settings.test"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "airbnb",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"healthtest-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if celery_app.control.ping(timeout=0.5):
            break
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode())
    else:
        proc.kill()
        raise RuntimeError("celery worker did not answer within 30 s")
    yield proc
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.django_db
def test_healthz_all_up(client, celery_worker_process):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["checks"]["database"]["detail"].startswith("ok (PostGIS")
    assert body["checks"]["celery"]["ok"] is True


@pytest.mark.django_db
def test_healthz_names_redis_when_down(client):
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=caches):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert "redis" in body["down"]
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_names_celery_when_no_worker(client):
    replies = celery_app.control.ping(timeout=0.5)
    if replies:
        pytest.fail("a stray Celery worker is answering on the test broker; stop it")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["celery"]
    # What a load balancer asks: this node can serve; the shared workers being down does not take it out.
    node = client.get("/healthz?node=1")
    assert node.status_code == 200
    assert set(node.json()["checks"]) == {"database", "redis"}


def _manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev", **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_check_services_names_unreachable_database():
    result = _manage("check_services", DATABASE_URL="postgis://airbnb:airbnb@127.0.0.1:1/airbnb")
    assert result.returncode == 1
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert "cannot use PostgreSQL at 127.0.0.1:1/airbnb" in lines[0]
    assert "fix DATABASE_URL" in lines[0]


def test_check_services_names_unreachable_redis():
    result = _manage("check_services", REDIS_URL=DEAD_REDIS)
    assert result.returncode == 1
    assert "cannot reach Redis at 127.0.0.1:1" in result.stderr
    assert "fix REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "mysql://x@y/z", "is not a PostgreSQL URL"),
        ("REDIS_URL", "localhost:6379", "is not a Redis URL"),
        ("DEMO_SEED_LISTINGS", "lots", "is not an integer"),
    ],
)
def test_malformed_env_var_is_one_clear_line(name, value, expected):
    result = _manage("check", **{name: value})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert expected in result.stderr
