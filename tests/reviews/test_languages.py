"""The review form and its messages in the reader's language; English stays the default."""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.platform.test_i18n import english_left, english_phrases, visible_text
from tests.reviews.helpers import stay, stay_categories

SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]


def expected(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language", SHIPPED)
def test_review_form_and_its_errors_are_in_the_guests_language(guest, listing, language):
    booking = stay(guest=guest, listing=listing)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(guest)
    url = reverse("reviews:write", args=[booking.pk])
    page = client.get(url).content.decode()
    assert english_left(visible_text(page), english_phrases(language)) == []
    data = {"overall": "", "comment": "", "private_note": ""}
    data.update({f"category_{code}": "5" for code in stay_categories()})
    data["category_value"] = ""
    response = client.post(url, data)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    for msgid in ("Choose an overall rating from 1 to 5 stars.", "Rate value from 1 to 5 stars."):
        assert expected(language, msgid) in html and msgid not in html
    assert english_left(visible_text(response.content.decode()), english_phrases(language)) == []


def test_review_flash_follows_the_language_and_english_is_the_default(guest, listing):
    booking = stay(guest=guest, listing=listing)
    data = {"overall": "5", "comment": "Bright, calm and spotless.", "private_note": ""}
    data.update({f"category_{code}": "5" for code in stay_categories()})
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(guest)
    response = client.post(reverse("reviews:write", args=[booking.pk]), data, follow=True)
    assert "Takk! Vurderingen din publiseres når Hugo har skrevet sin" in unescape(response.content.decode())
    second = stay(guest=guest, listing=listing)
    english = Client()
    english.force_login(guest)
    response = english.post(reverse("reviews:write", args=[second.pk]), data, follow=True)
    assert "Thanks! Your review will be published when Hugo has written theirs" in unescape(response.content.decode())
