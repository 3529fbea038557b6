/*
 * The photos step, progressively enhanced. Without this file: a multi-file input and an upload
 * button; per photo, forms to caption, make cover, move earlier / later and delete.
 *
 * With it:
 * - Drag and drop: files dropped on the drop zone (or anywhere on the form) go into the file
 *   input, the zone says how many were chosen, and the form is submitted as usual.
 * - Reorder by dragging photos: the new order is sent to the photo reorder API
 *   (POST /api/v1/listings/<id>/photos/reorder/, session + CSRF) and the page reloads to show
 *   the new numbering and cover. Keyboard users keep the Earlier / Later buttons.
 * Text comes from Django's JavaScript catalogue (/i18n/js/, loaded before this file), English without it.
 */
(function () {
  "use strict";

  var i18n = window.airbnbI18n; // static/js/i18n.js, after Django's catalogue
  var gettext = i18n.gettext, ngettext = i18n.ngettext, interpolate = i18n.interpolate;

  function enhanceUpload(form) {
    var input = form.querySelector("[data-photo-input]");
    var zone = form.querySelector("[data-dropzone]");
    if (!input || !zone || !window.DataTransfer) return;
    var chosen = zone.querySelector("[data-dropzone-chosen]");
    zone.hidden = false;

    function showChosen() {
      var count = input.files ? input.files.length : 0;
      chosen.textContent = count
        ? interpolate(ngettext("%(counter)s photo chosen.", "%(counter)s photos chosen.", count), { counter: count }, true)
        : "";
    }

    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
        event.preventDefault();
        zone.classList.add("dropzone--active");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        if (event.target === form || event.target === zone) zone.classList.remove("dropzone--active");
      });
    });
    form.addEventListener("drop", function (event) {
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      zone.classList.remove("dropzone--active");
      var files = new DataTransfer();
      Array.prototype.forEach.call(input.files || [], function (file) { files.items.add(file); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) { files.items.add(file); });
      input.files = files.files;
      showChosen();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
    input.addEventListener("change", showChosen);
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function enhanceReorder(list) {
    var url = list.getAttribute("data-reorder-url");
    var status = document.querySelector("[data-photo-status]");
    var items = list.querySelectorAll("[data-photo-id]");
    if (!url || items.length < 2 || !window.fetch) return;
    var dragged = null;

    function order() {
      return Array.prototype.map.call(list.querySelectorAll("[data-photo-id]"), function (item) {
        return Number(item.getAttribute("data-photo-id"));
      });
    }

    function save(before) {
      var after = order();
      if (after.join() === before.join()) return;
      if (status) status.textContent = gettext("Saving the new order…");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ order: after }),
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          window.location.reload();
        })
        .catch(function () {
          if (status) status.textContent = gettext("The new order could not be saved. Use the Earlier and Later buttons.");
          window.location.reload();
        });
    }

    items.forEach(function (item) {
      item.setAttribute("draggable", "true");
      var before = null;
      item.addEventListener("dragstart", function (event) {
        // Only drags that start on the photo itself, not on the caption field or buttons.
        if (event.target.closest && event.target.closest("input, button, textarea")) return;
        dragged = item;
        before = order();
        item.classList.add("photo-item--dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-photo-id"));
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) return;
        event.preventDefault();
        item.classList.add("photo-item--over");
      });
      item.addEventListener("dragleave", function () { item.classList.remove("photo-item--over"); });
      item.addEventListener("drop", function (event) {
        if (!dragged || dragged === item) return;
        event.preventDefault();
        item.classList.remove("photo-item--over");
        var rect = item.getBoundingClientRect();
        var after = event.clientY > rect.top + rect.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("photo-item--dragging");
        if (dragged === item && before) save(before);
        dragged = null;
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-photo-upload]").forEach(enhanceUpload);
    document.querySelectorAll("[data-photo-list]").forEach(enhanceReorder);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
