// A small Leaflet map for every element with class "map" and data-lat/data-lon.
// Without tiles (none configured, or the tile server out of reach) the map still
// shows the markers on a plain background; the coordinates are also in the text.
(function () {
  "use strict";
  if (!window.L) { return; }
  document.querySelectorAll(".map[data-lat][data-lon]").forEach(function (el) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    if (isNaN(at[0]) || isNaN(at[1])) { el.hidden = true; return; }
    var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles) }).setView(at, 16);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    L.marker(at, { title: el.dataset.label || "" }).addTo(map);
  });
})();
