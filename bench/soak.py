"""Fault-injection soak: the whole stack under a mixed load while things break.

Run with ``bench/soak`` (``--duration 180`` by default). Everything runs on loopback
against a world of the soak's own, so the shared services are never touched:

* **Its own database** ``airbnb_soak`` on the local cluster (dropped, created,
  migrated and seeded with ``seed_demo --listings 2000 --seed 7`` on every run) and
  **its own Redis** on port 63899 (data, logs, static files, mail and the beat
  schedule under ``var/soak/``).
* **The real server**: gunicorn (``airbnb.wsgi``, dev settings with ``DEBUG=false``,
  4 sync workers), a Celery worker and Celery beat, as in the Procfile, all pointed
  at the soak database and Redis through ``DATABASE_URL`` / ``REDIS_URL``. The hold
  timeout is shortened to ``--hold-minutes`` (1) so the sweeper acts within the run.
* **A bounded load**: ``--clients`` threads (closed loop, ``requests``) mixing API and
  web searches, listing pages, quotes, bookings with overlapping dates on a few
  listings (``Idempotency-Key``; some requests repeated with the same key), guest
  cancellations, host accepts/declines, and messages.
* **Faults on a schedule** (fractions of the duration): a gunicorn worker SIGKILLed
  (the master respawns it), Redis killed and restarted empty (cache, throttles and
  the Celery queue lost), the Celery worker's process group SIGKILLed and restarted,
  the payment gateway answering errors then timing out (the local gateway's
  ``payments:local:fault`` cache key), then a second gunicorn worker SIGKILLed.

After the load stops the soak waits ``hold timeout + 70 s`` so beat's sweeper (every
60 s) must have expired any hold the faults left behind, checks that, then invokes
``payments_reconcile`` once itself (beat's runs every 120 s and skips payments
touched in the last minute) and checks the invariants straight from the database.
The table is printed and written to docs/benchmarks.md between the soak markers;
the exit status is 1 if any invariant is violated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOAK_DIR = ROOT / "var" / "soak"
PG = {"host": "127.0.0.1", "port": "54329", "user": "airbnb", "password": "airbnb"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (default 180)")
    parser.add_argument("--clients", type=int, default=8, help="load generator threads")
    parser.add_argument("--think", type=float, default=0.02, help="pause between a client's requests (s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--redis-port", type=int, default=63899)
    parser.add_argument("--database", default="airbnb_soak")
    parser.add_argument("--listings", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hold-minutes", type=int, default=1)
    parser.add_argument("--hot-listings", type=int, default=8, help="listings the bookings compete for")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.md")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None

# The soak's processes and this one share one environment: set it before Django loads.
SOAK_ENV = {
    "DJANGO_SETTINGS_MODULE": "airbnb.settings.dev",
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    "VAR_DIR": str(SOAK_DIR),
    "PAYMENT_GATEWAY": "local",
    "PAYMENTS_LOCAL_FAULT": "",
    # The load must meet the faults, not the API throttles (messages keep their own limit).
    "API_THROTTLE_USER": "1000000/min",
    "API_THROTTLE_ANON": "1000000/min",
    "API_THROTTLE_SEARCH": "1000000/min",
}
if ARGS is not None:
    SOAK_ENV.update(
        {
            "DATABASE_URL": f"postgis://{PG['user']}:{PG['password']}@{PG['host']}:{PG['port']}/{ARGS.database}",
            "REDIS_URL": f"redis://127.0.0.1:{ARGS.redis_port}/0",
            "BOOKING_HOLD_MINUTES": str(ARGS.hold_minutes),
        }
    )
    os.environ.update(SOAK_ENV)
    for name in ("CELERY_BROKER_URL", "TEST_REDIS_URL"):
        os.environ.pop(name, None)

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from booking import percentile  # noqa: E402  (bench/booking.py; sets up Django with the env above)
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from accounts.models import User  # noqa: E402
from bookings.state import TRANSITIONS  # noqa: E402
from payments.gateways.local import FAULT_CACHE_KEY  # noqa: E402

VISA, DECLINED, NO_FUNDS = "pm_card_visa", "pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds"
# Statuses a client is told to expect for each kind of request (anything else 4xx is
# reported as unexpected; every 5xx but a booking's 503 is unexpected).
EXPECTED = {
    "book": {201, 402, 409, 503},
    "book (same key)": {201, 402, 409, 503},
    "cancel": {200, 409},
    "host accept/decline": {200, 409},
    "message": {201, 429},
    "search API": {200},
    "search page": {200},
    "listing page": {200},
    "quote": {200},
    "my trips": {200},
}


# --- processes -------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Service:
    """One child process in a session of its own, so it and its children stop together."""

    def __init__(self, name: str, argv: list[str]):
        self.name, self.argv = name, argv
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        logfile = open(SOAK_DIR / "logs" / f"{self.name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            self.argv, cwd=ROOT, env=os.environ.copy(), stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
        )
        logfile.close()
        self.starts += 1
        (SOAK_DIR / "pids" / self.name).write_text(f"{self.proc.pid} {process_start_time(self.proc.pid)}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)
        elif self.proc is not None:
            self.kill(signal.SIGKILL)  # leftovers of a killed group (e.g. orphaned pool children)
        (SOAK_DIR / "pids" / self.name).unlink(missing_ok=True)


def process_start_time(pid: int) -> str:
    """The kernel's start time of a process (field 22 of /proc/PID/stat): tells a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def stop_leftovers() -> None:
    """Stop the process groups a previous soak left behind if it was itself killed.

    Only a group whose leader is still the very process the soak started (same pid
    and start time) is stopped.
    """
    for pidfile in (SOAK_DIR / "pids").glob("*"):
        try:
            pid_text, started = pidfile.read_text().split()
            pid = int(pid_text)
        except ValueError:
            pidfile.unlink(missing_ok=True)
            continue
        if started and process_start_time(pid) == started and os.getpgid(pid) == pid:
            log(f"stopping leftover {pidfile.name} (pid {pid}) of an earlier soak")
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pidfile.unlink(missing_ok=True)


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def wait_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def prepare_database(args) -> None:
    env = {**os.environ, "PGPASSWORD": PG["password"]}
    base = ["-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]
    for argv in (["dropdb", "--if-exists", "--force", *base, args.database], ["createdb", *base, args.database]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:1])} {args.database} failed: {done.stderr.strip()}")
    python = sys.executable
    started = time.monotonic()
    run([python, "manage.py", "migrate", "--noinput", "-v", "0"], "migrate")
    run([python, "manage.py", "seed_demo", "--listings", str(args.listings), "--seed", str(args.seed)], "seed_demo")
    # DEBUG is off, so pages need the hashed static files' manifest (under var/soak/).
    run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], "collectstatic")
    log(
        f"database {args.database} migrated and seeded ({args.listings} listings) in {time.monotonic() - started:.0f} s"
    )


