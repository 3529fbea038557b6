"""Price reasons and quote lines in the reader's language; stored in English with their params."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from pricing.fees import QuoteLineCode, quote_line_label
from pricing.rules import PricingRules, Reason, SeasonWindow, rule_price


def in_language(language, function, *args):
    with translation.override(language):
        return function(*args)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Weekend +20%", "High season +35%"]),
        ("es", ["Fin de semana +20%", "Temporada alta +35%"]),
        ("fr", ["Week-end +20%", "Haute saison +35%"]),
        ("de", ["Wochenende +20%", "Hochsaison +35%"]),
        ("nb", ["Helg +20%", "Høysesong +35%"]),
    ],
)
def test_a_nights_reasons_read_in_the_active_language(language, expected):
    friday = dt.date(2031, 7, 4)
    rules = PricingRules.platform(seasons=(SeasonWindow("Summer", "high", (7, 1), (8, 31)),))
    _price, reasons = rule_price(base=Decimal("100"), day=friday, rules=rules, today=friday)
    assert [r.code for r in reasons] == ["weekend", "season"]
    with translation.override(language):
        assert [r.label for r in reasons] == expected
        # Stored for every reader: English label plus the params to render it again.
        assert [r.as_dict()["label"] for r in reasons] == ["Weekend +20%", "High season +35%"]


def test_a_stored_reason_is_read_in_each_language_and_old_ones_as_stored():
    stored = Reason("cap", {"pct": 50}).as_dict()
    assert stored == {"code": "cap", "label": "Capped at +50% over the base price", "params": {"pct": 50}}
    assert in_language("de", lambda: Reason.from_dict(stored).label) == "Begrenzt auf +50% über dem Grundpreis"
    legacy = Reason.from_dict({"code": "cap", "label": "Capped at +50% over the base price"})
    assert in_language("de", lambda: legacy.label) == "Capped at +50% over the base price"


def test_quote_line_labels_use_the_languages_plurals_and_numbers():
    params = {"nights": 1, "extra": "15.00", "currency": "EUR"}
    assert in_language("en", quote_line_label, QuoteLineCode.ACCOMMODATION, params) == (
        "1 night (incl. 15.00 EUR extra-guest fee)"
    )
    assert in_language("de", quote_line_label, QuoteLineCode.ACCOMMODATION, {**params, "nights": 3}) == (
        "3 Nächte (inkl. 15,00 EUR Gebühr für zusätzliche Gäste)"
    )
    assert in_language("fr", quote_line_label, QuoteLineCode.DISCOUNT, {"period": "monthly", "pct": 20}) == (
        "Réduction au mois (20%)"
    )
