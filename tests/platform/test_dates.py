"""airbnb/templatetags/dates.py: dates in each language's own pattern ("Donnerstag, 3. Dezember 2026")."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from airbnb.templatetags.dates import PATTERNS

DAY = dt.date(2026, 12, 3)


def render(text: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load dates %}" + text).render(Context(context))


@pytest.mark.parametrize(
    "language, full, short, weekday",
    [
        ("en", "Thursday 3 December 2026", "3 Dec 2026", "Thu 3 Dec"),
        ("de", "Donnerstag, 3. Dezember 2026", "3. Dez 2026", "Do, 3. Dez"),
        ("es", "jueves 3 de diciembre de 2026", "3 Dic 2026", "jue 3 Dic"),
        ("fr", "jeudi 3 décembre 2026", "3 Déc 2026", "jeu 3 Déc"),
        ("nb", "torsdag 3. desember 2026", "3. Des 2026", "tor 3. Des"),
    ],
)
def test_each_language_writes_dates_its_own_way(language, full, short, weekday):
    text = '{{ d|localdate:"l j F Y" }}|{{ d|localdate:"j M Y" }}|{{ d|localdate:"D j M" }}'
    assert render(text, language, d=DAY) == f"{full}|{short}|{weekday}"


@pytest.mark.parametrize("language", ["de", "es", "fr", "nb"])
def test_every_pattern_has_a_translation_that_is_a_valid_pattern(language):
    for pattern in PATTERNS:
        shown = render(f'{{{{ d|localdate:"{pattern}" }}}}', language, d=timezone.now())
        assert shown and "\\" not in shown, (language, pattern, shown)


def test_an_unlisted_pattern_is_used_as_written_and_datetimes_show_in_the_current_zone():
    moment = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)
    assert render('{{ d|localdate:"Y/m/d" }}', "de", d=DAY) == "2026/12/03"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Oslo")):
        assert render('{{ d|localdate:"j M, H:i e" }}', "nb", d=moment) == "4. Des, 00:30 CET"
