"""Free-text queries: words -> a PostgreSQL tsquery, with synonyms expanded here.

Why synonyms live in Python: PostgreSQL's synonym and thesaurus dictionaries
read a file from the server's share directory, which neither a migration nor a
managed PostgreSQL service lets the application install. So "jacuzzi" is
rewritten here into ``(jacuzzi | hot <-> tub | whirlpool | spa <-> bath)``
before PostgreSQL stems and unaccents every word with the same
``search_english`` configuration that built the documents.

The query is built from letters and digits only (everything else is a separator),
each word quoted as a tsquery literal, so nothing a user types can change the
query's structure. Every group must match (AND); a group matches when any of its
spellings does (OR).

Words are cut exactly as the documents were (``search_text_normalise``, migration
0007): NFKC, every run of other characters is a separator (``w/balcony`` is "w"
and "balcony", ``www.oslo-flat.no`` four words), and digits part from letters
(``90sqm`` is "90" and "sqm"). Had the two sides cut differently, a word could
be in a document and still never be found.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection

# Each line is one group of interchangeable phrases.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("hot tub", "jacuzzi", "whirlpool", "spa bath", "hottub"),
    ("pool", "swimming pool", "swimmingpool"),
    ("wifi", "wi fi", "wireless", "internet"),
    ("bbq", "barbecue", "barbeque", "grill"),
    ("fireplace", "log burner", "wood stove", "woodburner", "fire place"),
    ("air conditioning", "aircon", "ac", "a c", "air con"),
    ("washer", "washing machine", "laundry"),
    ("parking", "garage", "car park", "carport"),
    ("pets", "pet", "dog", "dogs", "cat", "cats", "pet friendly"),
    ("apartment", "flat", "condo"),
    ("studio", "bedsit"),
    ("cabin", "chalet", "lodge", "log cabin"),
    ("cottage", "bungalow"),
    ("beach", "seaside", "beachfront", "sea"),
    ("lake", "lakeside", "lakefront"),
    ("view", "views", "vista"),
    ("workspace", "desk", "office", "work from home"),
    ("kids", "children", "family", "family friendly"),
    ("ev charger", "electric car", "car charger"),
    ("gym", "fitness", "fitness centre", "fitness center"),
    ("wheelchair", "accessible", "step free", "step-free"),
    ("cosy", "cozy"),
    ("centre", "center", "downtown", "central"),
)

MAX_WORDS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Digits and letters glued together are separate words, on both sides (ASCII digits, as the SQL does).
_DIGITS_OR_NOT = re.compile(r"[0-9]+|[^0-9]+")


def _unaccented(word: str) -> str:
    plain = "".join(char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char))
    return "".join(_WORD.findall(plain))  # still letters and digits only: the literal stays a literal


def _words(text: str) -> list[str]:
    """Letters-and-digits runs of ``text``, cut as ``search_text_normalise`` cuts documents, casefolded, unaccented."""
    normalised = unicodedata.normalize("NFKC", text).casefold()
    words: list[str] = []
    for run in _WORD.findall(normalised):
        words.extend(_unaccented(part) for part in _DIGITS_OR_NOT.findall(run))
    return [word for word in words if word]


def _phrase_lookup() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    lookup: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in SYNONYM_GROUPS:
        phrases = tuple(tuple(_words(phrase)) for phrase in group)
        for phrase in phrases:
            lookup[phrase] = phrases
    return lookup


_LOOKUP = _phrase_lookup()
_LONGEST = max(len(phrase) for phrase in _LOOKUP)


def _literal(word: str) -> str:
    # Word characters only, so a quoted literal cannot contain a quote or a backslash.
    return "'" + word + "'"


def _phrase(words: tuple[str, ...]) -> str:
    return " <-> ".join(_literal(word) for word in words)


def text_query_build(text: str) -> str:
    """A tsquery string for ``to_tsquery('search_english', ...)``; empty when ``text`` has no words.

    >>> text_query_build("Jacuzzi!")
    "('jacuzzi' | 'hot' <-> 'tub' | 'whirlpool' | 'spa' <-> 'bath' | 'hottub')"
    """
    words = _words(text)[:MAX_WORDS]
    groups: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST, len(words) - index), 0, -1):
            phrase = tuple(words[index : index + size])
            synonyms = _LOOKUP.get(phrase)
            if synonyms:
                groups.append("(" + " | ".join(_phrase(p) for p in synonyms) + ")")
                index += size
                break
        else:
            groups.append(_literal(words[index]))
            index += 1
    return " & ".join(groups)


def text_query_effective(query: str) -> str:
    """``query``, or "" when nothing of it is left after PostgreSQL drops stop words.

    "the" or "with" alone stem to nothing, and an empty tsquery matches no document: a
    title word typed on its own would then find nothing. Such text filters nothing instead
    (one round trip, only for searches with text).
    """
    if not query:
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(to_tsquery('search_english', %s))", [query])
        return query if cursor.fetchone()[0] else ""
