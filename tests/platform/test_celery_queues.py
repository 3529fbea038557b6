"""Celery queues (one kind of work cannot starve another) and exactly one beat across nodes.

Routing is checked on every registered task, so a new task cannot land in a
queue no worker consumes. The beat test runs two real ``celery beat`` processes
against the worker's own Redis database and kills the one holding the lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from airbnb.celery import app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = {"payments", "notifications", "media", "maintenance"}


@pytest.fixture(autouse=True, scope="module")
def _tasks_registered():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("payments.tasks.payment_capture_task", "payments"),
        ("payments.tasks.payment_release_task", "payments"),
        ("payments.tasks.payments_reconcile_task", "payments"),
        ("payments.tasks.payouts_release_due_task", "payments"),
        ("payments.tasks.payout_reverse_task", "payments"),
        ("bookings.tasks.outbox_dispatch_task", "notifications"),
        ("messaging.tasks.notification_email_send_task", "notifications"),
        ("messaging.tasks.notification_emails_send_task", "notifications"),
        ("messaging.tasks.notification_emails_flush_task", "notifications"),
        ("listings.tasks.wishlist_availability_changed", "notifications"),
        ("listings.tasks.photo_generate_variants", "media"),
        ("bookings.tasks.bookings_expire_stale_task", "maintenance"),
        ("airbnb.tasks.idempotency_records_purge_task", "maintenance"),
        ("search.tasks.search_features_refresh_task", "maintenance"),
        ("pricing.tasks.demand_refresh_task", "maintenance"),
        ("hosttools.tasks.ical_import_sync_task", "maintenance"),
        ("airbnb.tasks.heartbeat", "maintenance"),
    ],
)
def test_each_kind_of_work_has_its_queue(task_name, queue):
    assert task_name in app.tasks
    assert _queue(task_name) == queue


def test_every_task_goes_to_a_queue_a_worker_consumes():
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert len(ours) > 20
    assert {_queue(name) for name in ours} == QUEUES
    assert {queue.name for queue in app.conf.task_queues} == QUEUES


def test_beat_schedule_entries_name_registered_tasks():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def _start_beat(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev",
        # This test worker's own Redis database (emptied before each test): the broker, the lock, the schedule.
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "CELERY_REDBEAT_REDIS_URL": settings.REDIS_URL,
        "CELERY_BEAT_LOCK_TIMEOUT": "3",
        "CELERY_BEAT_MAX_LOOP_INTERVAL": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "airbnb", "beat", "--loglevel", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _sent(log: Path) -> int:
    return log.read_text().count("Scheduler: Sending due task")


def _holds_lock(log: Path) -> bool:
    return "beat: Acquired lock" in log.read_text()


def test_two_beats_send_from_one_and_the_other_takes_over_when_it_dies(tmp_path):
    logs = [tmp_path / "beat-a.log", tmp_path / "beat-b.log"]
    beats = [_start_beat(log) for log in logs]
    try:
        assert _wait_for(lambda: any(_sent(log) for log in logs), 60), [log.read_text()[-2000:] for log in logs]
        time.sleep(4)  # outbox-dispatch is due every 2 s: both would have sent by now if both ran the schedule
        holders = [_holds_lock(log) for log in logs]
        assert holders.count(True) == 1, holders
        holder = holders.index(True)
        waiting = 1 - holder
        assert _sent(logs[holder]) >= 2
        assert _sent(logs[waiting]) == 0

        # The holder dies without releasing the lock (a node lost): the other takes over once it expires.
        os.killpg(beats[holder].pid, signal.SIGKILL)
        beats[holder].wait(timeout=10)
        assert _wait_for(lambda: _holds_lock(logs[waiting]) and _sent(logs[waiting]) >= 1, 30), logs[
            waiting
        ].read_text()[-2000:]
    finally:
        for beat in beats:
            if beat.poll() is None:
                os.killpg(beat.pid, signal.SIGTERM)
                beat.wait(timeout=10)
