"""The Celery broker transport: kombu's Redis transport, surviving a Redis that drops mid-work.

When Redis goes away, kombu closes the broken connection and clears the
transport's connection info. Work still in flight then touches the channel: the
acknowledgement of a task that just finished (late acks: every task here), or
the restore of unacknowledged messages while the channel closes. Each builds a
new Redis client from that cleared info and fails with ``AttributeError:
'NoneType' object has no attribute 'hostname'`` (celery/kombu#582 and relatives,
still in kombu 5.7.0). That is not one of the transport's connection errors, so
Celery calls it "Unrecoverable" and the worker process exits: two runs in three
of Redis SIGKILLed under a stream of tasks lost the worker (bench/soak found it
first; ``bin/respawn`` restarted it).

Here the channel answers that case with what it is, a lost connection
(``redis.exceptions.ConnectionError``): Celery logs the failed ack ("Couldn't
ack", the message stays in Redis's unacked index and is redelivered after
``visibility_timeout``, or was lost with Redis if it restarted empty) and
reconnects with its backoff. Chosen by ``CELERY_BROKER_TRANSPORT`` (the broker
URL still says where Redis is).
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict:
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    Channel = Channel
