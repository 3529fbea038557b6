/*
 * Host pages. Everything here is an enhancement: the pages work without it.
 * - the host navigation bar: on a phone, the current item is scrolled into view;
 * - the all-listings calendar: buttons scroll the days sideways;
 * - a listing's month: pick a range of nights (see below); the range form is filled in.
 */
(function () {
  "use strict";

  var nav = document.querySelector(".host-nav__list");
  var current = nav && nav.querySelector("[aria-current=page]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    var item = current.parentElement;
    nav.scrollLeft = Math.max(0, item.offsetLeft - (nav.clientWidth - item.offsetWidth) / 2);
  }

  document.querySelectorAll("[data-scroll-controls]").forEach(function (controls) {
    var scroller = document.getElementById(controls.getAttribute("data-scroll-controls"));
    if (!scroller) return;
    var buttons = controls.querySelectorAll("[data-scroll-step]");
    var sticky = scroller.querySelector("th[scope=row]");

    /* aria-disabled, not disabled: a button pressed to the end keeps the keyboard focus. */
    function update() {
      var max = scroller.scrollWidth - scroller.clientWidth;
      controls.hidden = max <= 1;
      buttons[0].setAttribute("aria-disabled", String(scroller.scrollLeft <= 1));
      buttons[buttons.length - 1].setAttribute("aria-disabled", String(scroller.scrollLeft >= max - 1));
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-disabled") === "true") return;
        var page = scroller.clientWidth - (sticky ? sticky.offsetWidth : 0);
        var step = Number(button.getAttribute("data-scroll-step")) * Math.max(page * 0.8, 100);
        var smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        scroller.scrollBy({ left: step, behavior: smooth ? "smooth" : "auto" });
      });
    });
    scroller.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });
})();

/*
 * A listing's month: select a range of nights, then the range form changes them.
 * Mouse: click a first and a last night, or drag across nights; Shift+click extends.
 * Keyboard (roving focus over the nights that can still change): arrow keys move,
 * Space/Enter selects (first, then last night), Shift+arrows extend, Escape clears.
 * The grid becomes an ARIA grid (aria-selected on each night) and a live region says
 * what is selected; without this script the form's date fields do the same job.
 * Text comes from Django's JavaScript catalogue (/i18n/js/, loaded before this file by the host
 * layout), English without it; dates are written the way the page's <html lang> writes them.
 */
