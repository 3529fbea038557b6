/*
 * The search results page, enhanced. The page works without this file (every filter is a
 * plain GET form field, the server renders results and counts). With it:
 *   - changing a filter, the sort or the page fetches /api/v1/search/ with the same query
 *     string and updates results, counts, histogram and map pins in place; the address bar
 *     follows (history.pushState), so every state stays shareable and the back button works;
 *   - the map (Leaflet and Leaflet.markercluster, served from /static/vendor/) shows a price pin per
 *     result, clustered into numbered bubbles where they crowd; hovering or focusing a card highlights
 *     its pin (or the cluster holding it) and hovering a pin highlights its card; "Search as I move
 *     the map" searches the visible area after each move. The background is the configured tile
 *     layer (OpenStreetMap by default) over an offline drawing (a light grid) that shows when tiles
 *     are off or cannot load: one tile is fetched first and the layer is added only if it loads, so
 *     an offline browser makes one failed request, not one per tile per move;
 *   - filters open in a modal sheet (a <details> without the script) and apply as they change;
 *   - on phones a floating button switches between the list and the map;
 *   - shown cards are re-checked against /api/v1/search/availability/ (a stay booked since
 *     the page was rendered is marked, and a changed total is updated).
 * No inline scripts (CSP script-src 'self'): initial data comes from a data-json attribute.
 * Text is in the page's language through Django's JavaScript catalogue (/i18n/js/, then i18n.js, both
 * loaded before this file; locale/<code>/LC_MESSAGES/djangojs.po), with English when it is missing;
 * numbers and money as the server writes them, dates by the page's <html lang>.
 */
