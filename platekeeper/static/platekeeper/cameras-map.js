// The fixed cameras on the public transparency page (only when the Policy turns it on).
// Without tiles the markers still show on a plain background.
(function () {
  "use strict";
  var el = document.getElementById("camera-map");
  if (!el || !window.L) { return; }
  var cameras = JSON.parse(el.dataset.cameras || "[]");
  if (!cameras.length) { el.hidden = true; return; }
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles) });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var points = cameras.map(function (c) {
    L.circleMarker([c.lat, c.lon], { radius: 6 }).bindTooltip(c.name).addTo(map);
    return [c.lat, c.lon];
  });
  map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 16 });
})();
