/*
 * Listing page map: when map tiles are configured (SEARCH_MAP_TILE_URL), the
 * illustrative SVG becomes an interactive Leaflet map showing the ~1 km area
 * (or the exact pin for the host and booked guests). Without tiles, or without
 * JavaScript, the SVG stays: a blank Leaflet map would say less.
 */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-map][data-tile-url]");
    if (!box || !window.L) return;
    var tiles = box.getAttribute("data-tile-url");
    var lat = parseFloat(box.getAttribute("data-lat"));
    var lng = parseFloat(box.getAttribute("data-lng"));
    if (!tiles || isNaN(lat) || isNaN(lng)) return;
    var svg = box.querySelector("svg");
    var label = svg ? (svg.querySelector("title") || {}).textContent : "";
    var canvas = document.createElement("div");
    canvas.className = "map__leaflet";
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", label || "Map");
    box.innerHTML = "";
    box.appendChild(canvas);
    var map = window.L.map(canvas, { scrollWheelZoom: false, keyboard: true });
    window.L.tileLayer(tiles, { attribution: box.getAttribute("data-attribution") || "", maxZoom: 19 }).addTo(map);
    var radius = parseFloat(box.getAttribute("data-radius"));
    if (box.hasAttribute("data-exact") || isNaN(radius)) {
      window.L.marker([lat, lng], { keyboard: false }).addTo(map);
      map.setView([lat, lng], 16);
    } else {
      var circle = window.L.circle([lat, lng], { radius: radius, color: "#e61e4d", weight: 2, fillOpacity: 0.15 });
      circle.addTo(map);
      map.fitBounds(circle.getBounds(), { padding: [16, 16] });
    }
  });
})();