# --- the world the load uses ------------------------------------------------------------


@dataclass
class World:
    guest_tokens: list[str]
    hot: list[dict]  # listings the bookings compete for: id, instant_book, min_nights, host token
    pages: list[tuple[int, str]]  # (id, slug) of published listings
    cities: list[str]
    today: dt.date
    first_booking_id: int  # the seed's last booking id


def build_world(args) -> World:
    password = User.objects.filter(email="guest@demo.test").values_list("password", flat=True).first()
    guests = User.objects.bulk_create(
        [User(email=f"soak-guest-{i}@soak.test", password=password, first_name=f"Soak{i}") for i in range(48)]
    )
    guest_tokens = [AuthToken.objects.create(user)[1] for user in guests]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (host_id) id, instant_book, min_nights, host_id FROM listings_listing
             WHERE status = 'published' AND max_guests >= 2 AND min_nights <= 2 AND max_nights >= 4
             ORDER BY host_id, id
            """
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT id, slug FROM listings_listing WHERE status = 'published' ORDER BY id")
        pages = cursor.fetchall()
        cursor.execute(
            "SELECT city FROM listings_listing WHERE status = 'published' AND city <> '' "
            "GROUP BY city ORDER BY count(*) DESC, city LIMIT 15"
        )
        cities = [row[0] for row in cursor.fetchall()]
    rng = random.Random(args.seed)
    instant = [r for r in rows if r[1]]
    requests_ = [r for r in rows if not r[1]]
    rng.shuffle(instant)
    rng.shuffle(requests_)
    n_request = max(1, args.hot_listings // 4)
    chosen = instant[: args.hot_listings - n_request] + requests_[:n_request]
    hosts = {u.pk: u for u in User.objects.filter(pk__in=[r[3] for r in chosen])}
    hot = [
        {"id": r[0], "instant_book": r[1], "min_nights": r[2], "host_token": AuthToken.objects.create(hosts[r[3]])[1]}
        for r in chosen
    ]
    first_booking_id = scalar("SELECT COALESCE(max(id), 0) FROM bookings_booking")
    return World(guest_tokens, hot, pages, cities, dt.date.today(), first_booking_id)


# --- load ----------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    status: int  # 0: no HTTP answer (connection reset, timeout)
    seconds: float
    at: float  # seconds since the soak started
    code: str = ""


@dataclass
class Ledger:
    """What clients were told, to compare with the database afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: list[Outcome] = field(default_factory=list)
    key_bookings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    bookings: list[tuple[int, int]] = field(default_factory=list)  # (booking id, guest index) told 201
    messages_acknowledged: list[str] = field(default_factory=list)
    threads: dict[int, int] = field(default_factory=dict)  # guest index -> a thread id
    last_booking_at: float = 0.0


