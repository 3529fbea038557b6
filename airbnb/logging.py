"""Request ids for log lines.

``RequestIdMiddleware`` stores the id in a context variable; ``RequestIdFilter``
copies it onto every record, so each JSON log line of a request carries it.
Celery tasks get the id of the request that enqueued them when one is passed.
"""

import contextvars
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True
