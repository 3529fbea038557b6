"""Outbox benchmark: how fast one worker publishes booking events, and how far behind it runs at peak.

Run with ``bench/outbox`` (which bootstraps like ``./dev``) on a seeded world,
with nothing else consuming the outbox (stop ``./dev run`` first). Phases:

1. **Backlog**: the booking benchmark's clients book distinct listings through
   gunicorn for ``--backlog-seconds`` while no worker runs, so events pile up.
2. **Drain**: this process (one worker's worth) publishes the backlog with
   ``outbox_drain``, as the Celery task does; reports events/s, milliseconds and
   SQL statements per event.
3. **Peak**: a real Celery worker (concurrency 1, with its beat) runs while the
   clients book for ``--seconds``; reports bookings/s, the publishing lag of
   every event made in that window (``processed_at - created_at``) at p50/p99/max,
   and how long the outbox took to empty after the load stopped.

Results are printed and written to docs/benchmarks.md between markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The booking benchmark's clients, server and sampling (it also sets Django up).
import booking as booking_bench  # noqa: E402
from django.db import connection  # noqa: E402

from bookings.models import BookingEvent  # noqa: E402
from bookings.services.outbox import outbox_drain  # noqa: E402

ROOT = booking_bench.ROOT


class StatementCounter:
    """``connection.execute_wrapper`` that counts the statements sent to PostgreSQL."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def pending() -> int:
    return BookingEvent.objects.filter(processed_at__isnull=True).count()


def drain_in_process() -> tuple[int, float, int]:
    """Publish the whole backlog here; returns (events, seconds, statements)."""
    connection.close()
    counter = StatementCounter()
    started = time.perf_counter()
    total = 0
    with connection.execute_wrapper(counter):
        while True:
            done = outbox_drain(seconds=60)
            total += done
            if done == 0:
                break
    return total, time.perf_counter() - started, counter.count


def start_worker(env: dict) -> subprocess.Popen:
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "bench-outbox-worker.log", "w")
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "airbnb",
            "worker",
            "--beat",
            "--schedule",
            str(ROOT / "var" / "bench-outbox-beat"),
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def lags_since(since_id: int) -> list[float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(EPOCH FROM processed_at - created_at) FROM bookings_bookingevent "
            "WHERE id > %s AND processed_at IS NOT NULL",
            [since_id],
        )
        return [float(row[0]) for row in cursor.fetchall()]


def write_report(table: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    start, end = "<!-- bench:outbox:start -->", "<!-- bench:outbox:end -->"
    block = f"{start}\n{table}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Outbox (`bench/outbox`)\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog-seconds", type=float, default=15)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.md")
    args = parser.parse_args()

    if pending():
        print(f"publishing {pending()} events left from earlier runs first")
        drain_in_process()
    tokens = booking_bench.bench_users(args.clients)
    listing_ids = booking_bench.sample_listings(int((args.backlog_seconds + args.seconds) * 400) + 400, args.seed)
    split = int(args.backlog_seconds * 400)
    server = booking_bench.start_server(args.port, args.workers)
    worker = None
    try:
        booking_bench.phase_distinct("127.0.0.1", args.port, tokens, listing_ids[-200:], 2, args.seed + 1)
        drain_in_process()  # the warm-up's events

        backlog_results, _ = booking_bench.phase_distinct(
            "127.0.0.1", args.port, tokens, listing_ids[:split], args.backlog_seconds, args.seed
        )
        backlog = pending()
        events, seconds, statements = drain_in_process()

        last_id = BookingEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        worker = start_worker({**os.environ, "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev", "LOG_LEVEL": "WARNING"})
        time.sleep(8)  # the worker and its beat are up
        peak, wall = booking_bench.phase_distinct(
            "127.0.0.1", args.port, tokens, listing_ids[split:-200], args.seconds, args.seed + 2
        )
        stopped = time.perf_counter()
        while pending() and time.perf_counter() - stopped < 300:
            time.sleep(0.2)
        catch_up = time.perf_counter() - stopped
        left = pending()
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)

    lags = lags_since(last_id)
    booked = sum(1 for status, _ in peak if status == 201)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = [
        "| measure | value |",
        "|---|---|",
        f"| backlog: bookings made with no worker running | {sum(1 for s, _ in backlog_results if s == 201)} |",
        f"| backlog: events waiting | {backlog} |",
        f"| drain, one process: events/s | {events / seconds:.0f} |",
        f"| drain: ms per event | {seconds / max(events, 1) * 1000:.2f} |",
        f"| drain: SQL statements per event | {statements / max(events, 1):.2f} |",
        f"| peak: bookings/s (16 clients) with a Celery worker (concurrency 1) publishing | {booked / wall:.1f} |",
        f"| peak: events published | {len(lags)} |",
        f"| peak: lag p50 / p99 / max | {statistics.median(lags) if lags else float('nan'):.2f} s / "
        f"{booking_bench.percentile(lags, 99):.2f} s / {max(lags, default=float('nan')):.2f} s |",
        f"| peak: outbox empty after the load stopped | {catch_up:.1f} s ({left} left) |",
    ]
    table = "\n".join(rows) + (
        f"\n\nMachine: {machine}; gunicorn {args.workers} sync workers; local payment gateway; "
        f"backlog {args.backlog_seconds:.0f} s, peak {args.seconds:.0f} s; "
        f"`bench/outbox` on {time.strftime('%Y-%m-%d')}."
    )
    print(table)
    if not args.no_write:
        write_report(table)


if __name__ == "__main__":
    main()
