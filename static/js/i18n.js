/*
 * What the translated scripts share (search.js, booking.js, hosttools.js, photos.js, listing_map.js):
 * Django's JavaScript catalogue (/i18n/js/, loaded before this file) with English when it is missing,
 * and numbers and money written the way the server writes them (templates/_money.html, floatformat
 * with grouping), with Django's separators for the page's language. Pages load, in order: the
 * catalogue ({% js_catalog_src %}), this file, then their own script (tests/search/test_i18n_scripts.py).
 */
(function () {
  "use strict";

  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (match) { return String(values[match.slice(2, -2)]); });
  };
  var language = document.documentElement.lang || "en";
  var english = language === "en" || language.indexOf("en-") === 0;

  function format(name, fallback) { return window.get_format ? window.get_format(name) : fallback; }

  // A number with ``decimals`` digits after the separator, digits grouped by three ("1.250,50" in German,
  // "1,250.50" in English), as Django's floatformat with "g" writes it.
  function number(value, decimals) {
    var numeric = Number(value);
    var parts = Math.abs(numeric).toFixed(decimals || 0).split(".");
    var grouped = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, format("THOUSAND_SEPARATOR", ","));
    var sign = numeric < 0 && Number(parts.join(".")) !== 0 ? "-" : "";
    return sign + (parts.length > 1 ? grouped + format("DECIMAL_SEPARATOR", ".") + parts[1] : grouped);
  }

  var SYMBOLS = { EUR: "€", USD: "$", GBP: "£" };
  var SYMBOLS_AFTER = { EUR: "€", USD: "US$", GBP: "£" };

  // Money as _money.html writes it: the symbol first in English ("€1,250"), after the amount elsewhere
  // ("1.250 €", "120 US$"), other currencies with their ISO code after ("1 250 CHF"). ``whole``: whole
  // units, rounded half away from zero (cards and pins, as Airbnb shows them); else the cents unless the
  // amount is whole (the listing page's quote).
  function money(amount, currency, whole) {
    var value = Number(amount);
    var text = whole
      ? number(Math.sign(value) * Math.round(Math.abs(value)), 0)
      : number(value, Math.round(value * 100) % 100 === 0 ? 0 : 2);
    if (english) return SYMBOLS[currency] ? SYMBOLS[currency] + text : text + " " + currency;
    return text + "\u00a0" + (SYMBOLS_AFTER[currency] || currency);
  }

  window.airbnbI18n = {
    gettext: gettext,
    ngettext: ngettext,
    interpolate: interpolate,
    say: function (format, values) { return interpolate(format, values, true); },
    language: language,
    english: english,
    number: number,
    money: money,
  };
})();
