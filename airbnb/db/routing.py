"""Read replicas: the public read traffic goes to a streaming replica, everything else to the primary.

What may read from a replica is named, not guessed: the views in
``settings.DATABASE_REPLICA_VIEWS`` (search pages and API, place suggestions,
listing pages, public profiles, review lists), and only for GET and HEAD. Inside
them the router sends ORM reads to the chosen replica, and the search code sends
its raw SQL to ``connections[router.db_for_read(...)]``. Everything else reads
from the primary: every write, every read inside a transaction on the primary,
the authentication tables (a revoked token must stop working at once), every
other view (trips, bookings, inbox, host pages: a user's own data).

Read-your-writes without a fixed "stick to the primary for N seconds": after an
unsafe request (POST, PUT, PATCH, DELETE), the WAL position the primary has
reached (``pg_current_wal_lsn()``, at or past the commit of that request's
writes) is remembered in Redis for the client: its session or its Bearer token
(hashed). A later public read by that client may use a replica only once the
replica's ``pg_last_wal_replay_lsn()`` has passed it; otherwise it reads from
the primary. If Redis cannot say, the primary.

A replica that does not answer, or lags more than
``DATABASE_REPLICA_MAX_LAG_SECONDS``, is skipped. Health (replay position and
lag) is cached per process for ``DATABASE_REPLICA_HEALTH_SECONDS`` (a replica
found down, ``DOWN_RETRY_SECONDS``). A replica that fails in the middle of a request (killed, or a query cancelled by a
recovery conflict) is marked down and the view runs again on the primary: the
views routed here only read, so running one twice is harmless.

Each decision is counted (``routing_counts``; with ``DATABASE_ROUTING_STATS`` also
in a Redis hash, for the benchmarks across processes).
"""

from __future__ import annotations

import collections
import contextvars
import hashlib
import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django_redis import get_redis_connection

logger = logging.getLogger(__name__)

RYW_KEY = "airbnb:ryw:{}"
# A replica found down is not asked again for this long: a host that swallows packets costs one request the
# connect timeout every few seconds, not every second.
DOWN_RETRY_SECONDS = 5.0
STATS_KEY = "airbnb:routing"
# Read from the primary whatever the view: authentication and sessions (a log-out or a revoked token
# takes effect at once), idempotency records (Airbnb's Orpheus: a replica read once caused a duplicate
# payment).
PRIMARY_ONLY_APPS = {"sessions", "knox", "auth", "contenttypes", "admin"}
PRIMARY_ONLY_MODELS = {"accounts.user", "bookings.idempotencyrecord"}


@dataclass
class _Route:
    alias: str | None  # a replica, or None: the primary
    reason: str


_route: contextvars.ContextVar[_Route | None] = contextvars.ContextVar("db_route", default=None)
routing_counts: collections.Counter[str] = collections.Counter()


# --- replica health ---------------------------------------------------------------------------


@dataclass
class _Health:
    checked_at: float
    up: bool
    replay_lsn: int = 0
    lag_seconds: float = 0.0


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def lsn_to_int(lsn: str | None) -> int:
    """'16/B374D848' -> a number that orders like the WAL position."""
    if not lsn:
        return 0
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_health_reset() -> None:
    """Forget every cached health answer (tests; a replica just started)."""
    with _health_lock:
        _health.clear()


def replica_mark_down(alias: str) -> None:
    with _health_lock:
        _health[alias] = _Health(checked_at=time.monotonic(), up=False)
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def replica_health(alias: str, *, fresh: bool = False) -> _Health:
    """The replica's replay position and lag, at most DATABASE_REPLICA_HEALTH_SECONDS old (``fresh``: now)."""
    now = time.monotonic()
    with _health_lock:
        cached = _health.get(alias)
    ttl = settings.DATABASE_REPLICA_HEALTH_SECONDS if cached is None or cached.up else DOWN_RETRY_SECONDS
    if cached and not fresh and now - cached.checked_at < ttl:
        return cached
    try:
        with connections[alias].cursor() as cursor:
            # Lag: 0 when everything received is replayed (an idle primary), else the age of the last
            # transaction replayed. Overestimates after a quiet spell, which only skips a replica sooner.
            cursor.execute(
                """
                SELECT pg_last_wal_replay_lsn()::text,
                       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END
                """
            )
            replay_lsn, lag = cursor.fetchone()
        health = _Health(checked_at=now, up=replay_lsn is not None, replay_lsn=lsn_to_int(replay_lsn), lag_seconds=lag)
    except DatabaseError as exc:
        logger.warning("replica %s is down: %s", alias, exc)
        try:
            connections[alias].close()
        except DatabaseError:
            pass
        health = _Health(checked_at=now, up=False)
    with _health_lock:
        _health[alias] = health
    return health


