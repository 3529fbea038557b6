/*
 * Wishlist hearts, progressively enhanced. Without this file every heart is a plain POST form
 * that saves or unsaves and comes back to the page with a message.
 *
 * With it, a click sends the same form in the background (Accept: application/json), flips the
 * heart (aria-pressed, its label and text) and announces the result in a live region. Every heart
 * for the same listing on the page follows. Share links select themselves on focus.
 */
(function () {
  "use strict";

  var live;

  function announce(text) {
    if (!live) {
      live = document.createElement("p");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function render(button, saved) {
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    var label = button.getAttribute(saved ? "data-label-on" : "data-label-off");
    if (label) button.setAttribute("aria-label", label);
    var text = button.querySelector("[data-text-on]");
    if (text) text.textContent = text.getAttribute(saved ? "data-text-on" : "data-text-off");
  }

  function enhance(form) {
    var button = form.querySelector("button[aria-pressed]");
    if (!button) return;
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      if (button.getAttribute("aria-busy") === "true") return;
      button.setAttribute("aria-busy", "true");
      var data = new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
      })
        .then(function (response) {
          if (response.status === 401 || response.status === 403) {
            form.submit(); // let the server answer as a page (login, or a fresh CSRF token)
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (body) {
          if (!body) return;
          var action = form.getAttribute("action");
          document.querySelectorAll("form[data-wishlist-toggle]").forEach(function (other) {
            var otherButton = other.querySelector("button[aria-pressed]");
            if (otherButton && other.getAttribute("action") === action) render(otherButton, body.saved);
          });
          announce(body.message);
        })
        .catch(function () {
          form.submit(); // fall back to the plain form
        })
        .finally(function () {
          button.removeAttribute("aria-busy");
        });
    });
  }

  function init() {
    document.querySelectorAll("form[data-wishlist-toggle]").forEach(enhance);
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
