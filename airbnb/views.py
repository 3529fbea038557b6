"""Platform pages: home and health."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from listings.selectors import listing_featured

from . import health


@require_GET
def home(request):
    return render(request, "home.html", {"featured": listing_featured(limit=12)})


@never_cache
@require_GET
def healthz(request):
    """200 when the database, Redis and a Celery worker all answer; 503 naming what is down.

    ``?node=1`` checks only what this web node needs to serve (database, Redis): what a load balancer
    asks (HAProxy, docs/scaling.md). Celery workers are shared by every node; taking every node out of
    rotation because they are down would turn a queue delay into an outage.
    """
    checks = {"database": health.check_database(), "redis": health.check_redis()}
    if not request.GET.get("node"):
        checks["celery"] = health.check_celery()
    down = [name for name, (ok, _) in checks.items() if not ok]
    body = {
        "status": "ok" if not down else "degraded",
        "down": down,
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if not down else 503)


def page_not_found(request, exception=None):
    from .api.errors import api_not_found

    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    from .api.errors import api_server_error

    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    from .api.errors import error_body

    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("permission_denied", gettext("You do not have permission to do this.")), status=403
        )
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    from .api.errors import error_body
    from .uploads import UploadTooLarge, upload_too_large_page

    if isinstance(exception, UploadTooLarge):  # body read outside DRF (the CSRF check, a page view)
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("request_too_large", exception.user_message), status=413)
        return upload_too_large_page(request, exception)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", gettext("The request was malformed.")), status=400)
    return render(request, "400.html", status=400)
