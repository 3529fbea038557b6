/*
 * Times of messages in the reader's own time zone and language.
 *
 * The server renders <time data-local-time="datetime|date" datetime="…ISO, UTC…">28 Dec, 14:05 UTC</time>:
 * correct without this file, but in UTC. Here each such element is rewritten with
 * Intl.DateTimeFormat in the page's language (<html lang>) and the browser's time zone,
 * and its title says the full date, time and zone. Messages added later (messaging.js
 * polling) are rewritten as they arrive. Times tied to a listing (check-in) keep the
 * listing's zone and do not carry data-local-time.
 */
(function () {
  "use strict";

  if (!window.Intl || !Intl.DateTimeFormat) return;

  var language = document.documentElement.lang || undefined;
  var styles = {
    datetime: { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" },
    date: { day: "numeric", month: "short" },
  };
  var formats = {};
  var full;

  function formatter(style) {
    if (!formats[style]) {
      try {
        formats[style] = new Intl.DateTimeFormat(language, styles[style] || styles.datetime);
      } catch (error) {
        formats[style] = new Intl.DateTimeFormat(undefined, styles[style] || styles.datetime);
      }
    }
    return formats[style];
  }

  function fullFormatter() {
    if (!full) {
      try {
        full = new Intl.DateTimeFormat(language, { dateStyle: "full", timeStyle: "short" });
        full.resolvedOptions();
      } catch (error) {
        full = null;
      }
    }
    return full;
  }

  function localize(element) {
    if (element.hasAttribute("data-localized")) return;
    var when = new Date(element.getAttribute("datetime"));
    if (isNaN(when.getTime())) return;
    element.textContent = formatter(element.getAttribute("data-local-time")).format(when);
    var long = fullFormatter();
    if (long) element.title = long.format(when) + " (" + long.resolvedOptions().timeZone + ")";
    element.setAttribute("data-localized", "");
  }

  function localizeWithin(root) {
    if (root.matches && root.matches("time[data-local-time]")) localize(root);
    if (root.querySelectorAll) Array.prototype.forEach.call(root.querySelectorAll("time[data-local-time]"), localize);
  }

  localizeWithin(document);
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, localizeWithin);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
