/* The one map (一张图): grid outlines fetched once, coloured by a measure fetched per
 * choice as {area: value}; quantile classes from the server; optional layers. No inline
 * script: addresses and words come from JSON script elements. The legend counts the
 * grids in each class. */
(function () {
  "use strict";

  var CLASS_COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var ZERO_COLOUR = "#f2f4f7";
  var CODE_LENGTH = { township: 9, county: 6 };

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function areaOf(properties, level) {
    return level === "grid" ? properties.code : properties.region_code.slice(0, CODE_LENGTH[level]);
  }

  function classOf(value, breaks) {
    if (!value) { return -1; }
    for (var i = 0; i < breaks.length; i += 1) {
      if (value <= breaks[i]) { return i; }
    }
    return breaks.length - 1;
  }

  function colourOf(value, breaks) {
    var index = classOf(value, breaks);
    if (index < 0) { return ZERO_COLOUR; }
    var offset = CLASS_COLOURS.length - breaks.length;  // fewer classes: the darker end
    return CLASS_COLOURS[index + offset];
  }

  function readForm(form) {
    var params = new URLSearchParams();
    ["measure", "level", "kind", "since", "until"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    return params;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { var error = new Error(body.detail || response.status); error.body = body; throw error; }
          return body;
        });
      });
  }

  function drawLegend(legend, text, measure, grids) {
    legend.textContent = "";
    var title = document.createElement("strong");
    title.textContent = document.querySelector("#map-measure option:checked").textContent;
    legend.appendChild(title);
    var list = document.createElement("ul");
    var entries = [[ZERO_COLOUR, text.zero]];
    measure.breaks.forEach(function (upper, i) {
      var label = i === 0 ? "≤ " + upper : "> " + measure.breaks[i - 1] + " – " + upper;
      entries.push([colourOf(upper, measure.breaks), label]);
    });
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.dataset.colour = entry[0];
      item.dataset.grids = String(grids[entry[0]] || 0);
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = entry[0];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry[1] + " (" + item.dataset.grids + ")"));
      list.appendChild(item);
    });
    legend.appendChild(list);
    if (measure.week) {
      var week = document.createElement("span");
      week.textContent = format(text.week, { week: measure.week });
      legend.appendChild(week);
    }
  }

  function popupHtml(text, urls, properties, area, value, params) {
    var link = urls.area.replace("AREA", encodeURIComponent(area)) + "?" + params.toString();
    return "<strong>" + escapeHtml(properties.name) + "</strong> (" + escapeHtml(area) + ")<br>" +
      escapeHtml(value || 0) + "<br>" +
      (properties.population ? escapeHtml(text.population) + ": " + escapeHtml(properties.population) + "<br>" : "") +
      '<a class="area-link" href="' + escapeHtml(link) + '">' + escapeHtml(text.open_list) + "</a>";
  }

  function Painter(map, element, text, urls, outlines) {
    this.map = map; this.element = element; this.text = text; this.urls = urls;
    this.layer = L.geoJSON(outlines, { style: { color: "#ffffff", weight: 0.5, fillOpacity: 0.85, fillColor: ZERO_COLOUR } }).addTo(map);
    this.overlays = {};
  }

  Painter.prototype.paint = function (measure, params) {
    var self = this;
    var grids = {};
    this.layer.eachLayer(function (polygon) {
      var properties = polygon.feature.properties;
      var area = areaOf(properties, measure.level);
      var value = measure.values[area];
      var colour = colourOf(value, measure.breaks);
      grids[colour] = (grids[colour] || 0) + 1;
      polygon.setStyle({ fillColor: colour });
      polygon.unbindTooltip().bindTooltip(escapeHtml(properties.name) + ": " + escapeHtml(value || 0), { sticky: true });
      polygon.unbindPopup().bindPopup(popupHtml(self.text, self.urls, properties, area, value, params));
      polygon.feature.properties.area = area;
    });
    this.element.dataset.coloured = String(polygonsOutside(grids, ZERO_COLOUR));
    this.element.dataset.measure = measure.measure;
    this.element.dataset.level = measure.level;
    return grids;
  };

  function polygonsOutside(grids, colour) {
    return Object.keys(grids).reduce(function (sum, key) { return key === colour ? sum : sum + grids[key]; }, 0);
  }

  Painter.prototype.toggle = function (name, on, build) {
    if (this.overlays[name]) { this.map.removeLayer(this.overlays[name]); delete this.overlays[name]; }
    if (!on) { return Promise.resolve(); }
    var self = this;
    return build().then(function (layer) { self.overlays[name] = layer.addTo(self.map); });
  };

  Painter.prototype.centres = function (level) {
    var sums = {};
    this.layer.eachLayer(function (polygon) {
      var area = areaOf(polygon.feature.properties, level);
      var centre = polygon.getBounds().getCenter();
      var sum = sums[area] || (sums[area] = [0, 0, 0]);
      sum[0] += centre.lat; sum[1] += centre.lng; sum[2] += 1;
    });
    return sums;
  };

  function matterCircles(painter, urls, params) {
    var counts = new URLSearchParams(params);
    counts.set("measure", "open");
    return fetchJson(urls.measures + "?" + counts.toString()).then(function (measure) {
      var group = L.layerGroup();
      var sums = painter.centres(measure.level);
      Object.keys(measure.values).forEach(function (area) {
        var sum = sums[area];
        if (!sum) { return; }
        var n = measure.values[area];
        L.circleMarker([sum[0] / sum[2], sum[1] / sum[2]], {
          radius: 3 + Math.sqrt(n), color: "#1d4f91", weight: 1, fillOpacity: 0.35
        }).bindTooltip(String(n)).addTo(group);
      });
      return group;
    });
  }

  function pointLayer(url, colour) {
    return fetchJson(url).then(function (collection) {
      return L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 5, color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.9 });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          marker.bindTooltip(escapeHtml(p.title || p.name) + (p.kind_label ? "<br>" + escapeHtml(p.kind_label) : ""));
        }
      });
    });
  }

  function showErrors(box, error) {
    var problems = (error.body && error.body.errors) || [];
    box.textContent = problems.length ? problems.map(function (p) { return p.field + ": " + p.message; }).join("; ") : String(error.message);
    box.hidden = false;
  }

  function start() {
    var element = document.getElementById("one-map");
    if (!element) { return; }
    var text = JSON.parse(document.getElementById("map-text").textContent);
    var urls = JSON.parse(document.getElementById("map-urls").textContent);
    var status = document.getElementById("map-status");
    var form = document.getElementById("map-controls");
    var errors = document.getElementById("map-errors");
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25 }).setView([47.33, 130.3], 8);
    if (element.dataset.tileUrl) { L.tileLayer(element.dataset.tileUrl, { maxZoom: 18 }).addTo(map); }
    var painter = null;

    function refresh() {
      var params = readForm(form);
      errors.hidden = true;
      element.dataset.state = "loading";
      return fetchJson(urls.measures + "?" + params.toString()).then(function (measure) {
        var grids = painter.paint(measure, params);
        drawLegend(document.getElementById("map-legend"), text, measure, grids);
        status.textContent = format(text.loaded, { areas: Object.keys(measure.values).length, grids: element.dataset.grids });
        history.replaceState(null, "", "?" + params.toString());
        var layers = [
          painter.toggle("matters", document.getElementById("layer-matters").checked, function () { return matterCircles(painter, urls, params); }),
          painter.toggle("hazards", document.getElementById("layer-hazards").checked, function () { return pointLayer(urls.hazards, "#d9822b"); }),
          painter.toggle("service", document.getElementById("layer-service").checked, function () { return pointLayer(urls.service, "#2f6db5"); })
        ];
        return Promise.all(layers).then(function () { element.dataset.state = "ready"; });
      }).catch(function (error) {
        showErrors(errors, error);
        element.dataset.state = "error";
      });
    }

    new URLSearchParams(location.search).forEach(function (value, name) {
      if (form.elements[name]) { form.elements[name].value = value; }
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
    form.addEventListener("change", function () { if (painter) { refresh(); } });

    fetchJson(urls.outlines).then(function (outlines) {
      element.dataset.grids = String(outlines.features.length);
      if (!outlines.features.length) { status.textContent = text.empty; element.dataset.state = "ready"; return null; }
      painter = new Painter(map, element, text, urls, outlines);
      map.fitBounds(painter.layer.getBounds(), { padding: [12, 12] });
      return refresh();
    }).catch(function (error) {
      status.textContent = format(text.failed, { reason: error.message });
      element.dataset.state = "error";
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