# --- read-your-writes ---------------------------------------------------------------------------


def _client_key(request, *, after_view: bool) -> str | None:
    """The client a write is remembered for: its Bearer token, else its session (hashed: both are secrets)."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization.startswith("Bearer "):
        secret = "token:" + authorization.removeprefix("Bearer ").strip()
    else:
        session = getattr(request, "session", None) if after_view else None
        session_key = (session.session_key if session is not None else None) or request.COOKIES.get(
            settings.SESSION_COOKIE_NAME
        )
        if not session_key:
            return None
        secret = "session:" + session_key
    return RYW_KEY.format(hashlib.sha256(secret.encode()).hexdigest()[:32])


def _redis():
    return get_redis_connection("default")


def write_position_remember(request) -> None:
    """After an unsafe request: remember how far the primary's WAL is for this client."""
    key = _client_key(request, after_view=True)
    if key is None:
        return
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            lsn = cursor.fetchone()[0]
    except DatabaseError:
        return  # the primary is down: nothing was written either
    try:
        _redis().set(key, lsn, ex=settings.DATABASE_REPLICA_RYW_SECONDS)
    except Exception:  # noqa: BLE001 - Redis down: the client's next reads will go to the primary
        logger.warning("could not remember a write position", exc_info=True)


_UNKNOWN = object()


def _write_position(request):
    """The WAL position this client must see (0: none known), or _UNKNOWN when Redis cannot say."""
    key = _client_key(request, after_view=False)
    if key is None:
        return 0
    try:
        value = _redis().get(key)
    except Exception:  # noqa: BLE001 - Redis down
        return _UNKNOWN
    return lsn_to_int(value.decode() if value else None)


# --- the decision -------------------------------------------------------------------------------


def _count(reason: str) -> None:
    routing_counts[reason] += 1
    if settings.DATABASE_ROUTING_STATS:
        try:
            _redis().hincrby(STATS_KEY, reason, 1)
        except Exception:  # noqa: BLE001 - statistics only
            pass


def route_choose(request) -> _Route:
    """Where this public read request reads: a replica that is up, close enough and past the client's writes."""
    replicas = list(settings.DATABASE_REPLICAS)
    if not replicas:
        return _Route(None, "primary_no_replica")
    position = _write_position(request)
    if position is _UNKNOWN:
        return _Route(None, "primary_ryw_unknown")
    random.shuffle(replicas)
    usable = [alias for alias in replicas if _usable(replica_health(alias))]
    if not usable:
        return _Route(None, "primary_replicas_down_or_lagging")
    for alias in usable:
        if replica_health(alias).replay_lsn >= position:
            return _Route(alias, "replica")
    for alias in usable:  # the cached position may be a second old: ask once
        health = replica_health(alias, fresh=True)
        if _usable(health) and health.replay_lsn >= position:
            return _Route(alias, "replica_caught_up")
    return _Route(None, "primary_read_your_writes")


def _usable(health: _Health) -> bool:
    return health.up and health.lag_seconds <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS


def replica_failed(exc: BaseException) -> bool:
    """Whether ``exc`` may be the replica this request reads from failing (the view is then run on the primary)."""
    route = _route.get()
    return route is not None and route.alias is not None and isinstance(exc, (OperationalError, InterfaceError))


class ReplicaRouter:
    """Django database router: reads on the public read paths to the request's replica, all else to the primary."""

    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or route.alias is None:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a transaction on the primary reads what it locked and wrote
        return route.alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas are physical copies


def _render(response):
    # Templates and DRF responses render lazily; render inside the route so their reads use it too.
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


class ReplicaRoutingMiddleware:
    """Routes the named public GET views to a replica; remembers each client's writes (read-your-writes).

    Last in ``MIDDLEWARE``: its ``process_view`` runs the view itself inside the route (after the other
    middleware's checks), and runs it again on the primary if the replica fails mid-request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DATABASE_REPLICAS and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            write_position_remember(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.DATABASE_REPLICAS or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.DATABASE_REPLICA_VIEWS:
            return None
        route = route_choose(request)
        if route.alias is None:
            _count(route.reason)
            return None  # Django calls the view as usual: the primary
        token = _route.set(route)
        try:
            response = _render(view_func(request, *view_args, **view_kwargs))
        except (OperationalError, InterfaceError) as exc:
            logger.warning("replica %s failed during %s; reading from the primary: %s", route.alias, request.path, exc)
            replica_mark_down(route.alias)
        else:
            _count(route.reason)
            return response
        finally:
            _route.reset(token)
        _count("primary_replica_failed")
        return _render(view_func(request, *view_args, **view_kwargs))
