// Draw a search or canvass area on the map: each click adds a corner; the
// corners go into the form's hidden "polygon" field as [[lat, lon], ...].
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  if (!el || !window.L) { return; }
  var field = document.querySelector("input[name=polygon]");
  var center = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { attributionControl: Boolean(el.dataset.tiles) }).setView(center, 14);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  JSON.parse(el.dataset.cameras || "[]").forEach(function (c) {
    L.circleMarker([c.lat, c.lon], { radius: 6 }).bindTooltip(c.name).addTo(map);
  });
  var corners = [];
  try { corners = JSON.parse(field.value || "[]"); } catch (e) { corners = []; }
  var shape = L.polygon(corners, { color: "#b00020" }).addTo(map);
  function redraw() {
    shape.setLatLngs(corners);
    field.value = corners.length ? JSON.stringify(corners) : "";
    document.getElementById("area-corners").textContent =
      corners.length ? corners.length + " corners drawn" : "no area drawn";
  }
  map.on("click", function (event) {
    corners.push([+event.latlng.lat.toFixed(6), +event.latlng.lng.toFixed(6)]);
    redraw();
  });
  document.getElementById("clear-area").addEventListener("click", function () {
    corners = [];
    redraw();
  });
  redraw();
})();
