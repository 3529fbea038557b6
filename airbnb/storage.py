"""Local media storage: Django's FileSystemStorage with a cheaper ``url()``.

A search page builds about 300 photo URLs (20 cards, up to 5 photos, each with
its WebP variants). Django's ``url()`` passes every name through ``urljoin``,
about a fifth of the time the whole card takes. Names here are storage names
(relative, no dot or empty segments, quoted by ``filepath_to_uri``), for which
``base_url + name`` is what ``urljoin`` returns; anything else still goes
through ``urljoin``. Production with a bucket uses django-storages instead
(settings/prod.py).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri

# Names that quoting leaves as they are and that hold no empty, "." or ".." segment: every segment
# starts with an unreserved character other than a dot. Uploaded photos' names are all of this kind.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)*")


class MediaStorage(FileSystemStorage):
    def url(self, name):
        base = self.base_url
        if base is None or name is None or not base.endswith("/"):
            return super().url(name)
        if _PLAIN_NAME.fullmatch(name):
            return base + name
        url = filepath_to_uri(name).lstrip("/")
        if {"", ".", ".."} & set(url.split("/")):
            return urljoin(base, url)  # urljoin resolves dot segments and empty ones
        return base + url
