/*
 * Conversation page: new messages appear without a reload. Without this file the
 * page still works (send is a plain POST; reload to see replies).
 *
 * Every few seconds, while the tab is visible, ask the thread's poll URL for the
 * messages after the last one shown; the server answers them already rendered
 * (escaped) and marks them read. Polling slows down after repeated errors and
 * stops for good on 403/404 (logged out, or no longer a participant).
 */
(function () {
  "use strict";

  var list = document.querySelector("[data-poll-url]");
  if (!list || !window.fetch) return;

  var url = list.getAttribute("data-poll-url");
  var lastId = Number(list.getAttribute("data-last-id")) || 0;
  var baseDelay = (Number(list.getAttribute("data-poll-seconds")) || 8) * 1000;
  var delay = baseDelay;
  var timer = null;
  var busy = false;

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  function append(messages) {
    var stick = nearBottom();
    var empty = list.querySelector(".chat__empty");
    if (empty && messages.length) empty.remove();
    messages.forEach(function (message) {
      if (document.getElementById("message-" + message.id)) return;
      var holder = document.createElement("ol");
      holder.innerHTML = message.html; // rendered and escaped by the server's template
      while (holder.firstElementChild) list.appendChild(holder.firstElementChild);
    });
    if (stick && messages.length) list.lastElementChild.scrollIntoView({ block: "end" });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function poll() {
    if (document.hidden || busy) return schedule();
    busy = true;
    fetch(url + "?after=" + encodeURIComponent(lastId), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (response.status === 403 || response.status === 404 || response.status === 401) {
          throw new Error("stop");
        }
        if (!response.ok) throw new Error("retry");
        return response.json();
      })
      .then(function (data) {
        append(data.messages || []);
        lastId = data.last_id || lastId;
        delay = baseDelay;
        busy = false;
        schedule();
      })
      .catch(function (error) {
        busy = false;
        if (error.message === "stop") return;
        delay = Math.min(delay * 2, 120000);
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      delay = baseDelay;
      poll();
    }
  });
  schedule();
})();
