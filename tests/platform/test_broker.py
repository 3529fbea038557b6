"""The Celery broker transport survives a Redis that drops while work is in flight (airbnb/broker.py).

kombu closes a broken connection by clearing the transport's connection info
and its channels' pools; an acknowledgement or a restore of unacknowledged
messages arriving after that used to raise ``AttributeError`` (not a connection
error), which Celery treats as unrecoverable: the worker exited. The state is
built here with a real kombu connection to the test Redis; the fault soak
(bench/soak) exercises the same thing by SIGKILLing Redis under load and now
counts a worker exit as a violation.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest
from django.conf import settings
from kombu import Connection
from kombu.transport import redis as kombu_redis

from airbnb.broker import RedisTransport
from airbnb.celery import app


def _message_held_by_a_connection_kombu_has_closed(transport):
    connection = Connection(settings.CELERY_BROKER_URL, transport=transport)
    queue = connection.SimpleQueue(f"broker-test-{uuid.uuid4().hex}")
    queue.put({"task": "x"})
    message = queue.get(timeout=5)  # delivered, not acknowledged: in the channel's unacked index
    # What Celery's on_connection_error_after_connected leaves behind once it closed the connection:
    queue.channel._disconnect_pools()
    connection.transport.client = None
    return connection, message


def test_a_late_ack_on_a_closed_connection_is_a_connection_error_celery_recovers_from():
    connection, message = _message_held_by_a_connection_kombu_has_closed(RedisTransport)
    with pytest.raises(connection.connection_errors):
        message.ack()
    with contextlib.suppress(*connection.connection_errors):
        connection.release()  # as Celery does, inside ignore_errors: the same error, caught


def test_kombus_own_transport_still_has_the_bug_this_works_around():
    """If kombu fixes it, this fails: then airbnb/broker.py can go."""
    connection, message = _message_held_by_a_connection_kombu_has_closed(kombu_redis.Transport)
    with pytest.raises(AttributeError, match="hostname"):
        message.ack()
    with contextlib.suppress(AttributeError):
        connection.release()


def test_the_celery_app_uses_the_tolerant_transport_and_retries_forever():
    with app.connection_for_read() as connection:
        assert connection.transport_cls is RedisTransport or connection.get_transport_cls() is RedisTransport
    assert app.conf.broker_connection_retry is True and app.conf.broker_connection_max_retries is None
    assert app.conf.task_acks_late is True and app.conf.task_reject_on_worker_lost is True
    assert app.conf.broker_transport_options["visibility_timeout"] >= 3600
