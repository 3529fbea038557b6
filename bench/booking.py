"""Booking benchmark against the real server (gunicorn) and the local payment gateway.

Run with ``bench/booking`` (which bootstraps like ``./dev``). Phases:

1. **Distinct listings**: 16 concurrent clients, each POSTing ``/api/v1/bookings/``
   for random published listings and random free dates (earlier runs booked some
   nights of the same sampled listings), for a fixed duration.
   Reports successful bookings/s and p50/p99 latency of all requests.
2. **Contention**: 64 clients POST the same listing and dates at once: expect
   exactly 1 success and 63 clean 409s; reports p99.
3. **Ceiling**: pgbench's built-in tpcb-like script on the same PostgreSQL, same
   client count, in its own database.
4. **Invariants** straight from the database: no night taken twice, every
   confirmed booking has a captured payment of its total.

Results are printed and written to docs/benchmarks.md between markers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airbnb.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from accounts.models import User  # noqa: E402
from listings.models import Listing  # noqa: E402

BENCH_PASSWORD = "bench-password-123"


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def bench_users(count: int) -> list[str]:
    """Guests for the benchmark (created once) and a fresh Bearer token each."""
    existing = list(User.objects.filter(email__startswith="bench-guest-").order_by("pk")[:count])
    if len(existing) < count:
        hashed = make_password(BENCH_PASSWORD)
        User.objects.bulk_create(
            [
                User(email=f"bench-guest-{uuid.uuid4().hex[:12]}@bench.test", password=hashed, first_name="Bench")
                for _ in range(count - len(existing))
            ]
        )
        existing = list(User.objects.filter(email__startswith="bench-guest-").order_by("pk")[:count])
    # One token per user, like one phone: knox reads all of a user's tokens on each request.
    AuthToken.objects.filter(user__in=existing).delete()
    return [AuthToken.objects.create(user)[1] for user in existing]


def sample_listings(count: int, seed: int) -> list[int]:
    """Random published instant-book listings that take a 1-3 night stay for 2 guests (TABLESAMPLE: cheap at 1M)."""
    where = "status = 'published' AND instant_book AND max_guests >= 2 AND min_nights <= 1 AND max_nights >= 3"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM listings_listing TABLESAMPLE SYSTEM (5) REPEATABLE (%s) WHERE {where} LIMIT %s",
            [seed, count],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) < count:
            cursor.execute(f"SELECT id FROM listings_listing WHERE {where} ORDER BY id LIMIT %s", [count])
            ids = [row[0] for row in cursor.fetchall()]
    random.Random(seed).shuffle(ids)
    return ids


class Client:
    """One keep-alive HTTP connection, like one mobile app."""

    def __init__(self, host: str, port: int, token: str):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.token = token

    def book(self, listing_id: int, check_in: str, check_out: str) -> tuple[int, float, dict]:
        body = json.dumps(
            {
                "listing": listing_id,
                "check_in": check_in,
                "check_out": check_out,
                "guests": 2,
                "payment_method": "pm_card_visa",
            }
        )
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        started = time.perf_counter()
        try:
            self.conn.request("POST", "/api/v1/bookings/", body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            return 0, time.perf_counter() - started, {}
        elapsed = time.perf_counter() - started
        try:
            data = json.loads(payload)
        except ValueError:
            data = {}
        return response.status, elapsed, data


def date_pair(rng: random.Random) -> tuple[str, str]:
    import datetime as dt

    # Beyond the year that `seed_calendars` fills, so distinct-listing bookings meet free nights.
    start = dt.date.today() + dt.timedelta(days=rng.randint(370, 720))
    return start.isoformat(), (start + dt.timedelta(days=rng.randint(1, 3))).isoformat()


def free_stays(listing_ids: list[int], seed: int) -> list[tuple[int, str, str]]:
    """A random stay per listing on nights that are free (earlier runs booked some of them).

    Read from each listing's ``unavailable`` multirange, so the distinct phase
    measures bookings that can succeed; listings without such a stay are skipped.
    """
    import datetime as dt

    rng = random.Random(seed)
    taken: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, unavailable FROM listings_listing WHERE id = ANY(%s)", [listing_ids])
        for listing_id, ranges in cursor.fetchall():
            taken[listing_id] = list(ranges or [])
    stays = []
    for listing_id in listing_ids:
        for _ in range(10):
            check_in, check_out = date_pair(rng)
            start, end = dt.date.fromisoformat(check_in), dt.date.fromisoformat(check_out)
            if not any(r.lower < end and (r.upper is None or r.upper > start) for r in taken.get(listing_id, [])):
                stays.append((listing_id, check_in, check_out))
                break
    return stays


def phase_distinct(host: str, port: int, tokens: list[str], listing_ids: list[int], seconds: float, seed: int):
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    queue = free_stays(listing_ids, seed)
    random.Random(seed).shuffle(queue)

    def worker(index: int):
        client = Client(host, port, tokens[index])
        local = []
        while time.perf_counter() < stop_at:
            with lock:
                if not queue:
                    break
                listing_id, check_in, check_out = queue.pop()
            status, elapsed, _ = client.book(listing_id, check_in, check_out)
            local.append((status, elapsed))
        with lock:
            results.extend(local)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return results, wall


def phase_contention(host: str, port: int, tokens: list[str], listing_id: int, seed: int):
    rng = random.Random(seed)
    check_in, check_out = date_pair(rng)
    barrier = threading.Barrier(len(tokens))
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()

    def worker(index: int):
        client = Client(host, port, tokens[index])
        barrier.wait()
        status, elapsed, data = client.book(listing_id, check_in, check_out)
        code = data.get("error", {}).get("code", "") if status != 201 else ""
        with lock:
            results.append((status, elapsed, code))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def free_listing(candidates: list[int], seed: int) -> int:
    """The first candidate whose nights for the contention dates are all free.

    Earlier runs (and the distinct phase) book random dates on the same sampled
    listings; contention must start from free nights, or all 64 answers are 409.
    """
    check_in, check_out = date_pair(random.Random(seed))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT l FROM unnest(%s::bigint[]) WITH ORDINALITY AS c(l, n)
             WHERE NOT EXISTS (SELECT 1 FROM availability_calendarnight
                                WHERE listing_id = c.l AND date >= %s AND date < %s
                                  AND status IN ('held', 'booked', 'blocked'))
             ORDER BY n LIMIT 1
            """,
            [candidates, check_in, check_out],
        )
        row = cursor.fetchone()
    if row is None:
        raise SystemExit("no sampled listing has the contention dates free: pass another --seed")
    return row[0]


