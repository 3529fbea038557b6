"""Free-text queries: synonyms are expanded in Python, and nothing typed can change the query's shape."""

import pytest
from django.db import connection

from search.text import text_query_build


def test_synonyms_expand_to_alternatives():
    assert text_query_build("Jacuzzi") == "('hot' <-> 'tub' | 'jacuzzi' | 'whirlpool' | 'spa' <-> 'bath' | 'hottub')"
    assert text_query_build("hot tub") == text_query_build("whirlpool")


def test_words_are_anded_and_accents_folded():
    assert text_query_build("Château  lake") == "'chateau' & ('lake' | 'lakeside' | 'lakefront')"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "'", "--"])
def test_no_words_no_query(text):
    assert text_query_build(text) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    ["x' | 'y", "a & b | !c", "'); DROP TABLE search_listing; --", "foo:* <-> bar", "\\' \\\\", "ünïcödé ß"],
)
def test_hostile_text_is_a_valid_tsquery(text):
    query = text_query_build(text)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsquery('search_english', %s)::text", [query])
        assert cursor.fetchone() is not None


def test_punctuation_and_glued_units_split_words():
    assert text_query_build("w/balcony") == "'w' & 'balcony'"
    assert text_query_build("90sqm 4PPL") == "'90' & 'sqm' & '4' & 'ppl'"
    assert text_query_build("www.oslo-flat.no") == "'www' & 'oslo' & ('apartment' | 'flat' | 'condo') & 'no'"
    assert text_query_build("50m²") == "'50' & 'm' & '2'"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "Modern flat (90 sqm) w/balcony near metro", "center/high-end studio/4PPL", "Storo/Sandaker",
        "B&B sea|view bed·breakfast 🏖beach", "host@flat.no https://example.com/a_b?c=1", "2.5 baths, 50m² 1,5",
        "Cafe\u0301 Grünerløkka Straße ÆRLIG", "ｆｕｌｌ ｗｉｄｔｈ", "a1b2 1a2b", "self-check-in 24/7 wi-fi",
    ],
)  # fmt: skip
def test_a_text_typed_as_search_finds_its_own_document(text):
    """The two sides cut words alike: any text, searched for, matches a document made from it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('search_english', search_text_normalise(%s)) @@ to_tsquery('search_english', %s)",
            [text, text_query_build(text)],
        )
        assert cursor.fetchone()[0] is True
