/* The hazard map: the open hazards the API returns for the signed-in user, as points
   coloured by severity over the grids in scope. No inline script: the page passes the API
   addresses and tile URL as data- attributes and its words in a JSON script element. */
(function () {
  "use strict";

  var COLOURS = { major: "#b3261e", serious: "#e07b00", general: "#5a6776" };

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function tooltip(text, p) {
    return "<strong>" + escapeHtml(p.title) + "</strong><br>" +
      escapeHtml(p.severity_label) + " · " + escapeHtml(p.theme_label) + "<br>" +
      escapeHtml(text.party) + ": " + escapeHtml(p.party) + "<br>" +
      escapeHtml(text.owner) + ": " + escapeHtml(p.owner || "—") + "<br>" +
      escapeHtml(text.due) + ": " + escapeHtml((p.due_at || "—").replace("T", " ").slice(0, 16));
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  function drawHazards(map, element, text, collection) {
    var layer = L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        var severity = feature.properties.severity;
        return L.circleMarker(latlng, {
          radius: severity === "major" ? 9 : 7, weight: 2, color: "#ffffff",
          fillColor: COLOURS[severity] || "#5a6776", fillOpacity: 0.9
        });
      },
      onEachFeature: function (feature, marker) {
        marker.bindTooltip(tooltip(text, feature.properties));
        marker.on("click", function () { window.location.href = "/hazards/" + feature.id + "/"; });
      }
    }).addTo(map);
    if (collection.features.length) { map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 14 }); }
    element.dataset.featureCount = String(collection.features.length);
  }

  function start() {
    var element = document.getElementById("hazard-map");
    if (!element) { return; }
    var text = JSON.parse(document.getElementById("map-text").textContent);
    var status = document.getElementById("map-status");
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25 }).setView([47.33, 130.3], 8);
    if (element.dataset.tileUrl) { L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map); }
    getJson(element.dataset.gridsUrl).then(function (grids) {
      L.geoJSON(grids, { style: { color: "#8995a3", weight: 0.6, fillOpacity: 0.05 } }).addTo(map);
    }).catch(function () { return null; });
    getJson(element.dataset.hazardsUrl)
      .then(function (collection) {
        drawHazards(map, element, text, collection);
        var count = collection.features.length;
        status.textContent = count ? format(text.loaded, { count: count }) : text.empty;
      })
      .catch(function () {
        status.textContent = text.failed;
        element.dataset.featureCount = "error";
      });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
