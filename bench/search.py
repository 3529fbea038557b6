"""Search benchmark: a fixed mix of 500 searches through the real HTTP API (gunicorn).

Run with ``bench/search`` (which bootstraps like ``./dev``). Needs the 1M-listing
world with realistic calendars::

    .venv/bin/python manage.py seed_demo --listings 1000000 --seed 1 --reset
    .venv/bin/python manage.py seed_calendars --seed 1
    .venv/bin/python manage.py search_maintain --fit --cluster   # or: bench/search --prepare

The mix (fixed by ``--seed``): the 40 cities with the most listings; 85% with
dates (2-7 nights in the next four months; 8% of those flexible by +-2 days),
guests 1-4, two to four filters (type of place, property type, price range,
amenities, bedrooms, Instant Book, Superhost, cancellation policy), 15% with
free text, 20% a map box instead of the city, sorts mostly "recommended";
every response carries results, count and facets (20 results a page).

Phases: a warm-up of 100 other searches; the 500 searches one after another
(one client: p50/p95/p99); the same 500 split over 8 concurrent clients
(throughput). Then the EXPLAIN ANALYZE of the main statement of a typical
search. Results are printed and written to docs/benchmarks.md between the
``bench:search`` markers, with the machine's load average before and after
(the machine may be shared).
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
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airbnb.settings.dev")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from search.models import CalendarSeedRun  # noqa: E402

AMENITY_CHOICES = ["wifi", "kitchen", "washer", "air-conditioning", "heating", "workspace", "tv", "free-parking",
                   "balcony", "pool", "self-check-in", "elevator"]  # fmt: skip
TEXTS = ["hot tub", "jacuzzi", "balcony view", "quiet garden", "river", "loft", "family", "fireplace", "beach"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def big_cities(count: int) -> list[tuple[str, float, float]]:
    """The cities with the most listings, with a point near their centre."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT city, country_code, count(*) AS n, avg(ST_Y(location)), avg(ST_X(location))
              FROM listings_listing WHERE status = 'published'
             GROUP BY city, country_code ORDER BY n DESC LIMIT %s
            """,
            [count],
        )
        return [(f"{city}, {country}", lat, lng) for city, country, _, lat, lng in cursor.fetchall()]


def query_mix(count: int, seed: int, cities) -> list[str]:
    rng = random.Random(seed)
    today = dt.date.today()
    queries = []
    for _ in range(count):
        name, lat, lng = rng.choice(cities)
        params: dict[str, str] = {}
        if rng.random() < 0.2:
            half = rng.uniform(0.03, 0.12)
            params["bbox"] = f"{lng - half * 1.5:.4f},{lat - half:.4f},{lng + half * 1.5:.4f},{lat + half:.4f}"
        else:
            params["q"] = name
        if rng.random() < 0.85:
            check_in = today + dt.timedelta(days=rng.randint(3, 120))
            params["checkin"] = check_in.isoformat()
            params["checkout"] = (check_in + dt.timedelta(days=rng.randint(2, 7))).isoformat()
            if rng.random() < 0.08:
                params["flex_days"] = "2"
        params["guests"] = str(rng.choice([1, 2, 2, 2, 3, 4]))
        filters = rng.sample(
            ["room_type", "property_type", "price", "amenities", "bedrooms", "instant_book", "superhost", "cancel"],
            rng.randint(2, 4),
        )
        for name_ in filters:
            if name_ == "room_type":
                params["room_type"] = rng.choice(["entire", "entire", "private", "entire,private"])
            elif name_ == "property_type":
                params["property_type"] = rng.choice(["apartment", "house", "apartment,loft", "house,townhouse,villa"])
            elif name_ == "price":
                low = rng.choice([0, 50, 80])
                params["price_min"], params["price_max"] = str(low), str(low + rng.choice([100, 200, 400]))
                if "checkin" in params and rng.random() < 0.3:
                    params["price_type"] = "total"
                    params["price_max"] = str(int(params["price_max"]) * 5)
            elif name_ == "amenities":
                params["amenities"] = ",".join(rng.sample(AMENITY_CHOICES, rng.randint(1, 2)))
            elif name_ == "bedrooms":
                params["bedrooms"] = str(rng.randint(1, 2))
            elif name_ == "instant_book":
                params["instant_book"] = "1"
            elif name_ == "superhost":
                params["superhost"] = "1"
            elif name_ == "cancel":
                params["cancellation"] = rng.choice(["flexible", "flexible,moderate"])
        if rng.random() < 0.15:
            params["text"] = rng.choice(TEXTS)
        params["sort"] = rng.choice(["recommended"] * 6 + ["price_asc", "rating", "newest"])
        queries.append(urllib.parse.urlencode(params))
    return queries


LARGE_AREAS = ["q=France", "q=Spain", "q=Italy", "q=Germany", "q=Texas", "q=California", "q=Australia",
               "q=United+States", "bbox=-10,35,30,60", "bbox=-125,25,-66,49"]  # fmt: skip


def large_area_mix(count: int, seed: int) -> list[str]:
    """Countries, states and continent-sized boxes: more candidates than the cap (the tiered path)."""
    rng = random.Random(seed)
    today = dt.date.today()
    queries = []
    for _ in range(count):
        query = rng.choice(LARGE_AREAS) + f"&guests={rng.choice([1, 2, 4])}"
        if rng.random() < 0.6:
            check_in = today + dt.timedelta(days=rng.randint(3, 120))
            query += f"&checkin={check_in}&checkout={check_in + dt.timedelta(days=rng.randint(2, 7))}"
        if rng.random() < 0.5:
            query += "&room_type=entire&amenities=" + rng.choice(AMENITY_CHOICES)
        queries.append(query)
    return queries


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev", "DEBUG": "false",
           "LOG_LEVEL": "WARNING", "API_THROTTLE_ANON": "1000000/min", "API_THROTTLE_USER": "1000000/min",
           "API_THROTTLE_SEARCH": "1000000/min"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "airbnb.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
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


def run(port: int, queries: list[str]) -> list[tuple[int, float, int]]:
    """(status, seconds, result count) per query, on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for query in queries:
        started = time.perf_counter()
        conn.request("GET", "/api/v1/search/?" + query, headers={"Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        results = len(json.loads(body).get("results", [])) if response.status == 200 else -1
        out.append((response.status, elapsed, results))
    conn.close()
    return out


def concurrent(port: int, queries: list[str], clients: int) -> tuple[list[tuple[int, float, int]], float]:
    shares = [queries[i::clients] for i in range(clients)]
    outputs: list[list] = [[] for _ in range(clients)]

    def worker(index: int) -> None:
        outputs[index] = run(port, shares[index])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [row for output in outputs for row in output], time.perf_counter() - started


def explain_main_query() -> str:
    from search.params import SearchForm
    from search.query import build_sql

    check_in = dt.date.today() + dt.timedelta(days=45)
    query = QueryDict(
        f"q=London&checkin={check_in}&checkout={check_in + dt.timedelta(days=4)}&guests=2"
        "&room_type=entire&amenities=wifi&price_max=300"
    )
    form = SearchForm(query)
    assert form.is_valid(), form.errors
    sql, params = build_sql(form.params(), tier=None)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"`GET /api/v1/search/?{query.urlencode()}`\n\n```\n{plan}\n```"


def write_report(section: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = "<!-- bench:search:start -->", "<!-- bench:search:end -->"
    block = f"{start}\n{section}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        heading = "" if "\n## Search\n" in text else "\n## Search\n\n"
        text = text.rstrip() + "\n" + heading + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prepare", action="store_true", help="refit, refresh features and CLUSTER first")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.md")
    args = parser.parse_args()

    if args.prepare:
        subprocess.run([sys.executable, "manage.py", "search_maintain", "--fit", "--cluster"], cwd=ROOT, check=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_listing")
        searchable = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM availability_calendarnight WHERE date >= CURRENT_DATE")
        future_nights = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM search_listing WHERE has_pricing_settings")
        with_settings = cursor.fetchone()[0]
    seeded = CalendarSeedRun.objects.first()
    cities = big_cities(40)
    mix = query_mix(args.queries, args.seed, cities)
    warmup = query_mix(100, args.seed + 1000, cities)
    load_before = os.getloadavg()
    server = start_server(args.port, args.workers)
    try:
        run(args.port, warmup)
        single = run(args.port, mix)
        many, wall = concurrent(args.port, mix, args.clients)
        large = run(args.port, large_area_mix(50, args.seed))
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()
    explain = explain_main_query()

    latencies = [seconds for _, seconds, _ in single]
    statuses: dict[int, int] = {}
    for status, _, _ in single + many + large:
        statuses[status] = statuses.get(status, 0) + 1
    with_results = sum(1 for _, _, n in single if n > 0)
    throughput = len(many) / wall
    many_latencies = [seconds for _, seconds, _ in many]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = [
        "| measure | value | target |",
        "|---|---|---|",
        f"| searchable (published) listings | {searchable:,} | 1,000,000 |",
        f"| future taken or overridden calendar nights | {future_nights:,} | realistic |",
        f"| listings with the host's own pricing settings | {with_settings:,} | realistic |",
        f"| one client: p50 / p95 / p99 | {statistics.median(latencies) * 1000:.1f} ms / "
        f"{percentile(latencies, 95) * 1000:.1f} ms / {percentile(latencies, 99) * 1000:.1f} ms | "
        "p50 < 20 ms, p99 < 60 ms |",
        f"| one client: mean / max | {statistics.mean(latencies) * 1000:.1f} ms / {max(latencies) * 1000:.1f} ms | |",
        f"| {args.clients} clients: searches/s | {throughput:.0f} | >= 100 |",
        f"| {args.clients} clients: p50 / p99 | {statistics.median(many_latencies) * 1000:.1f} ms / "
        f"{percentile(many_latencies, 99) * 1000:.1f} ms | |",
        f"| large areas (countries, continents; 50 more searches, estimated counts): p50 / p99 | "
        f"{statistics.median([e for _, e, _ in large]) * 1000:.1f} ms / "
        f"{percentile([e for _, e, _ in large], 99) * 1000:.1f} ms | |",
        f"| responses | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} | all 200 |",
        f"| searches with at least one result | {with_results} of {len(single)} | |",
    ]
    seed_note = (
        f"calendars from `seed_calendars --seed {seeded.seed}` of {seeded.start_date}"
        if seeded
        else ("no seeded calendars")
    )
    section = (
        "\n".join(rows)
        + f"\n\nMachine: {machine}; gunicorn {args.workers} sync workers; PostgreSQL on the same machine; "
        f"{seed_note}; {len(mix)} searches (mix fixed by `--seed {args.seed}`, see bench/search.py) after "
        f"{len(warmup)} warm-up searches; `bench/search` on {time.strftime('%Y-%m-%d %H:%M')}. "
        f"Load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}: the machine is shared "
        "with other sessions' work, so numbers move by a few ms between runs."
        f"\n\nEXPLAIN ANALYZE of the main statement of a typical search:\n\n{explain}"
    )
    print(section)
    if not args.no_write:
        write_report(section)
    if set(statuses) != {200}:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