class LoadClient(threading.Thread):
    def __init__(self, index: int, base: str, world: World, ledger: Ledger, t0: float, stop_at: float, args):
        super().__init__(name=f"client-{index}", daemon=True)
        import requests

        self.rng = random.Random(args.seed * 7919 + index)
        self.http = requests.Session()
        self.requests = requests
        self.base, self.world, self.ledger, self.t0, self.stop_at, self.think = (
            base,
            world,
            ledger,
            t0,
            stop_at,
            args.think,
        )

    # One HTTP call, timed and recorded.
    def call(self, kind: str, method: str, path: str, *, token: str | None = None, body=None, headers=None):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, json=body, headers=headers, timeout=30, allow_redirects=False
            )
            status, text = response.status_code, response.text
        except self.requests.RequestException:
            status, text = 0, ""
        elapsed = time.perf_counter() - started
        data = {}
        if text and text[:1] == "{":
            try:
                data = json.loads(text)
            except ValueError:
                data = {}
        code = (data.get("error") or {}).get("code", "") if status >= 400 else ""
        with self.ledger.lock:
            self.ledger.outcomes.append(Outcome(kind, status, elapsed, time.perf_counter() - self.t0, code))
        return status, data

    def dates(self, start_min: int, start_max: int, nights_min: int = 1, nights_max: int = 3):
        start = self.world.today + dt.timedelta(days=self.rng.randint(start_min, start_max))
        return start, start + dt.timedelta(days=self.rng.randint(nights_min, nights_max))

    def run(self) -> None:
        ops = [
            (self.search_api, 18),
            (self.search_page, 8),
            (self.listing_page, 14),
            (self.quote, 8),
            (self.book, 26),
            (self.cancel, 4),
            (self.host_decides, 5),
            (self.message, 10),
            (self.my_trips, 4),
        ]
        functions, weights = zip(*ops, strict=True)
        while time.perf_counter() < self.stop_at:
            self.rng.choices(functions, weights)[0]()
            if self.think:
                time.sleep(self.think)

    def search_query(self) -> str:
        query = f"q={self.requests.utils.quote(self.rng.choice(self.world.cities))}&guests={self.rng.randint(1, 4)}"
        if self.rng.random() < 0.6:
            check_in, check_out = self.dates(5, 120, 2, 6)
            query += f"&checkin={check_in}&checkout={check_out}"
        return query

    def search_api(self) -> None:
        self.call("search API", "GET", f"/api/v1/search/?{self.search_query()}")

    def search_page(self) -> None:
        self.call("search page", "GET", f"/search/?{self.search_query()}")

    def listing_page(self) -> None:
        pk, slug = self.rng.choice(self.world.pages)
        self.call("listing page", "GET", f"/rooms/{pk}/{slug}/")

    def quote(self) -> None:
        listing = self.rng.choice(self.world.hot)
        check_in, check_out = self.dates(30, 60, 2, 3)
        self.call("quote", "GET", f"/api/v1/listings/{listing['id']}/quote/?check_in={check_in}&check_out={check_out}")

    def book(self) -> None:
        listing = self.rng.choice(self.world.hot)
        guest = self.rng.randrange(len(self.world.guest_tokens))
        check_in, check_out = self.dates(30, 60, max(1, listing["min_nights"]), 3)
        roll = self.rng.random()
        card = DECLINED if roll < 0.04 else NO_FUNDS if roll < 0.06 else VISA
        body = {
            "listing": listing["id"],
            "check_in": check_in.isoformat(),
            "check_out": check_out.isoformat(),
            "guests": 2,
            "payment_method": card,
        }
        key = uuid.uuid4().hex
        kind = "book"
        for _attempt in range(3):
            status, data = self.call(
                kind, "POST", "/api/v1/bookings/", token=self.world.guest_tokens[guest], body=body,
                headers={"Idempotency-Key": key},
            )  # fmt: skip
            with self.ledger.lock:
                self.ledger.last_booking_at = time.perf_counter()
                if status == 201:
                    self.ledger.key_bookings[key].add(data["id"])
                    if kind == "book":
                        self.ledger.bookings.append((data["id"], guest))
            # Clients retry what they did not hear and what said "try again"; some just
            # double-submit (a flaky network, a double tap) after any answer.
            if status in (0, 503) or self.rng.random() < 0.2:
                kind = "book (same key)"
                time.sleep(0.3)
                continue
            break

    def cancel(self) -> None:
        with self.ledger.lock:
            if not self.ledger.bookings:
                return
            booking_id, guest = self.ledger.bookings.pop(self.rng.randrange(len(self.ledger.bookings)))
        self.call(
            "cancel", "POST", f"/api/v1/bookings/{booking_id}/cancel/",
            token=self.world.guest_tokens[guest], body={"reason": "soak: plans changed"},
        )  # fmt: skip

    def host_decides(self) -> None:
        hosts = [h for h in self.world.hot if not h["instant_book"]]
        host = self.rng.choice(hosts)
        status, data = self.call(
            "my trips", "GET", "/api/v1/bookings/?role=host&status=awaiting_host", token=host["host_token"]
        )
        waiting = [b["id"] for b in data.get("results", [])] if status == 200 else []
        if waiting:
            action = "accept" if self.rng.random() < 0.7 else "decline"
            self.call(
                "host accept/decline", "POST", f"/api/v1/bookings/{self.rng.choice(waiting)}/{action}/",
                token=host["host_token"], body={"reason": "soak"},
            )  # fmt: skip

    def message(self) -> None:
        guest = self.rng.randrange(len(self.world.guest_tokens))
        text = f"soak {uuid.uuid4().hex}: is the place quiet at night?"
        with self.ledger.lock:
            thread_id = self.ledger.threads.get(guest)
        token = self.world.guest_tokens[guest]
        if thread_id is None or self.rng.random() < 0.3:
            listing = self.rng.choice(self.world.pages)[0]
            status, data = self.call(
                "message", "POST", "/api/v1/threads/", token=token, body={"listing": listing, "body": text}
            )
            if status == 201:
                with self.ledger.lock:
                    self.ledger.threads[guest] = data["id"]
        else:
            status, _ = self.call(
                "message", "POST", f"/api/v1/threads/{thread_id}/messages/", token=token, body={"body": text}
            )
        if status == 201:
            with self.ledger.lock:
                self.ledger.messages_acknowledged.append(text)

    def my_trips(self) -> None:
        self.call("my trips", "GET", "/api/v1/bookings/", token=self.rng.choice(self.world.guest_tokens))


