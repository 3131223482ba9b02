/* The patrol plan on the map: the station's grids coloured by whether an officer patrols
   their beat in the chosen day and 4-hour block, the officers' names in the tooltip. No
   inline script: the page passes the API address and tile URL as data- attributes. */
(function () {
  "use strict";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function start() {
    var element = document.getElementById("roster-map");
    var status = document.getElementById("map-status");
    var day = document.getElementById("roster-day");
    var hour = document.getElementById("roster-hour");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { keyboard: true });
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
    var layer = null;

    function load() {
      var at = day.value + "T" + hour.value + ":00+08:00";
      var url = element.dataset.url + "?at=" + encodeURIComponent(at);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (collection) {
          if (layer) { map.removeLayer(layer); }
          var patrolled = 0;
          layer = L.geoJSON(collection, {
            style: function (feature) {
              var on = feature.properties.officers.length > 0;
              return { color: "#ffffff", weight: 1, fillOpacity: on ? 0.65 : 0.35,
                       fillColor: on ? "#2f6db5" : "#d0d5db" };
            },
            onEachFeature: function (feature, shape) {
              var p = feature.properties;
              if (p.officers.length) { patrolled += 1; }
              shape.bindTooltip("<strong>" + escapeHtml(p.beat) + "</strong><br>" +
                escapeHtml(p.grid) + "<br>" + escapeHtml(p.officers.join("、") || "—"));
            }
          }).addTo(map);
          if (collection.features.length) { map.fitBounds(layer.getBounds(), { padding: [16, 16] }); }
          element.dataset.patrolled = String(patrolled);
          status.textContent = collection.block + " · " + patrolled + " / " + collection.features.length;
        })
        .catch(function (error) { status.textContent = "⚠ " + error.message; });
    }

    day.addEventListener("change", load);
    hour.addEventListener("change", load);
    load();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
