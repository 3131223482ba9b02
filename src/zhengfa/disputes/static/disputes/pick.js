/* The report page's map: the grids in the reporter's scope; a click (or Enter on the
   focused map, at its centre) picks the place: lon/lat go to the hidden fields and the
   grid chosen in the list is cleared, so the server finds the grid containing the point. */
(function () {
  "use strict";

  function pick(map, marker, latlng) {
    document.getElementById("id_lon").value = latlng.lng.toFixed(6);
    document.getElementById("id_lat").value = latlng.lat.toFixed(6);
    var grid = document.getElementById("id_grid_code");
    if (grid) { grid.value = ""; }
    marker.setLatLng(latlng).addTo(map);
    document.getElementById("picked").textContent =
      latlng.lng.toFixed(5) + ", " + latlng.lat.toFixed(5);
  }

  function start() {
    var element = document.getElementById("pick-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { zoomSnap: 0.25 }).setView([47.33, 130.3], 9);
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
    }
    var marker = L.circleMarker([0, 0], { radius: 8, color: "#b3261e" });
    map.on("click", function (event) { pick(map, marker, event.latlng); });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { pick(map, marker, map.getCenter()); }
    });
    fetch(element.dataset.gridsUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        if (!collection.features.length) { return; }
        var layer = L.geoJSON(collection, {
          style: { color: "#5a6776", weight: 1, fillOpacity: 0.08 },
          onEachFeature: function (feature, shape) {
            shape.on("click", function (event) { pick(map, marker, event.latlng); });
          },
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        element.dataset.ready = "true";
      });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