# --- faults ---------------------------------------------------------------------------


# A process that cannot run without another: beat keeps its single-scheduler lock in Redis
# (celery-redbeat, docs/scaling.md), so it exits while Redis is down and is restarted by its
# supervisor (bin/respawn in production). Such an exit is the fault's consequence, not a surprise.
DEPENDS_ON = {"beat": ("redis",)}
DEPENDENCY_GRACE_S = 5.0


class Faults(threading.Thread):
    """Injects the faults on a schedule (fractions of the duration) and logs when.

    A watchdog beside it plays the process supervisor production has: a process
    that exits when no fault was aimed at it (nor at a process it depends on,
    ``DEPENDS_ON``) is logged as UNPLANNED and restarted.
    """

    def __init__(self, services: dict[str, Service], t0: float, duration: float):
        super().__init__(name="faults", daemon=True)
        self.services, self.t0, self.duration = services, t0, duration
        self.log: list[tuple[float, float, str]] = []  # (start, end, what)
        self.unplanned: list[str] = []
        self.consequences: list[str] = []  # exits while a process it depends on was down (restarted too)
        self.back_at: dict[str, float] = {}  # when a planned-down process came back
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.lock = threading.Lock()
        self.planned_down: set[str] = set()
        self.watchdog = threading.Thread(target=self.watch, name="watchdog", daemon=True)

    def watch(self) -> None:
        while not self.stopping.wait(0.5):
            with self.lock:
                for name, service in self.services.items():
                    if name in self.planned_down or service.alive():
                        continue
                    at, code = self.now(), service.proc.returncode
                    service.stop()  # reap what is left of its process group
                    service.start()
                    depends = [
                        other
                        for other in DEPENDS_ON.get(name, ())
                        if other in self.planned_down or at - self.back_at.get(other, -1e9) < DEPENDENCY_GRACE_S
                    ]
                    if depends:
                        what = f"{name} exited while {', '.join(depends)} was down (exit code {code}); restarted"
                        self.consequences.append(f"{name} at {at:.0f} s")
                    else:
                        what = (
                            f"UNPLANNED: {name} exited by itself (exit code {code}); restarted by the soak's watchdog"
                        )
                        self.unplanned.append(f"{name} at {at:.0f} s (exit code {code})")
                    self.log.append((at, self.now(), what))
                    log(what)

    def wait_until(self, fraction: float) -> bool:
        delay = self.t0 + fraction * self.duration - time.perf_counter()
        return not self.stopping.wait(max(0.0, delay))

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def run(self) -> None:
        self.watchdog.start()
        try:
            self.schedule()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self.error = exc

    def kill_web_worker(self) -> None:
        master = self.services["web"].proc.pid
        workers = children_of(master)
        if not workers:
            self.log.append((self.now(), self.now(), "gunicorn worker SIGKILL: no worker found"))
            return
        victim = random.Random(len(self.log)).choice(workers)
        at = self.now()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(children_of(master)) < len(workers):
            time.sleep(0.1)
        self.log.append((at, self.now(), f"gunicorn worker {victim} SIGKILL (master respawned it)"))

    def redis_outage(self, seconds_fraction: float) -> None:
        redis = self.services["redis"]
        at = self.now()
        with self.lock:
            self.planned_down.add("redis")
            redis.kill(signal.SIGKILL)
        self.wait_until(at / self.duration + seconds_fraction)
        with self.lock:
            redis.start()
            self.planned_down.discard("redis")
            self.back_at["redis"] = self.now()
        wait_port(int(redis.argv[redis.argv.index("--port") + 1]), 10)
        self.log.append((at, self.now(), "Redis SIGKILL, restarted empty (cache, throttles, Celery queue lost)"))

    def celery_worker_crash(self, seconds_fraction: float) -> None:
        worker = self.services["worker"]
        at = self.now()
        with self.lock:
            self.planned_down.add("worker")
            worker.kill(signal.SIGKILL)
        self.wait_until(at / self.duration + seconds_fraction)
        with self.lock:
            worker.start()
            self.planned_down.discard("worker")
        self.log.append((at, self.now(), "Celery worker process group SIGKILL, restarted"))

    def gateway(self, fault: str, until: float) -> None:
        at = self.now()
        cache.set(FAULT_CACHE_KEY, fault, timeout=None)
        self.wait_until(until)
        cache.delete(FAULT_CACHE_KEY)
        what = "errors (503)" if fault == "error" else "timeouts"
        self.log.append((at, self.now(), f"payment gateway {what} on every call"))

    def schedule(self) -> None:
        steps = [
            (0.10, self.kill_web_worker),
            (0.20, lambda: self.redis_outage(0.12)),
            (0.42, lambda: self.celery_worker_crash(0.06)),
            (0.55, lambda: self.gateway("error", 0.65)),
            (0.65, lambda: self.gateway("timeout", 0.75)),
            (0.85, self.kill_web_worker),
        ]
        for fraction, step in steps:
            if not self.wait_until(fraction):
                return
            step()

    def heal(self) -> None:
        """Whatever happens, leave the world working: Redis up, worker up, gateway clear."""
        self.stopping.set()
        self.join(timeout=60)
        if self.watchdog.is_alive():
            self.watchdog.join(timeout=30)
        for name in ("redis", "worker"):
            if not self.services[name].alive():
                self.services[name].start()
        wait_port(int(self.services["redis"].argv[2]), 10)
        cache.delete(FAULT_CACHE_KEY)


