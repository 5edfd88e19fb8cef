/* Event map: points from /api/map.geojson over the vendored Natural Earth
 * outlines (static/vendor/), drawn as SVG with d3-geo. Nothing is fetched
 * from outside this server: no tiles, no CDN.
 *
 * A point's area grows with how many mentions report the event (count);
 * its colour is the event's QuadClass, as in the charts. Clicking a point
 * opens the event's evidence page. The view zooms to the points' extent,
 * so a dyad's events fill the frame instead of a dot on a world map. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var QUAD = { 1: "var(--q1)", 2: "var(--q2)", 3: "var(--q3)", 4: "var(--q4)" };
  var QUAD_NAME = { 1: "verbal cooperation", 2: "material cooperation",
                    3: "verbal conflict", 4: "material conflict" };
  var world = null;

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function loadWorld() {
    if (!world) {
      world = fetch("/static/vendor/countries-110m.json").then(function (r) {
        if (!r.ok) throw new Error("basemap " + r.status);
        return r.json();
      }).then(function (topo) { return topojson.feature(topo, topo.objects.countries); });
    }
    return world;
  }

  /* The area to frame: the points' bounding box with a margin, at least
   * ~20 degrees across so that a single point still shows its region. */
  function frame(features) {
    if (!features.length) return { type: "Sphere" };
    var lons = features.map(function (f) { return f.geometry.coordinates[0]; });
    var lats = features.map(function (f) { return f.geometry.coordinates[1]; });
    var x0 = Math.min.apply(null, lons), x1 = Math.max.apply(null, lons);
    var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
    var pad = Math.max(10 - (x1 - x0) / 2, 10 - (y1 - y0) / 2, 3);
    x0 = Math.max(-180, x0 - pad); x1 = Math.min(180, x1 + pad);
    y0 = Math.max(-85, y0 - pad); y1 = Math.min(85, y1 + pad);
    return { type: "MultiPoint", coordinates: [[x0, y0], [x1, y1], [x0, y1], [x1, y0]] };
  }

  function label(p) {
    var parts = [(p.date || "undated") + "  " + (p.source || "?") + " → " + (p.target || "?"),
                 p.plover + (p.quad ? " (" + QUAD_NAME[p.quad] + ")" : ""),
                 (p.place || "") + (p.country ? ", " + p.country : "") +
                   (p.precision ? " · " + p.precision : ""),
                 p.count + (p.count === 1 ? " mention" : " mentions")];
    return parts.join("\n");
  }

  function draw(box, countries, fc) {
    // At most 440 px tall: the map is an overview beside the tables, not the page.
    var width = box.clientWidth || 640, height = Math.min(Math.round(width * 0.5), 440);
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
                          "aria-label": fc.features.length + " located events on a map" });
    var projection = d3.geoNaturalEarth1().fitExtent([[8, 8], [width - 8, height - 8]],
                                                      frame(fc.features));
    var path = d3.geoPath(projection);
    svg.appendChild(el("path", { d: path({ type: "Sphere" }), class: "map-sea" }));
    var land = el("g", { class: "map-land" });
    countries.features.forEach(function (c) {
      var d = path(c);
      if (d) {
        var p = el("path", { d: d });
        var t = el("title"); t.textContent = c.properties.name; p.appendChild(t);
        land.appendChild(p);
      }
    });
    svg.appendChild(land);
    var points = el("g", { class: "map-points" });
    var feats = fc.features.slice().sort(function (a, b) {
      return b.properties.count - a.properties.count;  // big first, small on top
    });
    feats.forEach(function (f) {
      var xy = projection(f.geometry.coordinates);
      if (!xy) return;
      var p = f.properties;
      var a = el("a", { href: "/event/" + encodeURIComponent(p.id), "data-event-id": p.id,
                        class: "map-point" });
      var r = 3.5 + 2.5 * Math.sqrt(Math.max(1, p.count) - 1);
      a.appendChild(el("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1),
                                   r: Math.min(r, 18).toFixed(1),
                                   fill: QUAD[p.quad] || "var(--muted)",
                                   "data-quad": p.quad || 0 }));
      var t = el("title"); t.textContent = label(p); a.appendChild(t);
      points.appendChild(a);
    });
    svg.appendChild(points);
    box.replaceChildren(svg);
  }

  function render(fig) {
    var box = fig.querySelector(".map-canvas");
    var note = fig.querySelector(".map-note");
    Promise.all([loadWorld(), fetch(fig.dataset.geojson).then(function (r) {
      if (!r.ok) throw new Error("events " + r.status);
      return r.json();
    })]).then(function (both) {
      var fc = both[1];
      draw(box, both[0], fc);
      fig.dataset.points = String(fc.features.length);
      if (note) {
        note.textContent = fc.features.length
          ? fc.features.length + " located event" + (fc.features.length === 1 ? "" : "s") +
            "; area grows with mentions, colour is QuadClass; click a point for its evidence."
          : "No located events here.";
      }
      fig.classList.add("ready");
    }).catch(function (err) {
      if (note) note.textContent = "The map could not be drawn (" + err.message + ").";
      fig.classList.add("failed");
    });
  }

  function start() {
    if (!window.d3 || !window.topojson) return;
    document.querySelectorAll("figure.map[data-geojson]").forEach(render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
