/*
 * Host calendar: pick a range of nights by clicking a first and a last night in the
 * month grid; the range form below (which works without this script) is filled in.
 */
(function () {
  "use strict";

  function init(calendar) {
    var form = document.querySelector("[data-range-form]");
    if (!form) return;
    var first = form.querySelector("[name=first_night]");
    var last = form.querySelector("[name=last_night]");
    if (!first || !last) return;
    var days = Array.prototype.slice.call(calendar.querySelectorAll(".day:not(.day--past)"));
    var anchor = null;

    function paint() {
      var from = first.value, to = last.value;
      days.forEach(function (day) {
        var date = day.getAttribute("data-date");
        day.classList.toggle("is-selected", Boolean(from && to && date >= from && date <= to));
      });
    }

    days.forEach(function (day) {
      day.setAttribute("tabindex", "0");
      day.setAttribute("role", "button");
      day.setAttribute("aria-label", "Select " + day.getAttribute("data-date"));
      function choose() {
        var date = day.getAttribute("data-date");
        if (anchor === null) {
          anchor = date;
          first.value = date;
          last.value = date;
        } else {
          first.value = date < anchor ? date : anchor;
          last.value = date < anchor ? anchor : date;
          anchor = null;
        }
        paint();
      }
      day.addEventListener("click", function (event) {
        if (event.target.closest("a")) return; // booking links keep working
        choose();
      });
      day.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          choose();
        }
      });
    });
    first.addEventListener("change", paint);
    last.addEventListener("change", paint);
    paint();
  }

  document.querySelectorAll("[data-range-calendar]").forEach(init);
})();
