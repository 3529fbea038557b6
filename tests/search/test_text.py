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