(function () {
  "use strict";

  // Text in the page's language (static/js/i18n.js, after Django's catalogue); English without them.
  var i18n = window.airbnbI18n;
  var gettext = i18n.gettext, ngettext = i18n.ngettext, say = i18n.say;
  var language = i18n.language, english = i18n.english;
  // Day and month, as the host pages write them ("12 Dec" in English, "12 dic", "12. Dez.").
  var dayMonth = new Intl.DateTimeFormat(english ? "en-GB" : language, { day: "numeric", month: "short", timeZone: "UTC" });

  function parts(iso) {
    return iso.split("-").map(Number); // [year, month, day]
  }

  function nightsBetween(from, to) {
    var a = parts(from), b = parts(to);
    return Math.round((Date.UTC(b[0], b[1] - 1, b[2]) - Date.UTC(a[0], a[1] - 1, a[2])) / 86400000) + 1;
  }

  function utc(iso) {
    var p = parts(iso);
    return new Date(Date.UTC(p[0], p[1] - 1, p[2]));
  }

  /* "12–14 Dec", "30 Dec – 2 Jan", "12 Dec" (in English; each language writes its own range). */
  function rangeLabel(from, to) {
    if (from === to || !dayMonth.formatRange) {
      return from === to ? dayMonth.format(utc(from)) : dayMonth.format(utc(from)) + " – " + dayMonth.format(utc(to));
    }
    return dayMonth.formatRange(utc(from), utc(to));
  }

  function nightsText(count) {
    return say(ngettext("%(counter)s night", "%(counter)s nights", count), { counter: count });
  }

  function init(calendar) {
    var form = document.querySelector("[data-range-form]");
    if (!form) return;
    var first = form.querySelector("[name=first_night]");
    var last = form.querySelector("[name=last_night]");
    if (!first || !last) return;
    var status = document.querySelector("[data-range-status]");
    var clear = form.querySelector("[data-range-clear]");
    var help = document.querySelector("[data-range-help]");
    var bar = document.querySelector("[data-range-bar]"); // smaller screens: the form is below the grid
    var barText = bar && bar.querySelector("[data-range-bar-text]");
    var allCells = Array.prototype.slice.call(calendar.querySelectorAll("td[data-date]"));
    var cells = allCells.filter(function (cell) { return !cell.hasAttribute("data-past"); });
    if (!cells.length) return;
    var byDate = {};
    cells.forEach(function (cell, index) { byDate[cell.getAttribute("data-date")] = index; });

    var anchor = null;      // the night a selection grows from
    var awaitingEnd = false; // a first night is chosen; the next choice ends the range
    var drag = null;        // {from: date, moved: bool} while the mouse button is down

    /* An ARIA grid: rows of gridcells, the selectable ones with aria-selected. */
    calendar.setAttribute("role", "grid");
    calendar.setAttribute("aria-multiselectable", "true");
    calendar.setAttribute("aria-describedby", "range-help");
    calendar.classList.add("is-interactive");
    allCells.forEach(function (cell) {
      cell.setAttribute("role", "gridcell");
      if (cell.hasAttribute("data-past")) cell.setAttribute("aria-disabled", "true");
      else cell.setAttribute("aria-selected", "false");
    });
    if (help) help.hidden = false;
    if (clear) clear.hidden = false;

    function dateOf(cell) { return cell.getAttribute("data-date"); }

    function focusCell(cell, moveFocus) {
      cells.forEach(function (other) { other.tabIndex = other === cell ? 0 : -1; });
      if (moveFocus) cell.focus();
    }

    function select(from, to, announce) {
      if (to < from) { var swap = from; from = to; to = swap; }
      first.value = from;
      last.value = to;
      paint(announce);
    }

    function paint(announce) {
      var from = first.value, to = last.value;
      var valid = Boolean(from && to && from <= to);
      allCells.forEach(function (cell) {
        var date = dateOf(cell);
        var on = valid && date >= from && date <= to && !cell.hasAttribute("data-past");
        if (!cell.hasAttribute("data-past")) cell.setAttribute("aria-selected", on ? "true" : "false");
        cell.classList.toggle("is-selected", on);
        cell.classList.toggle("is-range-start", on && date === from);
        cell.classList.toggle("is-range-end", on && date === to);
        var day = cell.querySelector(".day");
        if (day) day.classList.toggle("is-selected", on);
      });
      if (bar) {
        bar.hidden = !valid;
        if (valid) {
          var nights = nightsBetween(from, to);
          barText.textContent = rangeLabel(from, to) + " · " + nightsText(nights);
        }
      }
      if (!status || announce === false) return;
      if (!valid) {
        status.textContent = gettext("No nights selected.");
      } else {
        var count = nightsBetween(from, to);
        status.textContent = say(
          ngettext("%(range)s selected, %(counter)s night.", "%(range)s selected, %(counter)s nights.", count),
          { range: rangeLabel(from, to), counter: count }
        ) + (awaitingEnd ? " " + gettext("Choose the last night.") : "");
      }
    }

    /* A click, a tap, Space or Enter on a night. */
    function choose(cell, extend) {
      var date = dateOf(cell);
      if (extend && anchor) {
        awaitingEnd = false;
        select(anchor, date);
      } else if (awaitingEnd && anchor) {
        awaitingEnd = false;
        select(anchor, date);
      } else {
        anchor = date;
        awaitingEnd = true;
        select(date, date);
      }
      focusCell(cell, false);
    }

    function cellFrom(target) {
      var cell = target && target.closest ? target.closest("td[data-date]") : null;
      return cell && byDate[dateOf(cell)] !== undefined ? cell : null;
    }

    calendar.addEventListener("mousedown", function (event) {
      if (event.button !== 0 || event.target.closest("a")) return; // booking links keep working
      var cell = cellFrom(event.target);
      if (!cell) return;
      event.preventDefault(); // no text selection while dragging
      cell.focus();
      if (event.shiftKey && anchor) {
        choose(cell, true);
        return;
      }
      drag = { from: dateOf(cell), moved: false };
    });
    calendar.addEventListener("mouseover", function (event) {
      if (!drag) return;
      var cell = cellFrom(event.target);
      if (!cell || (!drag.moved && dateOf(cell) === drag.from)) return;
      drag.moved = true;
      anchor = drag.from;
      awaitingEnd = false;
      select(drag.from, dateOf(cell), false);
      focusCell(cell, false);
    });
    document.addEventListener("mouseup", function (event) {
      if (!drag) return;
      var started = drag;
      drag = null;
      if (started.moved) {
        paint(); // announce the dragged range once, at the end
        return;
      }
      var cell = cellFrom(event.target);
      if (cell && dateOf(cell) === started.from) choose(cell, false);
    });

    calendar.addEventListener("keydown", function (event) {
      var cell = cellFrom(event.target);
      if (!cell) return;
      var index = byDate[dateOf(cell)];
      var steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
      var target = null;
      if (event.key in steps) {
        target = cells[index + steps[event.key]] || null;
        if (!target && (event.key === "ArrowLeft" || event.key === "ArrowUp")) target = cells[0];
        if (!target && (event.key === "ArrowRight" || event.key === "ArrowDown")) target = cells[cells.length - 1];
      } else if (event.key === "Home") {
        target = cells[0];
      } else if (event.key === "End") {
        target = cells[cells.length - 1];
      } else if (event.key === " " || event.key === "Enter") {
        if (event.target.closest("a")) return; // Enter on a booking link follows it
        event.preventDefault();
        choose(cell, event.shiftKey);
        return;
      } else if (event.key === "Escape") {
        anchor = null;
        awaitingEnd = false;
        first.value = "";
        last.value = "";
        paint();
        return;
      } else {
        return;
      }
      event.preventDefault();
      if (!target || target === cell) return;
      focusCell(target, true);
      if (event.shiftKey) {
        if (!anchor) anchor = dateOf(cell);
        awaitingEnd = false;
        select(anchor, dateOf(target));
      }
    });

    if (clear) {
      clear.addEventListener("click", function () {
        anchor = null;
        awaitingEnd = false;
        first.value = "";
        last.value = "";
        paint();
        focusCell(cells[0], true);
      });
    }
    first.addEventListener("change", function () { anchor = first.value || null; awaitingEnd = false; paint(); });
    last.addEventListener("change", function () { awaitingEnd = false; paint(); });

    /* Start where the form's range starts (after a refused change) or at the first night that can change. */
    var start = byDate[first.value] !== undefined ? cells[byDate[first.value]] : cells[0];
    if (first.value) anchor = first.value;
    focusCell(start, false);
    paint(false);
  }

  document.querySelectorAll("[data-range-calendar]").forEach(init);
})();
