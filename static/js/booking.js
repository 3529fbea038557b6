/*
 * Booking pages, progressively enhanced. Without this file everything still works:
 * the booking box is a GET form the server answers, checkout is a plain POST.
 *
 * - Listing page: when dates or guests change, ask /api/v1/listings/<id>/quote/
 *   and redraw the price, availability and alternatives without a reload.
 * - Checkout: a second click on "Confirm and pay" does nothing while the first
 *   submission is on its way (the server's idempotency key is the real guarantee).
 */
(function () {
  "use strict";

  // Text and money in the page's language (static/js/i18n.js, after Django's catalogue); English without them.
  var i18n = window.airbnbI18n;
  var gettext = i18n.gettext, ngettext = i18n.ngettext, interpolate = i18n.interpolate;
  var language = i18n.language, english = i18n.english;
  var dayFormat = new Intl.DateTimeFormat(english ? "en-GB" : language, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

  // Same output as templates/_money.html: the cents unless the amount is whole.
  function money(amount, currency) { return i18n.money(amount, currency, false); }

  function day(iso) {
    var parts = iso.split("-").map(Number);
    return dayFormat.format(new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function query(checkIn, checkOut, guests) {
    return new URLSearchParams({ check_in: checkIn, check_out: checkOut, guests: guests }).toString();
  }


  // The average nightly price, rounded half-up to cents like the server does.
  function nightlyAverage(nights) {
    var cents = nights.reduce(function (sum, night) { return sum + Math.round(Number(night.price) * 100); }, 0);
    return Math.round(cents / nights.length) / 100;
  }

  function amountCell(amount, currency) {
    var dd = element("dd");
    var value = Number(amount);
    if (value < 0) {
      var sign = element("span", "", "−");
      sign.setAttribute("aria-hidden", "true");
      dd.appendChild(sign);
      dd.appendChild(element("span", "visually-hidden", gettext("minus") + " "));
    }
    dd.appendChild(document.createTextNode(money(Math.abs(value), currency)));
    return dd;
  }

  function breakdown(quote) {
    var list = element("dl", "breakdown");
    quote.lines.forEach(function (line) {
      var row = element("div", "breakdown__line breakdown__line--" + line.code);
      var label = line.label;
      if (line.code === "accommodation" && quote.nights.length) {
        label = money(nightlyAverage(quote.nights), quote.currency) + " × " + line.label;
      }
      row.appendChild(element("dt", "", label));
      row.appendChild(amountCell(line.amount, quote.currency));
      list.appendChild(row);
    });
    var total = element("div", "breakdown__total");
    var term = element("dt", "", gettext("Total") + " ");
    term.appendChild(element("span", "breakdown__currency", "(" + quote.currency + ")"));
    total.appendChild(term);
    total.appendChild(amountCell(quote.total, quote.currency));
    list.appendChild(total);
    return list;
  }

  function enhanceBookingBox(box) {
    var form = box.querySelector("[data-booking-form]");
    var result = box.querySelector("[data-booking-result]");
    var status = box.querySelector("[data-booking-status]");
    if (!form || !result || !window.fetch) return;
    var checkIn = form.elements.check_in;
    var checkOut = form.elements.check_out;
    var guests = form.elements.guests;
    var currency = box.dataset.currency;
    var instantBook = box.dataset.instantBook === "true";
    var timer = null;
    var inFlight = null;

    function announce(message) {
      if (status) status.textContent = message;
    }

    // Server-rendered errors describe the old values; the new answer replaces them.
    function clearErrors() {
      form.querySelectorAll("[data-error-summary], .field__error").forEach(function (node) { node.remove(); });
      form.querySelectorAll(".is-invalid").forEach(function (node) { node.classList.remove("is-invalid"); });
      form.querySelectorAll("[aria-invalid]").forEach(function (input) {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      });
    }

    function unavailable(message, alternatives, nights) {
      var note = element("div", "availability-note availability-note--no");
      note.appendChild(element("p", "", message));
      if (alternatives && alternatives.length) {
        note.appendChild(element("p", "", interpolate(
          ngettext("Free dates nearby for %(counter)s night:", "Free dates nearby for %(counter)s nights:", nights),
          { counter: nights }, true)));
        var list = element("ul", "alternatives");
        list.setAttribute("role", "list");
        alternatives.forEach(function (alternative) {
          var item = element("li");
          var link = element("a", "", day(alternative.check_in) + " – " + day(alternative.check_out));
          link.href = "?" + query(alternative.check_in, alternative.check_out, guests.value || 1) + "#booking";
          link.addEventListener("click", function (event) {
            event.preventDefault();
            checkIn.value = alternative.check_in;
            checkOut.value = alternative.check_out;
            update();
            checkIn.focus();
          });
          item.appendChild(link);
          list.appendChild(item);
        });
        note.appendChild(list);
      }
      return note;
    }

    function markCalendar(first, last) {
      document.querySelectorAll(".cal__day[data-date]").forEach(function (cell) {
        var chosen = first && cell.dataset.date >= first && cell.dataset.date < last;
        cell.classList.toggle("cal__day--chosen", Boolean(chosen));
        var hint = cell.querySelector("[data-chosen-hint]");
        if (chosen && !hint) {
          hint = element("span", "visually-hidden", gettext(", your dates"));
          hint.setAttribute("data-chosen-hint", "");
          cell.appendChild(hint);
        } else if (!chosen && hint) {
          hint.remove();
        }
      });
    }

    function render(data) {
      var quote = data.quote;
      var nights = quote.nights.length;
      var own = data.reason && data.reason.code === "own_listing";
      result.replaceChildren();
      if (data.available) {
        result.appendChild(element("p", "availability-note availability-note--ok",
          interpolate(ngettext("Available for %(counter)s night", "Available for %(counter)s nights", nights),
            { counter: nights }, true) + ", " + day(quote.check_in) + " – " + day(quote.check_out)));
      } else if (own) {
        result.appendChild(element("p", "availability-note",
          gettext("This is your listing, so you can't book it. Guests would pay this for these dates:")));
      } else {
        result.appendChild(unavailable(data.reason.message, data.alternatives, nights));
      }
      if (data.available || own) result.appendChild(breakdown(quote));
      if (data.available) {
        var reserve = element("a", "button button--primary button--block", gettext("Reserve"));
        reserve.href = box.dataset.checkoutUrl + "?" + query(quote.check_in, quote.check_out, quote.guests);
        result.appendChild(reserve);
        result.appendChild(element("p", "price-box__note", instantBook
          ? gettext("Instant Book: your stay is confirmed as soon as you pay.")
          : gettext("You won't be charged until the host accepts your request.")));
        announce(interpolate(gettext("Available. Total %(total)s."), { total: money(quote.total, currency) }, true));
      } else if (!own) {
        announce(data.reason.message);
      }
      markCalendar(quote.check_in, quote.check_out);
    }

    function showProblem(message) {
      result.replaceChildren(unavailable(message, [], 0));
      announce(message);
    }

    function update() {
      var first = checkIn.value;
      var last = checkOut.value;
      if (!first || !last || last <= first) return;
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      var url = box.dataset.quoteUrl + "?" + query(first, last, guests.value || 1);
      result.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: inFlight.signal })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          clearErrors();
          if (answer.ok) {
            render(answer.body);
            history.replaceState(null, "", "?" + query(first, last, guests.value || 1) + "#booking");
          } else {
            showProblem((answer.body.error && answer.body.error.message) || gettext("Check your dates and guests."));
          }
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          announce(gettext("We couldn't update the price. Use “Check availability” to try again."));
        })
        .finally(function () { result.removeAttribute("aria-busy"); });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    }

    [checkIn, checkOut, guests].forEach(function (input) {
      input.addEventListener("change", schedule);
    });
    guests.addEventListener("input", schedule);
  }

  function guardCheckout(form) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
      var button = form.querySelector("[type=submit]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("is-busy");
      }
    });
    // Coming back with the browser's back button must allow a new attempt.
    window.addEventListener("pageshow", function () {
      sending = false;
      var button = form.querySelector("[type=submit]");
      if (button) {
        button.removeAttribute("aria-disabled");
        button.classList.remove("is-busy");
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-booking-box]").forEach(enhanceBookingBox);
    document.querySelectorAll("[data-checkout-form]").forEach(guardCheckout);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