(function () {
  "use strict";

  var page = document.querySelector("[data-search-page]");
  var form = document.querySelector("[data-search-form]");
  if (!page || !form) return;
  document.documentElement.classList.add("js-search");

  var apiUrl = page.getAttribute("data-api");
  var recheckUrl = page.getAttribute("data-recheck");
  var results = document.querySelector("[data-results]");
  var dataBlock = document.getElementById("search-data");
  var state = dataBlock ? JSON.parse(dataBlock.getAttribute("data-json")) : null;
  var map = null;
  var pinLayer = null;
  var movingProgrammatically = false;
  var pending = null;

  // --- helpers ------------------------------------------------------------------------
  // Text, numbers and money in the page's language (static/js/i18n.js, loaded before this file).
  var i18n = window.airbnbI18n;
  var gettext = i18n.gettext, ngettext = i18n.ngettext, say = i18n.say;
  var language = i18n.language;
  function number(value) { return i18n.number(value, 0); }
  var rating = { format: function (value) { return i18n.number(value, 2); } };
  var dayFormat = new Intl.DateTimeFormat(language, { month: "short", day: "numeric" });

  // The cards' width in the grid, as in templates/search/_card.html (the browser picks a variant).
  var CARD_SIZES = "(min-width: 1600px) 16vw, (min-width: 950px) 20vw, (min-width: 744px) 45vw, 100vw";

  // Whole currency units on cards and pins, as Airbnb shows prices (the quote keeps the cents).
  function money(amount, currency) { return i18n.money(amount, currency, true); }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function shortDate(iso) {
    var parts = iso.split("-").map(Number);
    return dayFormat.format(new Date(parts[0], parts[1] - 1, parts[2]));
  }

  function queryString(extra) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "" && value !== null) params.append(key, value);
    });
    Object.keys(extra || {}).forEach(function (key) {
      params.delete(key);
      if (extra[key] !== null && extra[key] !== "") params.set(key, extra[key]);
    });
    if (params.get("flex_days") === "0") params.delete("flex_days");
    if (params.get("price_type") === "nightly") params.delete("price_type");
    if (params.get("sort") === "recommended") params.delete("sort");
    return params.toString();
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- rendering ------------------------------------------------------------------------
  function renderCard(item) {
    var price = item.price;
    var photo = item.photos[0];
    var guests = Number(new FormData(form).get("guests") || 1);
    var link = item.url + (price.check_in ? "?check_in=" + price.check_in + "&check_out=" + price.check_out +
      (guests > 1 ? "&guests=" + guests : "") : "");
    var rating = item.rating_count
      ? el("p", { class: "card__rating" }, [
          el("span", { "aria-hidden": "true", text: "★ " + rating.format(item.rating_avg) + " (" + number(item.rating_count) + ")" }),
          el("span", { class: "visually-hidden", text: say(
            ngettext("Rated %(rating)s out of 5 in %(counter)s review", "Rated %(rating)s out of 5 in %(counter)s reviews", item.rating_count),
            { rating: rating.format(item.rating_avg), counter: item.rating_count }) }),
        ])
      : el("p", { class: "card__rating card__rating--new", text: gettext("New") });
    var priceLine = price.total
      ? el("p", { class: "card__price" }, [
          el("strong", { text: money(price.nightly, price.currency) }), " " + gettext("night") + " · ",
          el("span", { class: "card__total", text: say(gettext("%(total)s total"), { total: money(price.total, price.currency) }) }),
        ])
      : el("p", { class: "card__price" }, [el("strong", { text: money(price.nightly, price.currency) }), " " + gettext("night")]);
    var meta = [
      item.room_type_label,
      say(ngettext("%(counter)s bedroom", "%(counter)s bedrooms", item.bedrooms), { counter: item.bedrooms }),
      say(ngettext("%(counter)s bed", "%(counter)s beds", item.beds), { counter: item.beds }),
    ].concat(item.instant_book ? [gettext("Instant Book")] : []).join(" · ");
    var body = el("div", { class: "card__body" }, [
      el("div", { class: "card__top" }, [
        el("p", { class: "card__location", text: (item.neighbourhood ? item.neighbourhood + ", " : "") + item.city }),
        rating,
      ]),
      el("h3", { class: "card__title" }, [el("a", { class: "card__link", href: link, text: item.title })]),
      el("p", { class: "card__meta", text: meta }),
      price.check_in
        ? el("p", { class: "card__stay", "data-stay": "" }, [
            shortDate(price.check_in) + " – " + shortDate(price.check_out) + " · " +
              say(ngettext("%(counter)s night", "%(counter)s nights", price.nights), { counter: price.nights }),
            el("span", { class: "visually-hidden", text: gettext(", fees included") }),
          ])
        : null,
      priceLine,
    ]);
    if (item.ranking) {
      var list = el("dl");
      Object.keys(item.ranking.components).forEach(function (name) {
        list.appendChild(el("dt", { text: name }));
        list.appendChild(el("dd", { text: String(item.ranking.components[name]) }));
      });
      body.appendChild(el("details", { class: "card__explain" }, [el("summary", { text: say(gettext("Score %(score)s"), { score: item.ranking.score.toFixed(3) }) }), list]));
    }
    var photoBox = el("div", { class: "card__photo" }, [
      photo
        ? el("img", photo.srcset
            ? { src: photo.url, srcset: photo.srcset, sizes: CARD_SIZES, alt: photo.caption || item.title, loading: "lazy", decoding: "async" }
            : { src: photo.url, alt: photo.caption || item.title, loading: "lazy", decoding: "async" })
        : el("div", { class: "card__no-photo" }, [el("span", { text: gettext("No photos yet") })]),
      item.is_superhost ? el("span", { class: "card__badge", text: gettext("Superhost") }) : null,
    ]);
    return el("li", { "data-listing-id": String(item.id) }, [el("article", { class: "card" }, [photoBox, body])]);
  }

  function renderResults(data) {
    var holder = results.querySelector("[data-cards]");
    if (!holder) return;
    holder.textContent = "";
    if (!data.results.length) {
      holder.appendChild(el("div", { class: "empty-state" }, [
        el("p", { class: "empty-state__title", text: data.place
          ? say(gettext("No stays match in %(place)s."), { place: data.place.name })
          : gettext("No stays match.") }),
        el("p", { text: gettext("Try other dates, fewer filters, or move the map.") }),
      ]));
    } else {
      var list = el("ul", { class: "card-grid search-cards", role: "list" });
      data.results.forEach(function (item) { list.appendChild(renderCard(item)); });
      holder.appendChild(list);
      if (data.pages > 1) holder.appendChild(renderPagination(data));
    }
    var corrected = results.querySelector("[data-corrected]");
    if (corrected) {
      // "Showing results for Oslo · Search instead for Olso": only while the place is a typo's correction.
      corrected.textContent = "";
      corrected.hidden = !(data.corrected_from && data.place);
      if (!corrected.hidden) {
        // The place in bold inside the translated sentence, wherever the language puts it.
        var sentence = gettext("Showing results for %(place)s").split("%(place)s");
        corrected.appendChild(document.createTextNode(sentence[0]));
        corrected.appendChild(el("strong", { text: data.place.name }));
        if (sentence.length > 1) corrected.appendChild(document.createTextNode(sentence[1]));
        corrected.appendChild(document.createTextNode(" · "));
        corrected.appendChild(el("a", { href: "?" + queryString({ exact_place: "1", page: null, bbox: null }), "data-exact-place": "",
          text: say(gettext("Search instead for %(typed)s"), { typed: data.corrected_from }) }));
      }
    }
    var summary = results.querySelector("[data-summary]");
    if (summary) {
      var values = { count: number(data.count) };
      if (data.place && !form.querySelector("[data-bbox]").value) {
        values.place = data.place.label;
        summary.textContent = data.count_is_estimate
          ? say(gettext("About %(count)s stays in %(place)s"), values)
          : say(ngettext("%(count)s stay in %(place)s", "%(count)s stays in %(place)s", data.count), values);
      } else {
        summary.textContent = data.count_is_estimate
          ? say(gettext("About %(count)s stays in the map area"), values)
          : say(ngettext("%(count)s stay in the map area", "%(count)s stays in the map area", data.count), values);
      }
    }
  }

  function renderPagination(data) {
    var items = [];
    if (data.page > 1) items.push(el("li", {}, [el("a", { class: "pagination__step", href: "?" + queryString({ page: data.page - 1 }), rel: "prev", "data-page": String(data.page - 1), text: gettext("Previous") })]));
    items.push(el("li", {}, [el("span", { class: "pagination__page", "aria-current": "page", text: String(data.page) })]));
    if (data.page < data.pages) items.push(el("li", {}, [el("a", { class: "pagination__step", href: "?" + queryString({ page: data.page + 1 }), rel: "next", "data-page": String(data.page + 1), text: gettext("Next") })]));
    return el("nav", { class: "pagination", "aria-label": gettext("Result pages") }, [el("ul", { role: "list" }, items)]);
  }

  function renderFacets(facets) {
    ["room_type", "property_type", "amenities"].forEach(function (name) {
      var counts = facets[name === "room_type" ? "room_types" : name === "property_type" ? "property_types" : "amenities"] || {};
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
        var badge = input.closest(".filter-check").querySelector(".filter-count");
        if (badge) badge.textContent = number(counts[input.value] || 0);
      });
    });
    ["instant_book", "superhost"].forEach(function (name) {
      var input = form.querySelector('input[name="' + name + '"]');
      var badge = input && input.closest(".filter-check").querySelector(".filter-count");
      if (badge) badge.textContent = number((facets.toggles || {})[name] || 0);
    });
    var histogram = form.querySelector("[data-histogram]");
    var counts = facets.price_histogram && facets.price_histogram.counts;
    var range = form.querySelectorAll(".histogram__range span");
    if (range.length === 2 && facets.price_histogram) {
      range[0].textContent = number(facets.price_histogram.min);
      range[1].textContent = number(facets.price_histogram.max) + "+";
    }
    if (histogram && counts) {
      var peak = Math.max.apply(null, counts.concat([1]));
      histogram.textContent = "";
      counts.forEach(function (n) {
        var bar = el("span", { class: "histogram__bar", title: number(n) });
        bar.style.height = Math.round((100 * n) / peak) + "%";
        histogram.appendChild(bar);
      });
    }
  }

  function showError(message) {
    var box = results.querySelector("[data-search-error]");
    if (!box) {
      box = el("div", { class: "form-errors", role: "alert", "data-search-error": "" });
      results.insertBefore(box, results.firstChild);
    }
    box.textContent = message;
  }

  function clearError() {
    var box = results.querySelector("[data-search-error]");
    if (box) box.remove();
  }

  // --- fetching -------------------------------------------------------------------------
  function search(extra, push) {
    var qs = queryString(extra);
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    return fetch(apiUrl + "?" + qs, { headers: { Accept: "application/json" }, signal: pending.signal })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (reply) {
        results.removeAttribute("aria-busy");
        if (!reply.ok) {
          var error = reply.body.error || {};
          // A field's own message reads better than the summary ("guests: …"); both are in the page's language.
          var fields = error.fields ? Object.keys(error.fields) : [];
          var fieldMessage = fields.length && [].concat(error.fields[fields[0]])[0];
          showError(fieldMessage || error.message || gettext("The search could not be run."));
          return;
        }
        clearError();
        state = reply.body;
        renderResults(state);
        renderFacets(state.facets);
        renderFilterButton(state);
        renderPins(state, false);
        if (push !== false) history.pushState({ qs: qs }, "", "?" + qs);
        recheck();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        results.removeAttribute("aria-busy");
        showError(gettext("We couldn't reach the server. Check your connection and try again."));
      });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.name || target.hasAttribute("data-follow-map")) return;
    if (target.name === "q") {
      // A new place: its own box and currency, not the previous map area's.
      form.querySelector("[data-bbox]").value = "";
      var currency = form.querySelector('input[name="currency"]');
      if (currency) currency.value = "";
    }
    search({ page: null });
  });
  form.addEventListener("submit", function (event) {
    if (!state) return; // the first search of the page renders on the server
    event.preventDefault();
    if (filters && filters.open) {
      filters.open = false; // "Show N stays": the results are already there (filters apply as they change)
      return;
    }
    search({ page: null });
  });
  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-page]");
    if (!link) return;
    event.preventDefault();
    search({ page: link.getAttribute("data-page") });
    results.scrollIntoView({ block: "start" });
  });
  window.addEventListener("popstate", function () {
    window.location.reload();
  });

  // --- the map ----------------------------------------------------------------------------
  var markers = {}; // listing id -> its price pin

  function mapBox() {
    return document.getElementById("search-map");
  }

  // The offline drawing: a light grid that pans and zooms with the map, made in the page (no request).
  function offlineLayer() {
    var Grid = window.L.GridLayer.extend({
      createTile: function () {
        var tile = document.createElement("div");
        tile.className = "map-grid-tile";
        return tile;
      },
    });
    return new Grid({ tileSize: 256, zIndex: 0, maxZoom: 19 });
  }

  // Tiles over the drawing. One tile is asked first (the one under the centre; the layer reuses it
  // from the cache): if it fails, the server is out of reach (offline, blocked) and the drawing stays
  // with a single failed request instead of one per tile per move.
  function addBackground(box) {
    offlineLayer().addTo(map);
    var url = box.getAttribute("data-tile-url");
    if (!url) {
      box.classList.add("is-offline");
      return;
    }
    var zoom = map.getZoom();
    var centre = map.project(map.getCenter(), zoom).divideBy(256).floor();
    var probe = new Image();
    probe.onload = function () { addTiles(box, url); };
    probe.onerror = function () { box.classList.add("is-offline"); };
    probe.src = window.L.Util.template(url, { s: "a", z: zoom, x: centre.x, y: centre.y, r: "" });
  }

  function addTiles(box, url) {
    var loaded = 0;
    var tiles = window.L.tileLayer(url, {
      attribution: box.getAttribute("data-attribution") || "",
      maxZoom: 19,
      zIndex: 1,
    });
    tiles.on("tileload", function () { loaded += 1; });
    tiles.on("tileerror", function () {
      // One tile failing among loaded ones is a hole (the grid shows through); a failure before
      // any tile loaded means the server went away: stop asking it.
      if (loaded || box.classList.contains("is-offline")) return;
      box.classList.add("is-offline");
      setTimeout(function () { map.removeLayer(tiles); }, 0);
    });
    tiles.addTo(map);
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    return window.L.divIcon({
      className: "price-cluster-icon",
      html: '<span class="price-cluster" aria-hidden="true">' + escapeHtml(number(count)) + '</span><span class="visually-hidden">' +
        escapeHtml(say(ngettext("%(counter)s home here: zoom in", "%(counter)s homes here: zoom in", count), { counter: number(count) })) +
        "</span>",
      iconSize: window.L.point(40, 40),
    });
  }

  function initMap() {
    var box = mapBox();
    if (map || !box || typeof window.L === "undefined" || !state) return;
    if (!box.offsetWidth || !box.offsetHeight) return; // a phone's list view: drawn when first shown
    // Explicit zoom limits: the cluster group needs a finite maxZoom whatever layers come and go
    // (without one, clearLayers() after the tile layer is dropped loops forever).
    map = window.L.map(box, { zoomControl: false, keyboard: true, attributionControl: true, minZoom: 2, maxZoom: 19 });
    window.L.control.zoom({ position: "topright", zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map); // the "Search as I move the map" chip is top left
    pinLayer = window.L.markerClusterGroup
      ? window.L.markerClusterGroup({
          showCoverageOnHover: false,
          maxClusterRadius: 56,
          spiderfyOnMaxZoom: true,
          iconCreateFunction: clusterIcon,
        })
      : window.L.layerGroup();
    pinLayer.addTo(map);
    renderPins(state, true);
    addBackground(box);
    var follow = document.querySelector("[data-follow-label]");
    if (follow) follow.hidden = false;
    // A pin reached with the keyboard highlights its card, as hovering does (Enter opens it like a click).
    box.addEventListener("focusin", function (event) {
      var pin = event.target.querySelector && event.target.querySelector("[data-pin-for]");
      if (pin) markCard(pin.getAttribute("data-pin-for"), true);
    });
    box.addEventListener("focusout", function (event) {
      var pin = event.target.querySelector && event.target.querySelector("[data-pin-for]");
      if (pin) markCard(pin.getAttribute("data-pin-for"), false);
    });
    map.on("moveend", function () {
      if (movingProgrammatically) { movingProgrammatically = false; return; }
      var checkbox = document.querySelector("[data-follow-map]");
      if (!checkbox || !checkbox.checked) return;
      var b = map.getBounds();
      var west = ((b.getWest() + 540) % 360) - 180;
      var east = ((b.getEast() + 540) % 360) - 180;
      var bbox = [west, Math.max(b.getSouth(), -90), east, Math.min(b.getNorth(), 90)].map(function (v) { return v.toFixed(5); }).join(",");
      form.querySelector("[data-bbox]").value = bbox;
      var heading = document.getElementById("results-heading");
      if (heading) heading.textContent = gettext("Stays in the map area");
      search({ page: null, bbox: bbox });
    });
  }

  // The map's box changed size (shown again on a phone, the window resized): redraw without searching.
  function refreshMap() {
    if (!map) { initMap(); return; }
    var before = map.getSize();
    movingProgrammatically = true;
    map.invalidateSize();
    if (before.equals(map.getSize())) movingProgrammatically = false;
  }

  function renderPins(data, fit) {
    if (!map) return;
    pinLayer.clearLayers();
    markers = {};
    var points = [];
    var pins = data.results.map(function (item) {
      var label = money(item.price.total || item.price.nightly, item.price.currency);
      var icon = window.L.divIcon({
        className: "price-pin-icon",
        html: '<span class="visually-hidden">' + escapeHtml(item.title) + ", </span>" +
          '<span class="price-pin" data-pin-for="' + item.id + '">' + escapeHtml(label) + "</span>",
        iconSize: null,
      });
      var marker = window.L.marker([item.location.lat, item.location.lng], {
        icon: icon, keyboard: true, title: item.title + ", " + label,
      });
      marker.on("click", function () { highlight(item.id); });
      marker.on("mouseover", function () { markCard(item.id, true); });
      marker.on("mouseout", function () { markCard(item.id, false); });
      markers[item.id] = marker;
      points.push([item.location.lat, item.location.lng]);
      return marker;
    });
    if (pinLayer.addLayers) pinLayer.addLayers(pins);
    else pins.forEach(function (marker) { marker.addTo(pinLayer); });
    if (!fit) return;
    movingProgrammatically = true;
    var bbox = form.querySelector("[data-bbox]").value;
    if (bbox) {
      var v = bbox.split(",").map(Number);
      map.fitBounds([[v[1], v[0]], [v[3], v[2]]]);
    } else if (points.length > 1) {
      // Framed on the results, as Airbnb does (a city's box leaves its homes in a few bubbles).
      map.fitBounds(points, { padding: [40, 40], maxZoom: 15 });
    } else if (data.place) {
      map.fitBounds([[data.place.bbox[1], data.place.bbox[0]], [data.place.bbox[3], data.place.bbox[2]]]);
    } else if (points.length) {
      map.fitBounds(points, { padding: [24, 24] });
    } else {
      map.setView([20, 0], 2);
    }
  }

  function cardItem(id) {
    return document.querySelector('.search-cards li[data-listing-id="' + id + '"]');
  }

  // A pin hovered: its card stands out (without scrolling the list under the pointer).
  function markCard(id, on) {
    var li = cardItem(id);
    if (li) li.classList.toggle("is-highlighted", on);
  }

  // A card hovered or focused: its pin (or the cluster it is in) turns dark and comes to the front.
  var activePin = null;
  function markPin(id) {
    if (activePin) activePin.classList.remove("is-active");
    activePin = null;
    var marker = id && markers[id];
    if (!marker || !map) return;
    var shown = pinLayer.getVisibleParent ? pinLayer.getVisibleParent(marker) : marker;
    var element = shown && shown.getElement && shown.getElement();
    if (!element) return;
    element.classList.add("is-active");
    activePin = element;
  }

  function cardIdOf(node) {
    var li = node && node.closest && node.closest(".search-cards > li");
    return li ? li.getAttribute("data-listing-id") : null;
  }
  results.addEventListener("mouseover", function (event) {
    var id = cardIdOf(event.target);
    if (id) markPin(id);
  });
  results.addEventListener("mouseout", function (event) {
    if (cardIdOf(event.target) !== cardIdOf(event.relatedTarget)) markPin(cardIdOf(event.relatedTarget));
  });
  results.addEventListener("focusin", function (event) { markPin(cardIdOf(event.target)); });
  results.addEventListener("focusout", function (event) { markPin(cardIdOf(event.relatedTarget)); });

  function highlight(id) {
    document.querySelectorAll(".search-cards li.is-highlighted").forEach(function (li) { li.classList.remove("is-highlighted"); });
    var li = cardItem(id);
    if (!li) return;
    li.classList.add("is-highlighted");
    if (page.classList.contains("is-map-view")) return; // a phone showing the map: the list is hidden
    li.scrollIntoView({ block: "nearest", behavior: "smooth" });
    var link = li.querySelector(".card__link");
    if (link) link.focus({ preventScroll: true });
  }

  // --- phones: list or map ----------------------------------------------------------------------
  function initMapToggle() {
    var toggle = document.querySelector("[data-map-toggle]");
    if (!toggle || !state) return;
    var label = toggle.querySelector("[data-map-toggle-label]");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var showMap = !page.classList.contains("is-map-view");
      page.classList.toggle("is-map-view", showMap);
      label.textContent = showMap ? gettext("Show list") : gettext("Show map");
      window.scrollTo(0, 0);
      if (showMap) refreshMap();
    });
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 950px)");
      var onChange = function () { if (wide.matches || page.classList.contains("is-map-view")) refreshMap(); };
      if (wide.addEventListener) wide.addEventListener("change", onChange);
    }
  }

  // --- the filter sheet -----------------------------------------------------------------------
  var filters = document.querySelector("[data-filters]");

  function activeFilterCount() {
    var data = new FormData(form);
    var count = 0;
    if (data.get("price_min") || data.get("price_max")) count += 1;
    ["room_type", "property_type", "cancellation", "amenities"].forEach(function (name) { count += data.getAll(name).length; });
    ["bedrooms", "beds", "bathrooms"].forEach(function (name) { if (Number(data.get(name)) > 0) count += 1; });
    ["instant_book", "superhost"].forEach(function (name) { if (data.get(name)) count += 1; });
    if ((data.get("text") || "").trim()) count += 1;
    return count;
  }

  function renderFilterButton(data) {
    if (!filters) return;
    var badge = filters.querySelector("[data-filters-count]");
    var count = activeFilterCount();
    if (badge) {
      badge.hidden = !count;
      badge.textContent = "";
      if (count) {
        badge.appendChild(el("span", { "aria-hidden": "true", text: number(count) }));
        badge.appendChild(el("span", { class: "visually-hidden", text: say(ngettext("(%(counter)s active)", "(%(counter)s active)", count), { counter: count }) }));
      }
    }
    var apply = filters.querySelector("[data-filters-apply]");
    if (apply && data) {
      apply.textContent = data.count_is_estimate || !data.count
        ? (data.count ? gettext("Show stays") : gettext("No stays match"))
        : say(ngettext("Show %(count)s stay", "Show %(count)s stays", data.count), { count: number(data.count) });
    }
  }

  function initFilters() {
    if (!filters) return;
    var summary = filters.querySelector("summary");
    var panel = filters.querySelector(".search-filters__panel");
    var close = filters.querySelector("[data-filters-close]");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    if (close) {
      close.hidden = false;
      close.addEventListener("click", function () { filters.open = false; });
    }
    filters.addEventListener("toggle", function () {
      document.documentElement.classList.toggle("has-modal", filters.open);
      if (filters.open) {
        if (close) close.focus();
      } else if (panel.contains(document.activeElement) || document.activeElement === document.body) {
        summary.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (!filters.open) return;
      if (event.key === "Escape") {
        event.preventDefault();
        filters.open = false;
        summary.focus();
        return;
      }
      if (event.key !== "Tab") return;
      // Keep the keyboard inside the open sheet.
      var focusable = Array.prototype.filter.call(
        panel.querySelectorAll("a[href], button, input, select, textarea"),
        function (node) { return !node.disabled && node.type !== "hidden" && node.getClientRects().length; }
      );
      if (!focusable.length) return;
      var first = focusable[0];
      var last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    renderFilterButton(state);
  }

  // --- availability re-check ------------------------------------------------------------------
  function recheck() {
    if (!state || !state.results.length || !state.results[0].price.check_in) return;
    var groups = {};
    state.results.forEach(function (item) {
      var key = item.price.check_in + "/" + item.price.check_out;
      (groups[key] = groups[key] || []).push(item.id);
    });
    var guests = Number(new FormData(form).get("guests") || 1);
    Object.keys(groups).forEach(function (key) {
      var dates = key.split("/");
      fetch(recheckUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        body: JSON.stringify({ listing_ids: groups[key], check_in: dates[0], check_out: dates[1], guests: guests }),
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body) return;
          body.results.forEach(function (answer) {
            var li = document.querySelector('.search-cards li[data-listing-id="' + answer.listing_id + '"]');
            if (!li) return;
            var card = li.querySelector(".card");
            if (!answer.available) {
              card.classList.add("card--gone");
              if (!li.querySelector(".card__gone")) {
                li.querySelector(".card__body").appendChild(el("p", { class: "card__gone", text: gettext("No longer available for these dates") }));
              }
            } else {
              var total = li.querySelector(".card__total");
              if (total) total.textContent = say(gettext("%(total)s total"), { total: money(answer.total, answer.currency) });
            }
          });
        })
        .catch(function () { /* the listing page checks again before booking */ });
    });
  }

  function init() {
    initFilters();
    initMap();
    initMapToggle();
    if (state) history.replaceState({ qs: location.search.slice(1) }, "", location.href);
    setTimeout(recheck, 1500);
    window.addEventListener("pageshow", function (event) { if (event.persisted) recheck(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
