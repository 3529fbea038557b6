from django.conf import settings
from django.contrib import admin
from django.core.files.storage import FileSystemStorage
from django.urls import include, path
from django.utils.module_loading import import_string
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts import language
from search import urls as search_urls

from . import views
from .js_catalog import VersionedJavaScriptCatalog

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("listings.api.urls")),
    path("", include("payments.urls")),  # Stripe's webhook, payouts
    path("", include("bookings.api.urls")),
    path("", include("availability.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("messaging.api.urls")),
    path("host/", include("hosttools.api.urls")),
    path("", include(search_urls.api_urlpatterns)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    # The scripts' strings in the page's language (locale/*/LC_MESSAGES/djangojs.po; airbnb/js_catalog.py).
    path("i18n/js/", VersionedJavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    # Before "rooms/": the checkout /rooms/<id>/book/ would otherwise match a listing slug.
    path("", include("bookings.urls")),
    path("rooms/", include("listings.urls")),
    path("hosting/listings/", include("listings.hosting_urls")),
    # The host dashboard (after bookings' /hosting/reservations/ and listings' /hosting/listings/).
    path("hosting/", include("hosttools.urls")),
    path("wishlists/", include("listings.wishlist_urls")),
    path("search/", include("search.urls")),
    path("", include(search_urls.place_urlpatterns)),
    path("reviews/", include("reviews.urls")),
    path("", include("messaging.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if issubclass(import_string(settings.STORAGES["default"]["BACKEND"]), FileSystemStorage):
    # Local media (uploaded photos). In production an object store serves them.
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "airbnb.views.bad_request"
handler403 = "airbnb.views.permission_denied"
handler404 = "airbnb.views.page_not_found"
handler500 = "airbnb.views.server_error"
