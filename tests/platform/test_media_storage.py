"""airbnb.storage.MediaStorage: the same URLs as Django's FileSystemStorage, built without urljoin."""

import pytest
from django.core.files.storage import FileSystemStorage

from airbnb.storage import MediaStorage

NAMES = [
    "listings/7/abc.jpg",
    "listings/7/abc_card.webp",
    "/listings/7/leading-slash.jpg",
    "listings/7/space and ümlaut?#.jpg",
    "listings/7/colon:x.jpg",
    "listings/../escape.jpg",
    "listings/./here.jpg",
    "./x.jpg",
    "..",
    "",
    "a//b.jpg",
    "a/b/",
    "listings/7/.hidden.jpg",
    "listings/7/~tilde-and_under.score.jpg",
    "listings/7/..dots..jpg",
    "listings/7/x.",
]


@pytest.mark.parametrize("base_url", ["/media/", "https://cdn.example.com/m/", "/media", "https://cdn.example.com"])
@pytest.mark.parametrize("name", NAMES)
def test_url_is_what_django_builds(tmp_path, base_url, name):
    ours = MediaStorage(location=tmp_path, base_url=base_url)
    django = FileSystemStorage(location=tmp_path, base_url=base_url)
    assert ours.url(name) == django.url(name)


def test_default_storage_is_ours_and_serves_media_urls(settings):
    from django.core.files.storage import default_storage

    assert isinstance(default_storage, MediaStorage)
    assert default_storage.url("listings/1/a b.jpg") == settings.MEDIA_URL + "listings/1/a%20b.jpg"
