// The service-point map, drawn with Leaflet (loaded before this file). No tile server is needed:
// buildings and points are vector layers from the street's own coordinates; a box with
// data-tile-url adds that tile layer under them. Under the CSP there is no inline script: the box
// marked data-points-map="<id>" reads {radius, buildings: [[lat, lng, uncovered, address]],
// points: [{lat, lng, name, kind, hours}]} from the json_script element with that id.
(function () {
  "use strict";

  function label(text) {
    // Text nodes, never HTML: names and addresses come from people and imports.
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-points-map"));
    if (!source || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var tiles = box.getAttribute("data-tile-url");
    var map = L.map(box, { attributionControl: Boolean(tiles), zoomSnap: 0.25, maxZoom: 19 });
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    }
    var group = L.featureGroup();
    data.points.forEach(function (point) {
      L.circle([point.lat, point.lng], { radius: data.radius, className: "map-reach", weight: 1, fillOpacity: 0.06 }).addTo(group);
      L.circleMarker([point.lat, point.lng], { radius: 7, className: "map-point map-point-" + point.kind, weight: 2, fillOpacity: 0.9 })
        .bindTooltip(label(point.name + " · " + point.hours))
        .addTo(group);
    });
    data.buildings.forEach(function (building) {
      L.circleMarker([building[0], building[1]], {
        radius: 3,
        className: building[2] ? "map-building map-building-uncovered" : "map-building",
        weight: 1,
        fillOpacity: 0.7,
      })
        .bindTooltip(label(building[3]))
        .addTo(group);
    });
    // The view first: a circle sized in metres can only be placed on a map that has one.
    var located = data.points.map(function (point) { return [point.lat, point.lng]; }).concat(
      data.buildings.map(function (building) { return [building[0], building[1]]; })
    );
    var bounds = L.latLngBounds(located);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    } else {
      map.setView([35, 105], 4); // nothing located: China as a whole
    }
    group.addTo(map);
    box.setAttribute("data-map-drawn", "true");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-points-map]");
    for (var i = 0; i < boxes.length; i += 1) {
      draw(boxes[i]);
    }
  });
})();
