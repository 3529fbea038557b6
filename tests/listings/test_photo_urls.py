"""A search card's photo (CardPhoto, plain values) gives the same URLs as the model it was read from."""

import pytest

from listings.models import CardPhoto, ListingPhoto
from tests.listings.factories import ListingPhotoFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "variants",
    [
        {},
        {"image_thumb": "listings/t.webp"},
        {"image_thumb": "listings/t.webp", "image_card": "listings/c.webp", "image_full": "listings/f.webp"},
    ],
)
def test_card_photo_urls_equal_the_models(variants):
    photo = ListingPhotoFactory(width=1200, height=800)
    ListingPhoto.objects.filter(pk=photo.pk).update(**variants)
    photo.refresh_from_db()
    card = CardPhoto(*ListingPhoto.objects.filter(pk=photo.pk).values_list(*CardPhoto.FIELDS).get())
    assert card.original_url == photo.original_url == photo.image.url
    for name in ("thumb_url", "card_url", "full_url", "srcset"):
        assert getattr(card, name) == getattr(photo, name), name
    assert photo.card_url == (photo.image.url if "image_card" not in variants else "/media/listings/c.webp")
