// Qiaomen staff pages: no inline scripts (CSP), so the little behaviour the pages have lives here.
// Every page works without it; this only saves taps and explains failed htmx requests.
(function () {
  "use strict";

  // A select marked data-autosubmit sends its form on change (the submit button stays for no-JS).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLSelectElement) || !target.form) {
      return;
    }
    if (target.name === "grid") {
      // A building belongs to one grid: keep the old one and the new grid would reject it.
      var building = target.form.elements.namedItem("building");
      if (building instanceof HTMLSelectElement) {
        building.value = "";
      }
    }
    if (target.hasAttribute("data-autosubmit")) {
      target.form.requestSubmit();
    }
  });

  // htmx does not swap error responses other than 403/422: say so instead of doing nothing.
  var hideTimer = null;
  function showStatus(text) {
    var box = document.getElementById("live-status");
    if (!box) {
      return;
    }
    box.textContent = text || box.getAttribute("data-error-text");
    box.hidden = false;
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () {
      box.hidden = true;
    }, 6000);
  }
  document.addEventListener("htmx:responseError", function () {
    showStatus();
  });
  document.addEventListener("htmx:sendError", function () {
    showStatus();
  });
})();