def pgbench_tps(clients: int, seconds: int) -> float | None:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"]}
    base = ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]
    pgbench = next((p for p in ("/usr/bin/pgbench",) if Path(p).exists()), "pgbench")
    subprocess.run(["dropdb", "--if-exists", *base, "bench_pgbench"], env=env, capture_output=True)
    made = subprocess.run(["createdb", *base, "bench_pgbench"], env=env, capture_output=True, text=True)
    if made.returncode != 0:
        print("pgbench skipped:", made.stderr.strip())
        return None
    subprocess.run([pgbench, *base, "-i", "-s", "10", "-q", "bench_pgbench"], env=env, capture_output=True, check=True)
    run = subprocess.run(
        [pgbench, *base, "-c", str(clients), "-j", "2", "-T", str(seconds), "bench_pgbench"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    subprocess.run(["dropdb", "--if-exists", *base, "bench_pgbench"], env=env, capture_output=True)
    match = re.search(r"tps = ([\d.]+)", run.stdout)
    return float(match.group(1)) if match else None


def invariants() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT listing_id, date FROM availability_calendarnight "
            "GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
        doubled = cursor.fetchone()[0]
        cursor.execute("""
            SELECT count(*) FROM bookings_booking b JOIN bookings_booking c
              ON b.listing_id = c.listing_id AND b.id < c.id
             AND daterange(b.check_in, b.check_out) && daterange(c.check_in, c.check_out)
             WHERE b.status IN ('confirmed', 'awaiting_host', 'pending_payment', 'completed')
               AND c.status IN ('confirmed', 'awaiting_host', 'pending_payment', 'completed')""")
        overlapping = cursor.fetchone()[0]
        cursor.execute("""
            SELECT count(*) FROM bookings_booking b LEFT JOIN payments_payment p ON p.booking_id = b.id
             WHERE b.status = 'confirmed' AND (p.id IS NULL OR p.status <> 'captured' OR p.amount <> b.total)
               AND b.created_at > now() - interval '1 hour'""")
        unpaid = cursor.fetchone()[0]
    return {
        "nights taken twice": doubled,
        "overlapping active bookings": overlapping,
        "confirmed without captured payment": unpaid,
    }


def start_server(port: int, workers: int, extra: list[str] | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_SEARCH": "1000000/min",
        "PAYMENT_GATEWAY": "local",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "airbnb.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            *(extra or []),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/amenities/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def write_report(table: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = "<!-- bench:booking:start -->", "<!-- bench:booking:end -->"
    block = f"{start}\n{table}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Booking\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--contention-clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--gunicorn-args", default="", help="extra gunicorn arguments (e.g. a worker class)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.md")
    args = parser.parse_args()

    listings_total = Listing.objects.filter(status="published").count()
    tokens = bench_users(max(args.clients, args.contention_clients))
    # Enough that the clients never run out within --seconds (each listing is booked once).
    listing_ids = sample_listings(max(5000, int(args.seconds * 400)), args.seed)
    if len(listing_ids) < args.contention_clients:
        raise SystemExit("not enough published instant-book listings: seed the demo world first")
    server = start_server(args.port, args.workers, args.gunicorn_args.split())
    try:
        # Warm up each worker's connections and code paths.
        phase_distinct("127.0.0.1", args.port, tokens[: args.clients], listing_ids[-200:], 2, args.seed + 1)
        distinct, wall = phase_distinct(
            "127.0.0.1", args.port, tokens[: args.clients], listing_ids[:-200], args.seconds, args.seed
        )
        contention_listing = free_listing(listing_ids[-300:-200], args.seed)
        contention = phase_contention(
            "127.0.0.1", args.port, tokens[: args.contention_clients], contention_listing, args.seed
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    tps = pgbench_tps(args.clients, 15)
    checks = invariants()

    ok = [e for s, e in distinct if s == 201]
    statuses: dict[int, int] = {}
    for s, _ in distinct:
        statuses[s] = statuses.get(s, 0) + 1
    latencies = [e for _, e in distinct]
    rate = len(ok) / wall
    c_status = sorted(s for s, _, _ in contention)
    c_codes = {c for s, _, c in contention if s == 409}
    c_lat = [e for _, e, _ in contention]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"

    rows = [
        "| measure | value | target |",
        "|---|---|---|",
        f"| published listings in the database | {listings_total:,} | 1,000,000 |",
        f"| distinct listings: clients | {args.clients} | 16 |",
        f"| distinct listings: successful bookings/s | {rate:.1f} | >= 150 |",
        f"| distinct listings: p50 / p99 latency | {statistics.median(latencies) * 1000:.1f} ms / "
        f"{percentile(latencies, 99) * 1000:.1f} ms | p99 <= 150 ms |",
        f"| distinct listings (free nights): responses | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} "
        "| all 201 |",
        f"| contention: {args.contention_clients} clients, same listing and dates | "
        f"{c_status.count(201)} x 201, {c_status.count(409)} x 409 ({', '.join(sorted(c_codes))}), "
        f"other {len(c_status) - c_status.count(201) - c_status.count(409)} | 1 x 201, rest 409 |",
        f"| contention: p99 latency | {percentile(c_lat, 99) * 1000:.1f} ms | |",
        f"| pgbench tpcb-like TPS ({args.clients} clients, same cluster) | "
        f"{f'{tps:.0f}' if tps is not None else 'n/a'} | ceiling |",
        f"| bookings/s as a share of pgbench TPS | {(rate / tps * 100) if tps else float('nan'):.1f}% | |",
    ]
    rows += [f"| invariant: {name} | {value} | 0 |" for name, value in checks.items()]
    table = "\n".join(rows) + (
        f"\n\nMachine: {machine}; gunicorn {args.workers} sync workers; local payment gateway; "
        f"{args.seconds:.0f} s run; `bench/booking` on {time.strftime('%Y-%m-%d')}."
    )
    print(table)
    if not args.no_write:
        write_report(table)
    if any(checks.values()) or c_status.count(201) != 1:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
