"""Topology benchmark: search on the primary vs the replica, bookings with and without replica reads, in one run.

Run with ``bench/topology`` (which bootstraps like ``./dev`` and starts replica 1).
Needs a seeded world (``manage.py seed_demo --listings N``). Every phase runs a
fresh gunicorn (4 sync workers) on the same database through PgBouncer:

1. **search, primary**: the search mix of ``bench/search`` (``--queries``, fixed by
   ``--seed``) from 8 clients, no replica configured.
2. **search, replica**: the same with ``DATABASE_REPLICA_URLS`` naming replica 1.
3. **booking alone**: ``bench/booking``'s distinct-listings phase (16 clients),
   replica configured; after each booking the guest searches (as a guest does):
   those searches are the ones read-your-writes may send to the primary.
4. **booking + search on the replica**: phase 3 while 8 anonymous clients run the
   search mix on the replica.

Throughout 3 and 4 a probe measures the replica's replay lag: it notes the
primary's ``pg_current_wal_lsn()`` and times how long the replica takes to replay
it (every 0.2 s). Every 0.5 s PgBouncer's ``SHOW POOLS`` gives client and server
connections. The router counts its decisions in Redis (``DATABASE_ROUTING_STATS``).
Results are printed and written to docs/benchmarks.md between the
``bench:topology`` markers.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airbnb.settings.dev")


def _load(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_search = _load("bench_search", "search.py")  # sets Django up
bench_booking = _load("bench_booking", "booking.py")

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402

from airbnb.db.routing import STATS_KEY, lsn_to_int  # noqa: E402

percentile = bench_search.percentile


def start_server(port: int, workers: int, replica_url: str | None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_REPLICA_URLS": replica_url or "", "DATABASE_ROUTING_STATS": "1"}
    old = os.environ.copy()
    os.environ.update(env)
    try:
        return bench_booking.start_server(port, workers)
    finally:
        os.environ.clear()
        os.environ.update(old)


class Sampler:
    """Replay lag probes and PgBouncer pool samples while a phase runs."""

    def __init__(self, replica_url: str, pooler: dict):
        self.replica_url = urlparse(replica_url)
        self.pooler = pooler
        self.lags: list[float] = []
        self.clients: list[int] = []
        self.servers: list[int] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._lag), threading.Thread(target=self._pools)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _db(self, host, port, dbname="airbnb"):
        db = settings.DATABASES["default"]
        return psycopg.connect(
            host=host, port=port, user=db["USER"], password=db["PASSWORD"], dbname=dbname, autocommit=True,
            cursor_factory=psycopg.ClientCursor,  # the simple query protocol: PgBouncer's console knows no other
        )  # fmt: skip

    def _lag(self):
        direct = settings.DATABASES["default"].get("DIRECT") or settings.DATABASES["default"]
        with (
            self._db(direct["HOST"], direct["PORT"]) as primary,
            self._db(self.replica_url.hostname, self.replica_url.port) as replica,
        ):
            while not self.stop.is_set():
                target = lsn_to_int(primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])
                started = time.perf_counter()
                while lsn_to_int(replica.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()[0]) < target:
                    time.sleep(0.001)
                self.lags.append(time.perf_counter() - started)
                self.stop.wait(0.2)

    def _pools(self):
        if not self.pooler:
            return
        with self._db(self.pooler["HOST"], self.pooler["PORT"], "pgbouncer") as pgbouncer:
            while not self.stop.is_set():
                cursor = pgbouncer.execute("SHOW POOLS")
                names = [column.name for column in cursor.description]
                pools = [pool for pool in (dict(zip(names, row, strict=True)) for row in cursor.fetchall())
                         if pool["database"] == "airbnb"]  # fmt: skip
                self.clients.append(sum(p["cl_active"] + p["cl_waiting"] for p in pools))
                self.servers.append(sum(p["sv_active"] + p["sv_idle"] + p["sv_used"] for p in pools))
                self.stop.wait(0.5)


def routing_counts() -> dict[str, int]:
    raw = get_redis_connection("default").hgetall(STATS_KEY)
    return {key.decode(): int(value) for key, value in raw.items()}


def routing_reset() -> None:
    get_redis_connection("default").delete(STATS_KEY)


def search_phase(port: int, queries: list[str], clients: int) -> dict:
    rows, wall = bench_search.concurrent(port, queries, clients)
    ok = [elapsed for status, elapsed, _ in rows if status == 200]
    return {
        "n": len(rows),
        "errors": len(rows) - len(ok),
        "rate": len(ok) / wall,
        "p50": percentile(ok, 50) * 1000,
        "p99": percentile(ok, 99) * 1000,
    }


def booking_phase(port: int, tokens, listings, seconds: float, seed: int, follow_up: list[str]) -> dict:
    """bench/booking's distinct phase, plus the guest's own search after each booking."""
    original = bench_booking.Client.book

    def book_then_search(self, listing_id, check_in, check_out):
        status, elapsed, data = original(self, listing_id, check_in, check_out)
        if status == 201:
            query = follow_up[listing_id % len(follow_up)]
            self.conn.request("GET", "/api/v1/search/?" + query, headers={"Authorization": f"Bearer {self.token}"})
            self.conn.getresponse().read()
        return status, elapsed, data

    bench_booking.Client.book = book_then_search
    try:
        results, wall = bench_booking.phase_distinct("127.0.0.1", port, tokens, listings, seconds, seed)
    finally:
        bench_booking.Client.book = original
    ok = [elapsed for status, elapsed in results if status == 201]
    return {
        "n": len(results),
        "rate": len(ok) / wall,
        "p50": percentile([e for _, e in results], 50) * 1000,
        "p99": percentile([e for _, e in results], 99) * 1000,
        "failed": sum(1 for status, _ in results if status not in (201, 409)),
    }


def write_report(section: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    start, end = "<!-- bench:topology:start -->", "<!-- bench:topology:end -->"
    block = f"{start}\n{section}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Topology (`bench/topology`)\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--booking-clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    replica_url = os.environ.get("TEST_DATABASE_REPLICA_URL") or os.environ["BENCH_REPLICA_URL"]
    default = settings.DATABASES["default"]
    pooler = default if default.get("DIRECT") else {}

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM listings_listing WHERE status = 'published'")
        published = cursor.fetchone()[0]
    cities = bench_search.big_cities(40)
    mix = bench_search.query_mix(args.queries, args.seed, cities)
    warmup = bench_search.query_mix(100, args.seed + 1000, cities)
    follow_up = bench_search.query_mix(50, args.seed + 2000, cities)
    load_before = os.getloadavg()
    lines = {}

    for name, replica in (("primary", None), ("replica", replica_url)):
        server = start_server(args.port, args.workers, replica)
        try:
            bench_search.concurrent(args.port, warmup, args.clients)
            routing_reset()
            with Sampler(replica_url, pooler) as sampler:
                lines[f"search_{name}"] = search_phase(args.port, mix, args.clients)
            lines[f"search_{name}"]["routing"] = routing_counts()
            lines[f"search_{name}"]["pool"] = (max(sampler.clients, default=0), max(sampler.servers, default=0))
        finally:
            server.terminate()
            server.wait()

    tokens = bench_booking.bench_users(args.booking_clients)
    listings = bench_booking.sample_listings(4000, args.seed)
    server = start_server(args.port, args.workers, replica_url)
    try:
        for name, with_search in (("booking_alone", False), ("booking_with_search", True)):
            routing_reset()
            half = len(listings) // 2
            chosen = listings[:half] if not with_search else listings[half:]
            background = None
            searched: dict = {}
            if with_search:

                def searching(searched=searched):
                    deadline = time.monotonic() + args.seconds
                    total = []
                    while time.monotonic() < deadline:
                        total.append(search_phase(args.port, mix[:80], args.clients))
                    searched["rate"] = statistics.mean(t["rate"] for t in total)
                    searched["p99"] = max(t["p99"] for t in total)

                background = threading.Thread(target=searching)
                background.start()
            with Sampler(replica_url, pooler) as sampler:
                result = booking_phase(args.port, tokens, chosen, args.seconds, args.seed, follow_up)
            if background:
                background.join()
            result["lag"] = sampler.lags
            result["pool"] = (max(sampler.clients, default=0), max(sampler.servers, default=0))
            result["routing"] = routing_counts()
            result["search"] = searched
            lines[name] = result
    finally:
        server.terminate()
        server.wait()
    load_after = os.getloadavg()

    def ms(value: float) -> str:
        return f"{value:.1f} ms"

    sp, sr = lines["search_primary"], lines["search_replica"]
    ba, bs = lines["booking_alone"], lines["booking_with_search"]
    lag = ba["lag"] + bs["lag"]
    follow = {k: ba["routing"].get(k, 0) + bs["routing"].get(k, 0) for k in set(ba["routing"]) | set(bs["routing"])}
    reads = sum(follow.values())
    ryw = follow.get("primary_read_your_writes", 0)
    caught_up = follow.get("replica_caught_up", 0)
    rows = [
        ("search, primary (8 clients): searches/s, p50 / p99", f"{sp['rate']:.0f}, {ms(sp['p50'])} / {ms(sp['p99'])}"),
        ("search, replica (8 clients): searches/s, p50 / p99", f"{sr['rate']:.0f}, {ms(sr['p50'])} / {ms(sr['p99'])}"),
        ("search on the replica: requests routed there", f"{sr['routing'].get('replica', 0)} of {sr['n']}"),
        ("booking alone (16 clients): bookings/s, p50 / p99", f"{ba['rate']:.0f}, {ms(ba['p50'])} / {ms(ba['p99'])}"),
        (
            "booking + search on the replica: bookings/s, p50 / p99",
            f"{bs['rate']:.0f}, {ms(bs['p50'])} / {ms(bs['p99'])}",
        ),
        (
            "  the search beside it: searches/s, p99",
            f"{bs['search'].get('rate', 0):.0f}, {ms(bs['search'].get('p99', 0))}",
        ),
        (
            "replica replay lag under booking load: p50 / p99 / max",
            f"{ms(percentile(lag, 50) * 1000)} / {ms(percentile(lag, 99) * 1000)} / {ms(max(lag) * 1000)}"
            f" ({len(lag)} probes)",
        ),
        (
            "guests' searches right after their booking: sent to the primary by read-your-writes",
            f"{ryw} of {reads} ({100 * ryw / max(reads, 1):.1f}%); {caught_up} more waited for one fresh look at"
            f" the replica's replay position and read there; all decisions: {dict(sorted(follow.items()))}",
        ),
        (
            "PgBouncer, most client / server connections: search primary, search replica, booking, booking+search",
            ", ".join(f"{lines[k]['pool'][0]} / {lines[k]['pool'][1]}" for k in lines),
        ),
        ("non-201/409 answers while booking", f"{ba['failed'] + bs['failed']}"),
    ]
    table = "| measure | result |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    section = (
        f"{table}\n\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"primary, replica 1, PgBouncer, gunicorn ({args.workers} sync workers) and the clients on the same cores; "
        f"{published} published listings; {args.queries} searches of bench/search's mix (seed {args.seed}); "
        f"booking phases {args.seconds:.0f} s each; load average (1 min) before / after: "
        f"{load_before[0]:.2f} / {load_after[0]:.2f}; `bench/topology` on {time.strftime('%Y-%m-%d %H:%M')}."
    )
    print(section)
    if not args.no_write:
        write_report(section)


if __name__ == "__main__":
    main()