# --- checks ---------------------------------------------------------------------------


def scalar(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return int(cursor.fetchone()[0])


ACTIVE = "('pending_payment', 'awaiting_host', 'confirmed', 'completed')"


def check_stale_holds(hold_minutes: int) -> dict[str, int]:
    """Liveness of beat's sweeper: run before the soak invokes anything itself."""
    return {
        f"pending_payment older than the hold timeout ({hold_minutes} min) + one sweeper period": scalar(
            "SELECT count(*) FROM bookings_booking WHERE status = 'pending_payment' "
            "AND created_at < now() - make_interval(mins => %s) - interval '70 seconds'",
            [hold_minutes],
        ),
        "awaiting_host past its expiry + one sweeper period": scalar(
            "SELECT count(*) FROM bookings_booking WHERE status = 'awaiting_host' "
            "AND expires_at < now() - interval '70 seconds'"
        ),
    }


def check_database(ledger: Ledger, hot_ids: list[int], first_booking_id: int) -> dict[str, int]:
    first = int(first_booking_id)  # bookings above it were made by the soak (the seed's are older)
    allowed = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
    checks = {
        "a night taken twice (calendar rows per listing and date)": scalar(
            "SELECT count(*) FROM (SELECT listing_id, date FROM availability_calendarnight "
            "GROUP BY 1, 2 HAVING count(*) > 1) d"
        ),
        "overlapping active bookings on one listing": scalar(
            f"""SELECT count(*) FROM bookings_booking b JOIN bookings_booking c
                  ON b.listing_id = c.listing_id AND b.id < c.id
                 AND daterange(b.check_in, b.check_out) && daterange(c.check_in, c.check_out)
               WHERE b.status IN {ACTIVE} AND c.status IN {ACTIVE}"""
        ),
        "active booking whose nights are not all its own (held / booked)": scalar(
            """SELECT count(*) FROM bookings_booking b
                WHERE b.status IN ('pending_payment', 'awaiting_host', 'confirmed')
                  AND (SELECT count(*) FROM availability_calendarnight n WHERE n.booking_id = b.id
                          AND n.date >= b.check_in AND n.date < b.check_out
                          AND n.status = CASE WHEN b.status = 'confirmed' THEN 'booked' ELSE 'held' END)
                      <> b.check_out - b.check_in"""
        ),
        "calendar night held/booked for a booking that is not active or not that night": scalar(
            """SELECT count(*) FROM availability_calendarnight n JOIN bookings_booking b ON b.id = n.booking_id
                WHERE b.status NOT IN ('pending_payment', 'awaiting_host', 'confirmed', 'completed')
                   OR n.date < b.check_in OR n.date >= b.check_out"""
        ),
        "failed / expired / declined / cancelled booking still holding nights": scalar(
            """SELECT count(*) FROM bookings_booking b WHERE b.status IN ('payment_failed', 'expired', 'declined',
                      'cancelled_by_guest', 'cancelled_by_host')
                  AND EXISTS (SELECT 1 FROM availability_calendarnight n WHERE n.booking_id = b.id)"""
        ),
        "confirmed booking without an authorised or captured payment of its total": scalar(
            """SELECT count(*) FROM bookings_booking b LEFT JOIN payments_payment p ON p.booking_id = b.id
                WHERE b.status = 'confirmed'
                  AND (p.id IS NULL OR p.status NOT IN ('authorized', 'captured') OR p.amount <> b.total)"""
        ),
        "booking of the soak without exactly one payment row": scalar(
            f"""SELECT count(*) FROM bookings_booking b WHERE b.id > {first}
                  AND NOT EXISTS (SELECT 1 FROM payments_payment p WHERE p.booking_id = b.id)"""
        ),
        "confirmed booking without a scheduled payout of its host share": scalar(
            f"""SELECT count(*) FROM bookings_booking b LEFT JOIN payments_payoutentry o ON o.booking_id = b.id
                WHERE b.status = 'confirmed' AND b.id > {first}
                  AND (o.id IS NULL OR o.status <> 'scheduled'
                       OR o.amount <> (b.price_breakdown ->> 'host_payout')::numeric)"""
        ),
        "booking whose last event is not its status": scalar(
            f"""SELECT count(*) FROM bookings_booking b
                WHERE b.id > {first}
                  AND b.status IS DISTINCT FROM (SELECT e.to_status FROM bookings_bookingevent e
                                                  WHERE e.booking_id = b.id ORDER BY e.id DESC LIMIT 1)"""
        ),
        "event with a transition the state machine forbids": scalar(
            """SELECT count(*) FROM bookings_bookingevent e
                WHERE e.from_status <> '' AND (e.from_status, e.to_status) NOT IN
                      (SELECT * FROM unnest(%s::text[], %s::text[]))""",
            [[a for a, _ in allowed], [b for _, b in allowed]],
        ),
        "hot listing whose search multirange differs from its calendar": scalar(
            """SELECT count(*) FROM listings_listing l
                WHERE l.id = ANY(%s::bigint[]) AND l.unavailable <> COALESCE(
                      (SELECT range_agg(daterange(date, date + 1)) FROM availability_calendarnight n
                        WHERE n.listing_id = l.id AND n.status IN ('held', 'booked', 'blocked')
                          AND n.date >= CURRENT_DATE - 1), '{}'::datemultirange)""",
            [hot_ids],
        ),
        "hot listing whose search copy (search_listing) is stale": scalar(
            """SELECT count(*) FROM listings_listing l JOIN search_listing s ON s.listing_id = l.id
                WHERE l.id = ANY(%s::bigint[]) AND s.unavailable <> l.unavailable""",
            [hot_ids],
        ),
        "idempotency record whose booking belongs to another user": scalar(
            """SELECT count(*) FROM bookings_idempotencyrecord r JOIN bookings_booking b ON b.id = r.booking_id
                WHERE b.guest_id <> r.user_id"""
        ),
        "booking referenced by two idempotency records": scalar(
            """SELECT count(*) FROM (SELECT booking_id FROM bookings_idempotencyrecord
                WHERE booking_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d"""
        ),
        "idempotency key answered 201 with two different bookings": sum(
            1 for ids in ledger.key_bookings.values() if len(ids) > 1
        ),
        "booking told 201 but missing from the database": len(
            {b for ids in ledger.key_bookings.values() for b in ids}
            - set(
                _column(
                    "SELECT id FROM bookings_booking WHERE id = ANY(%s::bigint[])",
                    [[b for ids in ledger.key_bookings.values() for b in ids]],
                )
            )
        ),
        "message acknowledged (201) but not in the database": len(ledger.messages_acknowledged)
        - scalar(
            "SELECT count(DISTINCT body) FROM messaging_message WHERE body = ANY(%s::text[])",
            [ledger.messages_acknowledged],
        ),
        "thread whose last-message pointer is not its newest message": scalar(
            """SELECT count(*) FROM messaging_thread t
                WHERE t.last_message_id IS DISTINCT FROM (SELECT max(m.id) FROM messaging_message m
                                                          WHERE m.thread_id = t.id)"""
        ),
    }
    return checks


def _column(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def lagging_payments() -> int:
    from payments.services.payments import payments_needing_action

    return sum(len(ids) for ids in payments_needing_action(older_than=dt.timedelta(0)).values())


def observations(hold_minutes: int, first_booking_id: int) -> dict[str, str]:
    """Facts worth reading next to the invariants (not pass/fail)."""
    first = int(first_booking_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, count(*) FROM bookings_booking WHERE id > {first} GROUP BY 1 ORDER BY 2 DESC")
        bookings = ", ".join(f"{s}: {n}" for s, n in cursor.fetchall())
        cursor.execute(
            "SELECT p.status, count(*) FROM payments_payment p JOIN bookings_booking b ON b.id = p.booking_id "
            f"WHERE b.id > {first} GROUP BY 1 ORDER BY 2 DESC"
        )
        payments = ", ".join(f"{s}: {n}" for s, n in cursor.fetchall())
    return {
        "bookings created, by final status": bookings or "none",
        "their payments, by status": payments or "none",
        "idempotency keys left 'in progress' (request died mid-booking)": str(
            scalar(
                "SELECT count(*) FROM bookings_idempotencyrecord WHERE completed_at IS NULL "
                "AND created_at < now() - make_interval(mins => %s)",
                [hold_minutes],
            )
        ),
        "outbox events still unprocessed": str(
            scalar("SELECT count(*) FROM bookings_bookingevent WHERE processed_at IS NULL")
        ),
    }


# --- report ---------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def summarise(outcomes: list[Outcome]) -> tuple[list[str], list[Outcome]]:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    rows = [
        "| request | count | expected non-2xx | unexpected 4xx | 5xx (unexpected) | no answer | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    unexpected: list[Outcome] = []
    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):
        items = by_kind[kind]
        ok = EXPECTED.get(kind, {200})
        expected = Counter(
            f"{o.status}{' ' + o.code if o.code else ''}" for o in items if o.status in ok and o.status >= 300
        )
        bad_4xx = [o for o in items if 400 <= o.status < 500 and o.status not in ok]
        bad_5xx = [o for o in items if o.status >= 500 and o.status not in ok]
        no_answer = [o for o in items if o.status == 0]
        unexpected += bad_4xx + bad_5xx + no_answer
        latencies = [o.seconds for o in items if o.status]

        def fmt(counter: Counter) -> str:
            return ", ".join(f"{k}: {v}" for k, v in counter.most_common()) or "0"

        rows.append(
            f"| {kind} | {len(items)} | {fmt(expected)} | "
            f"{fmt(Counter(f'{o.status} {o.code}'.strip() for o in bad_4xx))} | "
            f"{fmt(Counter(str(o.status) for o in bad_5xx))} | {len(no_answer)} | "
            f"{ms(statistics.median(latencies)) if latencies else '-'} | "
            f"{ms(percentile(latencies, 99)) if latencies else '-'} |"
        )
    return rows, unexpected


def overlaps(outcome: Outcome, start: float, end: float) -> bool:
    """Whether a request was in flight during [start, end + 3 s] (a fault's window and its aftermath)."""
    return outcome.at >= start and outcome.at - outcome.seconds <= end + 3


def write_report(table: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    start, end = "<!-- soak:start -->", "<!-- soak:end -->"
    block = f"{start}\n{table}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Fault-injection soak (`bench/soak`)\n\n" + block + "\n"
    path.write_text(text)


# --- main -----------------------------------------------------------------------------


def main(args) -> int:
    for sub in ("logs", "pids", "redis"):
        (SOAK_DIR / sub).mkdir(parents=True, exist_ok=True)
    stop_leftovers()
    for port in (args.port, args.redis_port):
        if wait_port(port, 0.2):
            raise SystemExit(f"port {port} is already in use: pick another with --port / --redis-port")
    for old in (SOAK_DIR / "logs").glob("*.log"):
        old.unlink()

    python = sys.executable
    celery = [python, "-m", "celery", "-A", "airbnb"]
    services = {
        "redis": Service(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(args.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(SOAK_DIR / "redis"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        ),  # fmt: skip
        "web": Service(
            "web",
            [
                python,
                "-m",
                "gunicorn",
                "airbnb.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
        ),  # fmt: skip
        "worker": Service(
            "worker", [*celery, "worker", "--loglevel", "WARNING", "--concurrency", "2", "-n", "soak@%h"]
        ),
        "beat": Service(
            "beat", [*celery, "beat", "--loglevel", "WARNING", "--schedule", str(SOAK_DIR / "celerybeat-schedule")]
        ),
    }
    faults: Faults | None = None

    def on_signal(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    try:
        services["redis"].start()
        if not wait_port(args.redis_port, 10):
            raise SystemExit("the soak's Redis did not start: see var/soak/logs/redis.log")
        prepare_database(args)
        world = build_world(args)
        (SOAK_DIR / "celerybeat-schedule").unlink(missing_ok=True)
        for name in ("web", "worker", "beat"):
            services[name].start()
        if not wait_port(args.port, 30):
            raise SystemExit("gunicorn did not start: see var/soak/logs/web.log")
        log(f"server up on 127.0.0.1:{args.port}; hot listings {[h['id'] for h in world.hot]}")

        import requests

        for _ in range(3 * args.workers):  # warm every worker
            requests.get(f"http://127.0.0.1:{args.port}/api/v1/search/?q={world.cities[0]}", timeout=30)
        load_avg_before = os.getloadavg()[0]

        ledger = Ledger()
        t0 = time.perf_counter()
        stop_at = t0 + args.duration
        faults = Faults(services, t0, args.duration)
        clients = [
            LoadClient(i, f"http://127.0.0.1:{args.port}", world, ledger, t0, stop_at, args)
            for i in range(args.clients)
        ]
        faults.start()
        for client in clients:
            client.start()
        log(f"load: {args.clients} clients for {args.duration:.0f} s, faults on schedule")
        for client in clients:
            client.join()
        wall = time.perf_counter() - t0
        load_avg_after = os.getloadavg()[0]
        faults.heal()
        if faults.error:
            raise faults.error
        log(f"load stopped after {wall:.0f} s: {len(ledger.outcomes)} requests")

        # Beat's sweeper (every 60 s) must have expired anything stale by then.
        settle_until = ledger.last_booking_at + args.hold_minutes * 60 + 75
        log(f"waiting {max(0, settle_until - time.perf_counter()):.0f} s for beat's sweeper and the worker")
        while time.perf_counter() < settle_until:
            time.sleep(1)
        alive = {name: service.alive() for name, service in services.items()}
        connection.close()
        stale = check_stale_holds(args.hold_minutes)

        from payments.services.payments import payments_reconcile

        lagging_before = lagging_payments()
        reconciled = payments_reconcile()
        checks = {**stale, **check_database(ledger, [h["id"] for h in world.hot], world.first_booking_id)}
        checks["payment lagging behind its booking after the reconciler"] = lagging_payments()
        notes = observations(args.hold_minutes, world.first_booking_id)
    finally:
        if faults is not None:
            faults.stopping.set()
        for name in ("beat", "worker", "web", "redis"):
            services[name].stop()
        log("all soak processes stopped")

    # --- the table ---
    request_rows, unexpected = summarise(ledger.outcomes)
    fault_rows = [
        "| at (s) | until (s) | fault | requests meanwhile (+3 s) | unexpected answers | p99 ms meanwhile |",
        "|---|---|---|---|---|---|",
    ]
    for a, b, what in sorted(faults.log):
        during = [o for o in ledger.outcomes if overlaps(o, a, b)]
        bad = sum(1 for o in during if o.status == 0 or o.status not in EXPECTED.get(o.kind, {200}))
        p99 = ms(percentile([o.seconds for o in during], 99)) if during else "-"
        fault_rows.append(f"| {a:.0f} | {b:.0f} | {what} | {len(during)} | {bad} | {p99} |")
    calm = [o for o in ledger.outcomes if not any(overlaps(o, a, b) for a, b, _ in faults.log)]
    if calm:
        fault_rows.append(
            f"| | | (outside every fault window) | {len(calm)} | "
            f"{sum(1 for o in calm if o.status == 0 or o.status not in EXPECTED.get(o.kind, {200}))} | "
            f"{ms(percentile([o.seconds for o in calm], 99))} |"
        )
    # The worker (and everything else) must ride out the faults aimed at other processes: a Redis outage
    # is not a reason for the Celery worker to exit (airbnb/broker.py). The watchdog restarts it, but an
    # exit is counted as a violation.
    checks["processes that exited by themselves (a fault aimed elsewhere)"] = len(faults.unplanned)
    check_rows = ["| invariant | violations |", "|---|---|"] + [f"| {k} | {v} |" for k, v in checks.items()]
    recon = ", ".join(f"{k.replace('payment_', '').replace('_task', '')}: {v}" for k, v in reconciled.items())
    notes.update(
        {
            "payments the final reconciler run found lagging / fixed": f"{lagging_before} / {recon}",
            "processes alive after the soak (restarted ones included)": ", ".join(
                f"{k}: {'yes' if v else 'NO'}" for k, v in alive.items()
            ),
            "processes that exited by themselves during the load (restarted by the watchdog)": "; ".join(
                faults.unplanned
            )
            or "none",
            "processes that exited while one they depend on was down (beat without Redis), restarted": "; ".join(
                faults.consequences
            )
            or "none",
            "starts of gunicorn / Celery worker / beat / Redis": " / ".join(
                str(services[name].starts) for name in ("web", "worker", "beat", "redis")
            ),
        }
    )
    server_errors = 0
    web_log = SOAK_DIR / "logs" / "web.log"
    if web_log.exists():
        statuses = re.findall(
            r'"logger": "django\.request".*?"status_code": (\d+)', web_log.read_text(errors="replace")
        )
        server_errors = sum(1 for code in statuses if int(code) >= 500 and int(code) != 503)
    notes["5xx other than 503 logged by django.request (web log)"] = str(server_errors)
    note_rows = ["| observation | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in notes.items()]
    total = len(ledger.outcomes)
    violations = sum(checks.values())
    unexpected_5xx = sum(1 for o in unexpected if o.status >= 500)
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GB RAM"
    table = "\n".join(
        [
            f"{total} requests in {wall:.0f} s ({total / wall:.1f}/s) from {args.clients} closed-loop clients; "
            f"{unexpected_5xx} unexpected 5xx, {sum(1 for o in unexpected if o.status == 0)} requests without "
            f"an answer, {len(faults.unplanned)} process(es) exiting by themselves, "
            f"**{violations} invariant violations**.",
            "",
            *request_rows,
            "",
            "Expected non-2xx: 409 (dates taken, `idempotency_in_progress`, illegal transitions), 402 (test "
            "cards that decline), 503 `payments_unavailable` (gateway faults, open breaker), 429 (message rate "
            'limit), 302/301 redirects. "No answer": the connection was reset (a killed gunicorn worker).',
            "",
            *fault_rows,
            "",
            *check_rows,
            "",
            *note_rows,
            "",
            f"Machine: {machine}, Python {platform.python_version()}; gunicorn {args.workers} sync workers, "
            f"Celery worker (concurrency 2) and beat; own database ({args.listings} seeded listings, seed "
            f"{args.seed}) and Redis; {len(world.hot)} hot listings; hold timeout {args.hold_minutes} min; "
            f"load average {load_avg_before:.2f} before / {load_avg_after:.2f} after the load; `bench/soak "
            f"--duration {args.duration:.0f}` on {time.strftime('%Y-%m-%d %H:%M')}.",
        ]
    )
    print()
    print(table)
    if unexpected:
        print("\nUnexpected answers (first 30):")
        for o in sorted(unexpected, key=lambda o: o.at)[:30]:
            print(f"  t={o.at:6.1f}s {o.kind}: {o.status} {o.code} ({o.seconds * 1000:.0f} ms)")
    if not args.no_write:
        write_report(table)
        log("written to docs/benchmarks.md")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
