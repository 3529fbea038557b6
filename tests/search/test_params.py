"""SearchForm's fields are shared by every form (search.params._SharedFields): using a form must not change them."""

import copy

import pytest
from django.http import QueryDict
from django.utils import translation

from search.params import ListWidget, SearchForm

pytestmark = pytest.mark.django_db

QUERIES = [
    "q=Paris&checkin=2027-05-01&checkout=2027-05-04&guests=2&amenities=wifi&room_type=entire,private",
    "guests=abc&price_min=-1&bedrooms=x&sort=nope&page=0",
    "bbox=1,2&checkin=2020-01-01&checkout=2019-01-01&instant_book=maybe&amenities=teleporter",
    "lat=48.85&lng=2.35&radius_km=5&flex=weekend&months=2027-06&property_type=castle",
    "",
]


def _state(fields) -> dict:
    """What a form could change on a field: its flags, widget attributes, messages and choices."""
    return {
        name: (
            field.required,
            field.disabled,
            copy.deepcopy(field.widget.attrs),
            {key: str(message) for key, message in field.error_messages.items()},
            repr(getattr(field, "choices", None)),
            str(field.label),
            field.initial,
        )
        for name, field in fields.items()
    }


def test_forms_share_fields_and_using_them_changes_nothing(client):
    with translation.override("en"):
        before = _state(SearchForm.base_fields)
    first, second = SearchForm(QueryDict(QUERIES[0])), SearchForm(QueryDict(QUERIES[1]))
    assert first.fields is not SearchForm.base_fields  # each form has its own mapping...
    assert first.fields["guests"] is second.fields["guests"]  # ...of the same fields
    for language in ("en", "de"):
        with translation.override(language):
            for query in QUERIES:
                form = SearchForm(QueryDict(query), place_required=True)
                form.is_valid()
                form.errors.as_json()
                for bound in form:  # every widget that renders (the page draws the list fields itself)
                    if not isinstance(bound.field.widget, ListWidget):
                        str(bound)
            assert client.get("/search/", {"q": "Paris", "guests": "abc"}).status_code in (200, 400)
            assert client.get("/api/v1/search/", {"guests": "abc"}).status_code == 400
    with translation.override("en"):
        assert _state(SearchForm.base_fields) == before


def test_one_forms_errors_do_not_reach_the_next():
    bad = SearchForm(QueryDict("guests=abc"))
    assert not bad.is_valid() and "guests" in bad.errors
    good = SearchForm(QueryDict("q=Paris&guests=2"))
    assert good.is_valid(), good.errors
    assert good.cleaned_data["guests"] == 2 and not good.errors
