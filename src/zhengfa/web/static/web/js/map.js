/* The grid map: draws the grids the API returns for the signed-in user, coloured by
 * county/district, with a tooltip per grid. No inline script: the page passes the API
 * address and tile URL as data- attributes and its words in a JSON script element. */
(function () {
  "use strict";

  var PALETTE = [
    "#2f6db5", "#d9822b", "#3a9a5b", "#b8434e", "#7d5ab5",
    "#2a9d9a", "#c6a021", "#8a5a44", "#5c7080", "#d45d8c"
  ];

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function countyColours(features) {
    var colours = {};
    var names = {};
    features.forEach(function (feature) {
      var code = feature.properties.county_code;
      if (!(code in colours)) {
        colours[code] = PALETTE[Object.keys(colours).length % PALETTE.length];
        names[code] = feature.properties.county || code;
      }
    });
    return { colours: colours, names: names };
  }

  function drawLegend(legend, counties) {
    Object.keys(counties.colours).sort().forEach(function (code) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = counties.colours[code];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(counties.names[code]));
      legend.appendChild(item);
    });
  }

  function tooltip(text, properties) {
    return "<strong>" + escapeHtml(properties.name) + "</strong><br>" +
      escapeHtml(text.code) + ": " + escapeHtml(properties.code) + "<br>" +
      escapeHtml(text.village) + ": " + escapeHtml(properties.village) + "<br>" +
      escapeHtml(text.county) + ": " + escapeHtml(properties.county);
  }

  function countPolygons(map) {
    var drawn = 0;
    map.eachLayer(function (layer) {
      if (layer instanceof L.Polygon) { drawn += 1; }
    });
    return drawn;
  }

  function draw(map, element, text, collection) {
    var features = collection.features;
    var counties = countyColours(features);
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        return {
          color: "#ffffff", weight: 0.6, opacity: 0.9,
          fillColor: counties.colours[feature.properties.county_code], fillOpacity: 0.72
        };
      },
      onEachFeature: function (feature, polygon) {
        polygon.bindTooltip(tooltip(text, feature.properties), { sticky: true });
        polygon.on("mouseover", function () {
          polygon.setStyle({ color: "#1d2733", weight: 2 });
          polygon.bringToFront();
        });
        polygon.on("mouseout", function () { layer.resetStyle(polygon); });
      }
    }).addTo(map);
    if (features.length) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
    drawLegend(document.getElementById("map-legend"), counties);
    element.dataset.featureCount = String(features.length);
    element.dataset.drawn = String(countPolygons(map));
  }

  function start() {
    var element = document.getElementById("grid-map");
    if (!element) { return; }
    var text = JSON.parse(document.getElementById("map-text").textContent);
    var status = document.getElementById("map-status");
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25 }).setView([47.33, 130.3], 8);
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
    }
    fetch(element.dataset.gridsUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (collection) {
        draw(map, element, text, collection);
        var count = collection.features.length;
        status.textContent = count ? format(text.loaded, { count: count }) : text.empty;
      })
      .catch(function () {
        status.textContent = text.failed;
        element.dataset.drawn = "error";
      });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
