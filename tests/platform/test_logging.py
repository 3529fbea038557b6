"""Every log line is JSON and carries the id of the request it belongs to."""

import io
import json
import logging

from django.http import HttpResponse
from django.test import RequestFactory

from airbnb.middleware import RequestIdMiddleware


def _json_handler_like_production() -> tuple[logging.Handler, io.StringIO]:
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    return handler, stream


def _run_request(headers: dict) -> tuple[HttpResponse, list[dict]]:
    handler, stream = _json_handler_like_production()
    logger = logging.getLogger("tests.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("inside the view")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/", headers=headers))
        logger.info("after the request")
    finally:
        logger.removeHandler(handler)
    return response, [json.loads(line) for line in stream.getvalue().splitlines()]


def test_incoming_request_id_is_reused_logged_and_echoed():
    response, lines = _run_request({"X-Request-ID": "req-12345678"})
    assert response["X-Request-ID"] == "req-12345678"
    inside, after = lines
    assert inside["message"] == "inside the view"
    assert inside["request_id"] == "req-12345678"
    assert inside["level"] == "INFO" and inside["logger"] == "tests.request"
    assert after["request_id"] == "-"  # the id does not leak past its request


def test_missing_or_hostile_request_id_is_replaced():
    response, lines = _run_request({"X-Request-ID": "bad id\nwith newline"})
    generated = response["X-Request-ID"]
    assert generated != "bad id\nwith newline"
    assert len(generated) == 32
    assert lines[0]["request_id"] == generated


def test_every_response_has_a_request_id(client, db):
    assert len(client.get("/api/v1/amenities/")["X-Request-ID"]) == 32


def test_request_id_travels_in_task_headers_and_is_adopted_by_the_worker():
    """Publish side puts the id in the message headers; the worker side adopts it for the task only."""
    from types import SimpleNamespace

    from airbnb.celery import _adopt_request_id, _attach_request_id, _forget_request_id
    from airbnb.logging import request_id_var

    headers: dict = {}
    _attach_request_id(headers=headers)  # outside a request: nothing attached
    assert "request_id" not in headers
    token = request_id_var.set("req-abcdef123")
    try:
        _attach_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers["request_id"] == "req-abcdef123"

    # In the worker, Celery exposes custom headers on task.request.
    task = SimpleNamespace(request=SimpleNamespace(request_id=headers["request_id"]))
    _adopt_request_id(task_id="t1", task=task)
    assert request_id_var.get() == "req-abcdef123"
    _forget_request_id(task_id="t1")
    assert request_id_var.get() == "-"
