// Charts of the command centre, drawn with Apache ECharts (vendor/echarts/echarts.min.js, loaded
// before this file). The CSP allows no inline script: a page puts each chart's ECharts option in a
// <script type="application/json"> made by Django's json_script, and marks the chart's box with
// data-chart="<that element's id>". Options are plain JSON (no functions), built by the server.
(function () {
  "use strict";

  var charts = [];

  // Parts that htmx swaps in carry their option in data-chart-option instead: htmx is configured
  // with allowScriptTags false, which drops every <script> (json_script too) from swapped content.
  function optionOf(box) {
    var inline = box.getAttribute("data-chart-option");
    if (inline) {
      return JSON.parse(inline);
    }
    var source = document.getElementById(box.getAttribute("data-chart"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(box) {
    var option = optionOf(box);
    if (!option || typeof echarts === "undefined") {
      return;
    }
    var existing = echarts.getInstanceByDom(box);
    if (existing) {
      existing.setOption(option, true);
      return;
    }
    var chart = echarts.init(box, box.getAttribute("data-chart-theme") || null, { renderer: "canvas" });
    chart.setOption(option);
    box.setAttribute("data-chart-drawn", "true");
    charts.push(chart);
  }

  function drawAll(root) {
    var boxes = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < boxes.length; i += 1) {
      draw(boxes[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
  });
  // Parts refreshed by htmx (the wall screen every 60 s) bring new options: draw them again.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
  window.addEventListener("resize", function () {
    for (var i = 0; i < charts.length; i += 1) {
      if (!charts[i].isDisposed()) {
        charts[i].resize();
      }
    }
  });
})();
