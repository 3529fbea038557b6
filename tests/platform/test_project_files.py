"""The run/test entry points stay consistent: Procfile, docker-compose.yml, README, CI."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


QUEUES = ("payments", "notifications", "media", "maintenance")


def test_procfile_runs_web_one_worker_per_queue_and_beat():
    procs = _procfile()
    assert set(procs) == {"web", "beat", *(f"worker-{queue}" for queue in QUEUES)}
    assert procs["web"].startswith("gunicorn airbnb.wsgi:application")
    # Workers and beat run under bin/respawn: Celery 5.7's worker can exit when Redis drops.
    for queue in QUEUES:
        command = procs[f"worker-{queue}"]
        assert command.startswith("bin/respawn celery -A airbnb worker")
        assert f"--queues {queue} " in command and f"--hostname {queue}@%h" in command
        assert f"${{CELERY_{queue.upper()}_CONCURRENCY:-${{CELERY_CONCURRENCY:-1}}}}" in command
    assert procs["beat"].startswith("bin/respawn celery -A airbnb beat")


def test_docker_compose_matches_procfile():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgis", "redis", "web", "beat"} <= set(services)
    assert services["postgis"]["image"].startswith("postgis/postgis:")
    assert services["redis"]["image"].startswith("redis:")
    procs = _procfile()
    for name in procs:
        command = services[name]["command"].replace("$$", "$")
        expected = procs[name].removeprefix("bin/respawn ")
        assert expected in command, f"{name}: compose runs {command!r}, Procfile {procs[name]!r}"
        if "${" in command:  # compose runs no shell of its own: the variables need one
            assert command.startswith('sh -c "'), f"{name}: {command!r}"
        assert services[name]["restart"] == "unless-stopped"  # compose's own bin/respawn
        env = services[name]["environment"]
        # Through PgBouncer, as ./dev runs it; PostgreSQL itself for creating databases.
        assert env["DATABASE_URL"].startswith("postgis://") and "@pgbouncer:6432/" in env["DATABASE_URL"]
        assert "@postgis:5432/" in env["DATABASE_DIRECT_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert set(services[name]["depends_on"]) == {"postgis", "pgbouncer", "redis"}


def test_docker_compose_scale_profile_has_the_topology():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    scale = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert scale == {"postgis-replica", "web1", "web2", "haproxy"}
    for node in ("web1", "web2"):
        env = services[node]["environment"]
        assert "@postgis-replica:5432/" in env["DATABASE_REPLICA_URLS"]
        assert env["TRUSTED_PROXY_COUNT"] == "1" and "@pgbouncer:6432/" in env["DATABASE_URL"]
    haproxy = (ROOT / "docker" / "haproxy.cfg").read_text()
    assert "option httpchk GET /healthz?node=1" in haproxy
    assert "server web1 web1:8000 check" in haproxy and "server web2 web2:8000 check" in haproxy
    pgbouncer = (ROOT / "docker" / "pgbouncer.ini").read_text()
    assert "pool_mode = transaction" in pgbouncer and "* = host=postgis port=5432" in pgbouncer
    assert "pg_basebackup" in (ROOT / "docker" / "replica.sh").read_text()


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("set ")
    ]
    readme = (ROOT / "README.md").read_text()
    assert ci_lines[-1] in readme
    commands = [c.strip() for c in re.findall(r"^(\./dev \w+)", readme, flags=re.M)]
    assert "./dev run" in commands and ci_lines[-1] in commands


def test_gitignore_keeps_local_state_out():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "var/" in ignored and ".venv/" in ignored


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.prod",
        "SECRET_KEY": "x" * 20 + "-prod-check-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
        "ALLOWED_HOSTS": "airbnb.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_missing_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "airbnb.settings.prod"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_production_with_stripe_requires_its_secrets():
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    env.update({"DJANGO_SETTINGS_MODULE": "airbnb.settings.prod", "SECRET_KEY": "k" * 60, "PAYMENT_GATEWAY": "stripe"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "STRIPE_SECRET_KEY" in result.stderr


def test_respawn_runs_the_command_again_and_stops_on_sigterm(tmp_path):
    runs = tmp_path / "runs"
    proc = subprocess.Popen(
        [str(ROOT / "bin" / "respawn"), "sh", "-c", f"echo run >> {runs}; exit 3"],
        env={**os.environ, "RESPAWN_DELAY": "0.1"},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (not runs.exists() or len(runs.read_text().split()) < 3):
        time.sleep(0.05)
    assert len(runs.read_text().split()) >= 3  # exited three times, started again each time
    proc.terminate()
    assert proc.wait(timeout=5) == 0
    assert "exited with status 3" in proc.stderr.read()


def test_respawn_stops_a_long_running_command_on_sigterm(tmp_path):
    pidfile = tmp_path / "pid"
    proc = subprocess.Popen(
        [str(ROOT / "bin" / "respawn"), "sh", "-c", f"echo $$ > {pidfile}; exec sleep 60"],
        env={**os.environ, "RESPAWN_DELAY": "0.1"},
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (pidfile.exists() and pidfile.read_text().strip()):
        time.sleep(0.05)
    child = int(pidfile.read_text())
    proc.terminate()
    assert proc.wait(timeout=5) == 0
    time.sleep(0.1)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
