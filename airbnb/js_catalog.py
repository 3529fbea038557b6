"""The scripts' translations (``/i18n/js/``), cacheable by browsers.

Pages load the catalogue by a URL that names its language and a version
(``{% js_catalog_src %}``): a hash of the compiled ``djangojs.mo`` files and
Django's version, so a deploy with new translations changes the URL. Such a
URL always returns the same bytes, so it is served with a year-long
``Cache-Control: immutable`` and a page view costs no request for it. Without
``v`` (or with an old one) the catalogue is served as before, uncached.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

PACKAGES = ["airbnb"]
YEAR = 365 * 24 * 3600


@functools.cache
def catalog_version() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    for directory in sorted(Path(path) for path in settings.LOCALE_PATHS):
        for mo in sorted(directory.glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(str(mo.relative_to(directory)).encode())
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


def catalog_src(language: str | None = None) -> str:
    """The catalogue's URL for ``language`` (default: the active one)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return f"{reverse('javascript-catalog')}?{urlencode({'lang': language, 'v': catalog_version()})}"


class VersionedJavaScriptCatalog(JavaScriptCatalog):
    """``?lang=`` chooses the language (so the URL alone decides the answer); ``?v=`` current: cached a year."""

    packages = PACKAGES

    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang", "")
        if language not in dict(settings.LANGUAGES):
            return super().get(request, *args, **kwargs)
        with translation.override(language):
            response = super().get(request, *args, **kwargs)
        if request.GET.get("v") == catalog_version():
            response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response
