// The heat map of demands, drawn with Leaflet and leaflet.heat (vendor files loaded before this
// one). No tile server is needed: grids and buildings are vector layers from the street's own
// coordinates; a box with data-tile-url adds that tile layer under them (settings.MAP_TILE_URL).
// Under the CSP there is no inline script: a box marked data-map="<id>" reads its layers from the
// json_script element with that id ({buildings: [[lat, lng, tickets, address]], grids: [...],
// hottest}). After an htmx swap (the wall screen every minute) the layers are drawn again from the
// new element of that id, in the same map, so the view does not jump.
(function () {
  "use strict";

  var drawn = [];

  function label(text) {
    // Text nodes, never HTML: addresses and names come from imports.
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function gridLayer(grid, group, named) {
    var text = grid.name + " · " + grid.tickets;
    // A wall screen (data-map-labels) names its grids at all times; a desk shows them on hover.
    var tip = named ? { permanent: true, direction: "center", className: "map-grid-label" } : { sticky: true };
    if (grid.bounds) {
      var pad = 0.0006;
      var box = [
        [grid.bounds[0] - pad, grid.bounds[1] - pad],
        [grid.bounds[2] + pad, grid.bounds[3] + pad],
      ];
      L.rectangle(box, { className: "map-grid", weight: 1, fillOpacity: 0.04 })
        .bindTooltip(label(text), tip)
        .addTo(group);
    } else if (grid.lat !== null && grid.lng !== null) {
      L.circle([grid.lat, grid.lng], { radius: 120, className: "map-grid", weight: 1, fillOpacity: 0.04 })
        .bindTooltip(label(text), tip)
        .addTo(group);
    }
  }

  function layers(data, named) {
    var group = L.featureGroup();
    var hottest = Math.max(data.hottest, 1);
    data.grids.forEach(function (grid) {
      gridLayer(grid, group, named);
    });
    var points = [];
    data.buildings.forEach(function (building) {
      var count = building[2];
      var marker = L.circleMarker([building[0], building[1]], {
        className: count ? "map-building map-building-hot" : "map-building",
        radius: 3 + 7 * Math.sqrt(count / hottest),
        weight: 1,
        fillOpacity: count ? 0.7 : 0.3,
      });
      var text = (building[3] ? building[3] + " · " : "") + count;
      marker.bindTooltip(label(text)).addTo(group);
      if (count) {
        points.push([building[0], building[1], count]);
      }
    });
    return { group: group, points: points, hottest: hottest, heat: null };
  }

  function heatOf(shown, map) {
    // leaflet.heat weakens each point by 2^(maxZoom − zoom); with no tile layer the map's own
    // maxZoom is far away, so the heat would fade to nothing: full strength at the view shown.
    return L.heatLayer(shown.points, {
      max: shown.hottest,
      maxZoom: Math.round(map.getZoom()),
      radius: 32,
      blur: 24,
      minOpacity: 0.35,
      gradient: { 0.2: "#3b82f6", 0.45: "#22d3ee", 0.65: "#facc15", 0.85: "#f97316", 1: "#ef4444" },
    });
  }

  function place(map, group) {
    var bounds = group.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    } else {
      map.setView([35, 105], 4); // nothing located: China as a whole
    }
  }

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-map"));
    if (!source || typeof L === "undefined" || typeof L.heatLayer !== "function") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var entry = null;
    for (var i = 0; i < drawn.length; i += 1) {
      if (drawn[i].box === box) {
        entry = drawn[i];
      }
    }
    if (entry === null) {
      var tiles = box.getAttribute("data-tile-url");
      var map = L.map(box, { attributionControl: Boolean(tiles), zoomSnap: 0.25, maxZoom: 19 });
      if (tiles) {
        L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
      }
      entry = { box: box, map: map, shown: null, placed: false };
      drawn.push(entry);
    } else if (entry.shown) {
      entry.map.removeLayer(entry.shown.group);
      entry.map.removeLayer(entry.shown.heat);
    }
    entry.shown = layers(data, box.hasAttribute("data-map-labels"));
    entry.shown.group.addTo(entry.map);
    if (!entry.placed) {
      place(entry.map, entry.shown.group);
      entry.placed = true;
    }
    entry.shown.heat = heatOf(entry.shown, entry.map).addTo(entry.map);
    box.setAttribute("data-map-drawn", "true");
  }

  function drawAll() {
    var boxes = document.querySelectorAll("[data-map]");
    for (var i = 0; i < boxes.length; i += 1) {
      draw(boxes[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
