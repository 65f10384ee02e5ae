// Door-knocking pages: check-in time and place, the phone's offline outbox, the work list's
// position and print buttons. No inline scripts (CSP): texts come from data-* attributes that the
// server translated. Every page works without this file, except that visits are then only saved
// with a network.
(function () {
  "use strict";

  // --- the outbox: visits kept on this phone until the API accepts them (R-VIS-4) ----------------
  // It necessarily holds what the worker typed (demands, notes) until it is sent, and nothing
  // longer: an entry is removed as soon as the server has it. Keyed by user, so that a visit is
  // never sent in someone else's name on a shared phone.

  var outbox = document.getElementById("visit-outbox");

  function outboxKey() {
    return "qiaomen.visit-outbox." + (outbox ? outbox.getAttribute("data-user") : "");
  }

  function readOutbox() {
    try {
      var entries = JSON.parse(window.localStorage.getItem(outboxKey()) || "[]");
      return Array.isArray(entries) ? entries : [];
    } catch (error) {
      return [];
    }
  }

  function writeOutbox(entries) {
    if (entries.length) {
      window.localStorage.setItem(outboxKey(), JSON.stringify(entries));
    } else {
      window.localStorage.removeItem(outboxKey());
    }
  }

  function keepInOutbox(visit) {
    var entries = readOutbox().filter(function (entry) {
      return entry.client_uuid !== visit.client_uuid;
    });
    entries.push(visit);
    writeOutbox(entries);
  }

  function dropFromOutbox(clientUuid) {
    writeOutbox(
      readOutbox().filter(function (entry) {
        return entry.client_uuid !== clientUuid;
      })
    );
  }

  function text(element, name, values) {
    var template = element.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      template = template.replace("{" + key + "}", values[key]);
    });
    return template;
  }

  function showOutbox(note) {
    if (!outbox) {
      return;
    }
    var waiting = readOutbox().length;
    var line = outbox.querySelector("[data-outbox-text]");
    var message = waiting ? text(outbox, "waiting", { count: waiting }) : "";
    line.textContent = [note || "", message].join(" ").trim();
    outbox.querySelector("[data-outbox-send]").hidden = !waiting || !navigator.onLine;
    outbox.hidden = !line.textContent;
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  var sending = false;

  // Sends the waiting visits one by one. The API records a client_uuid once, so sending a visit
  // the server already has is harmless: it answers with the first result.
  function sendOutbox() {
    if (!outbox || sending || !navigator.onLine || !readOutbox().length) {
      showOutbox();
      return;
    }
    sending = true;
    var sent = 0;
    var notes = [];
    function next(entries) {
      if (!entries.length) {
        finish();
        return;
      }
      var visit = entries[0];
      fetch(outbox.getAttribute("data-api-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": outbox.getAttribute("data-csrf"),
        },
        body: JSON.stringify(visit),
      })
        .then(function (response) {
          if (response.ok) {
            dropFromOutbox(visit.client_uuid);
            sent += 1;
            next(entries.slice(1));
          } else if (response.status === 401 || response.status === 403) {
            notes.push(text(outbox, "signed-out"));
            finish();
          } else if (response.status < 500 && response.status !== 429 && isJson(response)) {
            // The API looked at this visit and refused it (bad input, a household no longer
            // in the worker's places): keeping it would block the others for ever.
            return response.json().then(function (body) {
              dropFromOutbox(visit.client_uuid);
              notes.push(text(outbox, "rejected", { message: (body && body.message) || response.status }));
              next(entries.slice(1));
            });
          } else {
            finish(); // the server is busy or not there yet: try again later
          }
        })
        .catch(finish);
    }
    function finish() {
      sending = false;
      if (sent) {
        notes.unshift(text(outbox, "sent", { count: sent }));
      }
      showOutbox(notes.join(" "));
    }
    next(readOutbox());
  }

  // --- the visit form ---------------------------------------------------------------------------

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  // ISO 8601 with the phone's own offset (2026-11-29T09:30:05+08:00): the API wants the offset.
  function localIsoTime(moment) {
    var offset = -moment.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return (
      moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
      "T" + pad(moment.getHours()) + ":" + pad(moment.getMinutes()) + ":" + pad(moment.getSeconds()) +
      sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60)
    );
  }

  function checkIn(form) {
    // Check-in is the moment and place the form was opened at the door; a form shown again after
    // an error keeps the first check-in.
    if (!form.elements.visited_at.value) {
      form.elements.visited_at.value = localIsoTime(new Date());
    }
    var status = form.querySelector("[data-checkin-status]");
    if (form.elements.lat.value || !navigator.geolocation) {
      return;
    }
    status.textContent = text(form, "locating");
    status.hidden = false;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lng.value = position.coords.longitude.toFixed(6);
        status.textContent = text(form, "located", { accuracy: Math.round(position.coords.accuracy) });
      },
      function () {
        status.textContent = text(form, "unlocated");
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  }

  function chosenOutcome(form) {
    var checked = form.querySelector("[data-outcome]:checked");
    return checked ? checked.value : "";
  }

  // The refusal reason shows (and is required) only for "refused"; the questionnaire only when
  // the household was met, or before an outcome is chosen.
  function followOutcome(form) {
    var outcome = chosenOutcome(form);
    form.querySelectorAll("[data-show-for]").forEach(function (section) {
      var wanted = section.getAttribute("data-show-for");
      section.hidden = wanted === "refused" ? outcome !== "refused" : Boolean(outcome) && outcome !== wanted;
    });
    form.elements.refused_reason.required = outcome === "refused";
  }

  function demandRows(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-demand-row]"));
  }

  // Empty demand rows after the last one written wait behind "Add another demand".
  function foldDemandRows(form) {
    var more = form.querySelector("[data-demand-more]");
    var rows = demandRows(form);
    var last = 0;
    rows.forEach(function (row, index) {
      if (row.querySelector("[data-demand-text]").value.trim()) {
        last = index;
      }
    });
    rows.forEach(function (row, index) {
      row.hidden = index > last;
    });
    more.hidden = last >= rows.length - 1;
    more.addEventListener("click", function () {
      var hidden = rows.filter(function (row) {
        return row.hidden;
      });
      if (hidden.length) {
        hidden[0].hidden = false;
        hidden[0].querySelector("[data-demand-text]").focus();
      }
      more.hidden = hidden.length <= 1;
    });
  }

  function answerValue(input) {
    var type = input.getAttribute("data-answer-type");
    if (type === "boolean") {
      return input.value === "true";
    }
    if (type === "number") {
      return input.value === "" ? null : Number(input.value);
    }
    return input.value;
  }

  // The visit in the shape of POST /api/v1/visits; photos cannot travel in it.
  function visitPayload(form) {
    var answers = {};
    form.querySelectorAll("[data-answer]").forEach(function (input) {
      if ((input.type === "radio" && !input.checked) || input.value === "") {
        return;
      }
      answers[input.getAttribute("data-answer")] = answerValue(input);
    });
    var demands = demandRows(form)
      .map(function (row) {
        return {
          text: row.querySelector("[data-demand-text]").value.trim(),
          resolved_on_spot: row.querySelector("input[type=checkbox]").checked,
          subcategory: row.querySelector("select").value,
        };
      })
      .filter(function (demand) {
        return demand.text;
      });
    var number = function (value) {
      return value === "" ? null : Number(value);
    };
    return {
      client_uuid: form.elements.client_uuid.value,
      household_id: Number(form.getAttribute("data-household")),
      visited_at: form.elements.visited_at.value || localIsoTime(new Date()),
      outcome: chosenOutcome(form),
      lat: number(form.elements.lat.value),
      lng: number(form.elements.lng.value),
      visit_type: "routine",
      answers: answers,
      policies: Array.prototype.map.call(form.querySelectorAll("input[name=policies]:checked"), function (box) {
        return box.value;
      }),
      demands: demands,
      resolved_on_spot: form.elements.resolved_on_spot.checked,
      refused_reason: form.elements.refused_reason.value.trim(),
      notes: form.elements.notes.value.trim(),
    };
  }

  function setUpVisitForm(form) {
    checkIn(form);
    followOutcome(form);
    foldDemandRows(form);
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("[data-outcome]")) {
        followOutcome(form);
      } else if (target.matches("[data-demand-row] select")) {
        // Chosen by hand: the suggestions no longer replace it.
        target.closest("[data-demand-row]").querySelector("[data-demand-auto]").value = "0";
      }
    });
    // This page shows this visit again (after an error): it is being sent from here, not the outbox.
    dropFromOutbox(form.elements.client_uuid.value);
    form.addEventListener("submit", function (event) {
      // Kept before sending, so that a request lost in a stairwell is not a visit lost: the
      // work list removes it once the page has recorded it, or the outbox sends it later.
      keepInOutbox(visitPayload(form));
      if (navigator.onLine) {
        return;
      }
      event.preventDefault();
      form.querySelector("[type=submit]").disabled = true;
      showOutbox(text(form, "offline"));
      outbox.scrollIntoView({ block: "start" });
    });
  }

  // --- the work list ------------------------------------------------------------------------------

  function setUpWorkList() {
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        var status = document.querySelector("[data-locate-status]");
        status.textContent = text(locate, "locating");
        status.hidden = false;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var url = new URL(window.location.href);
            url.searchParams.set("lat", position.coords.latitude.toFixed(6));
            url.searchParams.set("lng", position.coords.longitude.toFixed(6));
            url.searchParams.delete("recorded");
            window.location.assign(url.toString());
          },
          function () {
            status.textContent = text(locate, "failed");
          },
          { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
        );
      });
    }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () {
        window.print();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The page recorded this visit: the copy kept in case the request got lost is not needed.
    var recorded = new URL(window.location.href).searchParams.get("recorded");
    if (recorded) {
      dropFromOutbox(recorded);
    }
    var form = document.querySelector("[data-visit-form]");
    if (form) {
      setUpVisitForm(form);
    }
    setUpWorkList();
    sendOutbox();
    var send = outbox && outbox.querySelector("[data-outbox-send]");
    if (send) {
      send.addEventListener("click", sendOutbox);
    }
  });
  window.addEventListener("online", sendOutbox);
  window.addEventListener("offline", function () {
    showOutbox();
  });
})();
