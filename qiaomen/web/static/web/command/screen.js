// The wall screen's clock: the time in Shanghai, ticking each second. The figures around it are
// refreshed by htmx every minute (hx-trigger="every 60s" on #wall-live).
(function () {
  "use strict";

  var format = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });

  function tick() {
    var clocks = document.querySelectorAll("[data-clock]");
    var now = new Date();
    for (var i = 0; i < clocks.length; i += 1) {
      clocks[i].textContent = format.format(now);
      clocks[i].setAttribute("datetime", now.toISOString());
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
})();
