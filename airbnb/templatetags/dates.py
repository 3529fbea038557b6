"""``{{ day|localdate:"j M Y" }}``: a date in the active language's own pattern.

Templates name a pattern by its English form; each language's catalogue may give its own
(``msgctxt`` "date format: ..."): German writes "3. Dez 2026" and "Donnerstag, 3. Dezember
2026" where English writes "3 Dec 2026" and "Thursday 3 December 2026". A pattern without a
translation, or not listed here, is used as written. Like Django's ``date`` filter, aware
datetimes are shown in the current time zone.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import pgettext_lazy

register = template.Library()

# The patterns the templates use, each with what it looks like in English (the translators' hint).
PATTERNS = {
    "j M Y": pgettext_lazy("date format: 3 Dec 2026", "j M Y"),
    "j M": pgettext_lazy("date format: 3 Dec", "j M"),
    "D j M": pgettext_lazy("date format: Thu 3 Dec", "D j M"),
    "D j M Y": pgettext_lazy("date format: Thu 3 Dec 2026", "D j M Y"),
    "D j": pgettext_lazy("date format: Thu 3", "D j"),
    "l j F": pgettext_lazy("date format: Thursday 3 December", "l j F"),
    "l j F Y": pgettext_lazy("date format: Thursday 3 December 2026", "l j F Y"),
    "j M, H:i": pgettext_lazy("date format: 3 Dec, 14:30", "j M, H:i"),
    "j M, H:i e": pgettext_lazy("date format: 3 Dec, 14:30 CET", "j M, H:i e"),
    "D j M, H:i e": pgettext_lazy("date format: Thu 3 Dec, 14:30 CET", "D j M, H:i e"),
}


@register.filter(expects_localtime=True, is_safe=False)
def localdate(value, pattern: str) -> str:
    translated = PATTERNS.get(pattern)
    return date_filter(value, str(translated) if translated is not None else pattern)
