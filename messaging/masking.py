"""Masking contact details in messages until a booking is confirmed.

Guests and hosts may not swap phone numbers, email addresses or links before a
booking between them is confirmed (payments stay on the platform). Messages are
stored exactly as written; ``contact_details_mask`` is applied when a message is
shown (or emailed) to the other participant, so the details appear once the
booking is confirmed.
"""

from __future__ import annotations

import re

EMAIL_HIDDEN = "[email hidden]"
LINK_HIDDEN = "[link hidden]"
PHONE_HIDDEN = "[phone number hidden]"

_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\[at\]|\(at\)|\{at\})\s*[\w-]+(?:\s*(?:\.|\[dot\]|\(dot\)|\{dot\})\s*[\w-]+)+", re.IGNORECASE
)
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
# Bare domains ("mysite.com/stay") on common top-level domains: "node.js" or "3.5" stay untouched.
_DOMAIN = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|me|info|biz|app|site|online|fr|de|uk|es|it|nl|eu|ly|gl|be|ch|us|ca)"
    r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Seven or more digits, possibly separated by spaces, dots, dashes, slashes or brackets.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().\-/]{0,3}\d){6,}(?![\w])")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")


def _phone(match: re.Match) -> str:
    text = match.group(0)
    # "2026-12-16" or "16/12/2026 - 20/12/2026" are dates, not phone numbers.
    return text if _DATE.search(text) else PHONE_HIDDEN


def contact_details_mask(text: str) -> str:
    """``text`` with email addresses, links and phone numbers replaced by placeholders."""
    text = _EMAIL.sub(EMAIL_HIDDEN, text)
    text = _URL.sub(LINK_HIDDEN, text)
    text = _DOMAIN.sub(LINK_HIDDEN, text)
    return _PHONE.sub(_phone, text)
