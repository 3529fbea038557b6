"""The Celery application. Tasks live in each app's ``tasks.py`` and stay thin."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airbnb.settings.dev")

app = Celery("airbnb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["airbnb"])


# --- request ids across the queue ---------------------------------------------------
# A task enqueued while serving a request logs with that request's id, so one id
# follows a booking from the HTTP request into the emails and payment retries.
from celery.signals import before_task_publish, task_postrun, task_prerun  # noqa: E402

from .logging import request_id_var  # noqa: E402

_task_tokens: dict[str, object] = {}


@before_task_publish.connect
def _attach_request_id(headers=None, **kwargs):
    if headers is not None and request_id_var.get() != "-":
        headers.setdefault("request_id", request_id_var.get())


@task_prerun.connect
def _adopt_request_id(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id and task_id:
        _task_tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect
def _forget_request_id(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
