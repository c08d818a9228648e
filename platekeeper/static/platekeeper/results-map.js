// Results on the map: each read a marker; one plate's reads joined in time order (its track).
(function () {
  "use strict";
  var el = document.getElementById("results-map");
  if (!el || !window.L) { return; }
  var reads = JSON.parse(el.dataset.reads || "[]");
  if (!reads.length) { el.hidden = true; return; }
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles) });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  JSON.parse(el.dataset.cameras || "[]").forEach(function (c) {
    L.circleMarker([c.lat, c.lon], { radius: 5, color: "#555" }).bindTooltip(c.name).addTo(map);
  });
  var points = reads.map(function (r) {
    L.marker([r.lat, r.lon], { title: r.plate + " " + r.at }).bindTooltip(r.plate + " " + r.at).addTo(map);
    return [r.lat, r.lon];
  });
  var plates = new Set(reads.map(function (r) { return r.plate; }));
  if (plates.size === 1 && points.length > 1) {
    L.polyline(points.slice().reverse(), { color: "#b00020" }).addTo(map);  // oldest to newest
  }
  map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 16 });
})();
