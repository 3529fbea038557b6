/*
 * Small progressive enhancements. Every page works without this file:
 * the server validates search dates and the account menu is a plain <details>.
 */
(function () {
  "use strict";

  function isoDate(date) {
    var month = String(date.getMonth() + 1).padStart(2, "0");
    var day = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + day;
  }

  function dayAfter(iso) {
    var parts = iso.split("-").map(Number);
    return isoDate(new Date(parts[0], parts[1] - 1, parts[2] + 1));
  }

  // Search dates: nothing before today (in the traveller's own time zone),
  // and check-out always at least one night after check-in.
  function enhanceStaySearch(form) {
    var checkin = form.querySelector("[data-checkin]");
    var checkout = form.querySelector("[data-checkout]");
    if (!checkin || !checkout) return;
    var today = isoDate(new Date());
    checkin.min = today;

    function syncCheckout() {
      checkout.min = checkin.value ? dayAfter(checkin.value) : dayAfter(today);
      if (checkin.value && checkout.value && checkout.value <= checkin.value) {
        checkout.value = dayAfter(checkin.value);
      }
    }
    checkin.addEventListener("change", syncCheckout);
    syncCheckout();
  }

  // Account menu: close on Escape (returning focus to its button) or on a click elsewhere.
  function enhanceMenu(menu) {
    var summary = menu.querySelector("summary");
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        summary.focus();
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-stay-search]").forEach(enhanceStaySearch);
    // The account menu and the language chooser (templates/accounts/_language_chooser.html).
    document.querySelectorAll("[data-menu], [data-language-menu]").forEach(enhanceMenu);
    // After a failed submit, move focus to the list of problems so it is read first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
