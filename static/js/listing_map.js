/*
 * Listing page map: when map tiles are configured (SEARCH_MAP_TILE_URL: OpenStreetMap by default),
 * the illustrative SVG becomes an interactive Leaflet map showing the ~1 km area (or the exact pin
 * for the host and booked guests). Without tiles or without JavaScript the SVG stays. One tile (the
 * one under the place) is fetched first and the map is built only if it loads, so an offline or
 * blocked browser keeps the drawing after a single failed request; tiles failing later (before any
 * loaded) bring the drawing back too. A blank Leaflet map would say less.
 * Text comes from Django's JavaScript catalogue (/i18n/js/, loaded before this file), English without it.
 */
(function () {
  "use strict";

  var gettext = window.airbnbI18n.gettext; // static/js/i18n.js, after Django's catalogue

  // The slippy-map tile holding a point (https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames).
  function tileAt(lat, lng, zoom) {
    var n = Math.pow(2, zoom);
    var rad = (lat * Math.PI) / 180;
    return {
      x: Math.floor(((lng + 180) / 360) * n),
      y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
      z: zoom,
    };
  }

  function showMap(box, tiles, lat, lng) {
    var drawing = Array.prototype.slice.call(box.childNodes);
    var svg = box.querySelector("svg");
    var label = svg ? (svg.querySelector("title") || {}).textContent : "";
    var canvas = document.createElement("div");
    canvas.className = "map__leaflet";
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", label || gettext("Map"));
    box.innerHTML = "";
    box.appendChild(canvas);
    var map = window.L.map(canvas, { scrollWheelZoom: false, keyboard: true, maxZoom: 19, zoomControl: false });
    window.L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
    var loaded = 0;
    var offline = false;
    var layer = window.L.tileLayer(tiles, { attribution: box.getAttribute("data-attribution") || "", maxZoom: 19 });
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () {
      if (loaded || offline) return;
      offline = true;
      // Stop asking the tile server and show the drawing again (the hidden map is left alone:
      // removing it mid-animation throws).
      setTimeout(function () {
        map.removeLayer(layer);
        canvas.hidden = true;
        drawing.forEach(function (node) { box.appendChild(node); });
        box.classList.add("is-offline");
      }, 0);
    });
    layer.addTo(map);
    var radius = parseFloat(box.getAttribute("data-radius"));
    if (box.hasAttribute("data-exact") || isNaN(radius)) {
      window.L.marker([lat, lng], { keyboard: false }).addTo(map);
      map.setView([lat, lng], 16);
    } else {
      // The view first: a circle added to a map without one is not placed yet and has no bounds.
      map.setView([lat, lng], 15);
      var circle = window.L.circle([lat, lng], { radius: radius, color: "#e61e4d", weight: 2, fillOpacity: 0.15 });
      circle.addTo(map);
      map.fitBounds(circle.getBounds(), { padding: [16, 16], animate: false });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-map][data-tile-url]");
    if (!box || !window.L) return;
    var tiles = box.getAttribute("data-tile-url");
    var lat = parseFloat(box.getAttribute("data-lat"));
    var lng = parseFloat(box.getAttribute("data-lng"));
    if (!tiles || isNaN(lat) || isNaN(lng)) return;
    var probe = new Image();
    probe.onload = function () { showMap(box, tiles, lat, lng); };
    probe.onerror = function () { box.classList.add("is-offline"); };
    var tile = tileAt(lat, lng, box.hasAttribute("data-exact") ? 16 : 15);
    probe.src = window.L.Util.template(tiles, { s: "a", z: tile.z, x: tile.x, y: tile.y, r: "" });
  });
})();
