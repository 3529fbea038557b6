"""The search page's script in another language: what it redraws after a change is in the page's language.

search.js takes its words from Django's JavaScript catalogue (/i18n/js/) and writes numbers, money and
days the way the page's ``<html lang>`` does; the server renders the first page the same way.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from tests.listings.factories import ListingFactory

from .browser import Tab
from .test_search_map import PIN_TEXTS_JS, open_search
from .world import day, paris_listing, paris_world, person


def speaking(tab: Tab, language: str) -> Tab:
    """The tab as a visitor who chose ``language`` with the header's chooser (its cookie)."""
    tab.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": tab.base_url}])
    return tab


def test_a_german_search_redraws_cards_pins_and_counts_in_german(open_tab):
    paris_world(person("Hugo", "hugo@example.com"))
    tab = speaking(open_tab("guest"), "de")
    page = tab.page
    open_search(tab, f"/search/?q=Paris&checkin={day(30)}&checkout={day(33)}&guests=2")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#results-heading")).to_have_text("Unterkünfte in Paris")
    # Pins in whole euros, the symbol after the amount as German writes it.
    pins = page.evaluate(PIN_TEXTS_JS)
    assert pins and all(re.fullmatch(r"\d[\d.]*\u00a0€", text) for text in pins), pins
    tab.audit()

    # A change applied in place: the script writes the summary and the cards itself.
    page.locator('select[name="sort"]').select_option("price_asc")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    expect(page.locator("[data-summary]")).to_have_text(re.compile(r"^\d+ Unterkünfte in Paris, Frankreich$"))
    first = page.locator(".search-cards > li").first
    expect(first.locator(".card__stay")).to_contain_text("3 Nächte")
    expect(first.locator(".card__price")).to_have_text(
        re.compile(r"^\d[\d.]*\u00a0€ Nacht · \d[\d.]*\u00a0€ insgesamt$")
    )
    expect(first.locator(".card__meta")).to_contain_text(re.compile(r"\d+ (Schlafzimmer|Betten?)"))
    assert all(re.fullmatch(r"\d[\d.]*\u00a0€", text) for text in page.evaluate(PIN_TEXTS_JS))
    expect(page.get_by_role("button", name="Vergrößern")).to_be_visible()  # Leaflet's own zoom buttons too
    tab.audit()


def test_a_spanish_phone_switches_between_mapa_and_lista_and_keeps_the_correction(open_tab):
    host = person("Ola", "ola@example.com")
    ListingFactory(host=host, title="Flat by the fjord", city="Oslo", location=Point(10.75, 59.91, srid=4326))
    paris_listing(host=host, title="Flat in Paris")
    tab = speaking(open_tab("guest"), "es")
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    tab.goto("/search/?q=Olso")
    notice = page.locator("[data-corrected]")
    expect(notice).to_have_text(re.compile(r"Mostrando resultados para Oslo\s+·\s+Buscar en su lugar Olso"))
    toggle = page.get_by_role("button", name="Mostrar mapa")
    expect(toggle).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    toggle.click()
    expect(page.get_by_role("button", name="Mostrar lista")).to_be_visible()
    page.get_by_role("button", name="Mostrar lista").click()
    tab.audit()
    # Redrawn by the script after a change: the same sentence, the place still in bold.
    page.locator('select[name="sort"]').select_option("price_asc")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    expect(notice.locator("strong")).to_have_text("Oslo")
    expect(notice.get_by_role("link", name="Buscar en su lugar Olso")).to_have_attribute(
        "href", re.compile(r"exact_place=1")
    )
    expect(page.locator("[data-summary]")).to_have_text(re.compile(r"^1 alojamiento en Oslo, Noruega$"))
    tab.audit()


def test_redrawn_cards_write_money_exactly_as_the_server_did(open_tab):
    """Spanish groups thousands with a space on the server (Django's formats); the script does the same."""
    host = person("Hugo", "hugo@example.com")
    paris_world(host)
    paris_listing(host=host, title="Grand flat", base_price=Decimal("1250"), max_guests=4)
    tab = speaking(open_tab("guest"), "es")
    page = tab.page
    open_search(tab, f"/search/?q=Paris&checkin={day(30)}&checkout={day(33)}&guests=2")
    prices_js = (
        "() => Object.fromEntries([...document.querySelectorAll('.search-cards > li')]"
        ".map((li) => [li.dataset.listingId, li.querySelector('.card__price').textContent.trim()]))"
    )
    before = page.evaluate(prices_js)
    assert any(re.search(r"\d\u00a0\d{3}\u00a0€ en total", text) for text in before.values()), before
    tab.audit()
    page.locator('select[name="sort"]').select_option("price_desc")
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    expect(page.locator(".search-cards > li").first.locator(".card__title")).to_have_text("Grand flat")
    assert page.evaluate(prices_js) == before
    tab.audit()


def test_a_refused_change_is_explained_in_the_page_language(open_tab):
    paris_world(person("Hugo", "hugo@example.com"))
    tab = speaking(open_tab("guest"), "fr")
    page = tab.page
    open_search(tab, "/search/?q=Paris")
    tab.audit()
    guests = page.locator('input[name="guests"]')
    guests.fill("17")
    guests.dispatch_event("change")
    expect(page.locator("[data-search-error]")).to_have_text("Au maximum 16 voyageurs.")
    # The API's 400 is the expected answer here, not a failure of the page.
    refused = [p for p in tab.problems if ("HTTP 400" in p and "/api/v1/search/" in p) or "status of 400" in p]
    assert refused
    tab.problems[:] = [p for p in tab.problems if p not in refused]


AMOUNTS = ["0", "7", "87.35", "367.50", "1250", "1250.5", "1234567.89", "-42.10"]


def test_scripts_write_money_exactly_as_the_server_does_in_every_language(open_tab):
    """static/js/i18n.js's money() against templates/_money.html, for amounts, currencies and languages."""
    from django.template.loader import render_to_string
    from django.utils import translation

    paris_world(person("Mia", "mia@example.com"))
    for language in ("en", "es", "fr", "de", "nb"):
        tab = speaking(open_tab(f"money-{language}"), language)
        open_search(tab, "/search/?q=Paris")
        tab.audit()
        written = tab.page.evaluate(
            "([amounts, currencies]) => currencies.flatMap((c) => amounts.flatMap((a) => "
            "[window.airbnbI18n.money(a, c, true), window.airbnbI18n.money(a, c, false)]))",
            [AMOUNTS, ["EUR", "USD", "GBP", "CHF"]],
        )
        with translation.override(language):
            expected = [
                render_to_string("_money.html", {"amount": Decimal(amount), "currency": currency, "whole": whole})
                .strip()
                # The script keeps amount and symbol on one line (a no-break space where the template has a space).
                .replace(" ", "\u00a0" if language != "en" else " ")
                for currency in ("EUR", "USD", "GBP", "CHF")
                for amount in AMOUNTS
                for whole in (True, False)
            ]
        assert written == expected, language
