/* The inspection page's map: the inspector's grids; a click (or Enter on the focused map,
   at its centre) picks the site: lon/lat go to the hidden fields. Answering "hazard" to a
   checklist item opens its finding details. */
(function () {
  "use strict";

  function pick(map, marker, latlng) {
    document.getElementById("id_lon").value = latlng.lng.toFixed(6);
    document.getElementById("id_lat").value = latlng.lat.toFixed(6);
    marker.setLatLng(latlng).addTo(map);
    document.getElementById("picked").textContent =
      latlng.lng.toFixed(5) + ", " + latlng.lat.toFixed(5);
  }

  function startMap() {
    var element = document.getElementById("pick-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { zoomSnap: 0.25 }).setView([47.33, 130.3], 9);
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
    }
    var marker = L.circleMarker([0, 0], { radius: 8, color: "#b3261e" });
    var lon = parseFloat(document.getElementById("id_lon").value);
    var lat = parseFloat(document.getElementById("id_lat").value);
    if (!isNaN(lon) && !isNaN(lat)) { marker.setLatLng([lat, lon]).addTo(map); }
    map.on("click", function (event) { pick(map, marker, event.latlng); });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); pick(map, marker, map.getCenter()); }
    });
    fetch(element.dataset.gridsUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        if (collection.features.length) {
          var layer = L.geoJSON(collection, {
            style: { color: "#5a6776", weight: 1, fillOpacity: 0.08 },
            onEachFeature: function (feature, shape) {
              shape.on("click", function (event) { pick(map, marker, event.latlng); });
            }
          }).addTo(map);
          map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        }
        element.dataset.ready = "true";
      });
  }

  function openFindings() {
    document.querySelectorAll(".check-item").forEach(function (item) {
      var details = item.querySelector("details.finding");
      item.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.addEventListener("change", function () {
          if (radio.checked) { details.open = radio.value === "hazard"; }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { startMap(); openFindings(); });
})();
