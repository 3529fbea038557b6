"""Contact details in message text: what is masked and what is left alone."""

import pytest

from messaging.masking import EMAIL_HIDDEN, LINK_HIDDEN, PHONE_HIDDEN, contact_details_mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me on +33 6 12 34 56 78", f"Call me on {PHONE_HIDDEN}"),
        ("06.12.34.56.78 anytime", f"{PHONE_HIDDEN} anytime"),
        ("(555) 123-4567", PHONE_HIDDEN),
        ("whatsapp 5551234567!", f"whatsapp {PHONE_HIDDEN}!"),
        ("write to anna.b+stay@mail.example.com", f"write to {EMAIL_HIDDEN}"),
        ("anna [at] gmail [dot] com", EMAIL_HIDDEN),
        ("book on https://cheap-stays.example/rooms?id=4", f"book on {LINK_HIDDEN}"),
        ("see www.my-flat.org for photos", f"see {LINK_HIDDEN} for photos"),
        ("or mybnb.com/flat", f"or {LINK_HIDDEN}"),
    ],
)
def test_contact_details_are_masked(text, expected):
    assert contact_details_mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We arrive 2026-12-16 and leave 16/12/2026 - 20/12/2026.",
        "2 adults and 3 kids, arriving around 15:00.",
        "Is the 120 EUR per night negotiable for 7 nights?",
        "Door code 1234, flat 56.",
        "Rated 4.8 stars, uses node.js",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert contact_details_mask(text) == text
