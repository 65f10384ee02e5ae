/* The grid worker's app: the work list and household cards kept on the phone, visits recorded
   with or without signal and sent when it returns. Labels come from the page (phone-messages),
   in the worker's language; nothing here is written into the page as HTML. */
(function () {
  "use strict";
  const body = document.body;
  const T = JSON.parse(document.getElementById("phone-messages").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const state = { vault: null, pkg: null, household: null, position: null, failures: 0, timer: null, syncing: false, again: false };
  const $ = (id) => document.getElementById(id);
  const LONG_SIDE = 1600;
  const MAX_PHOTOS = 6; // as the server allows (visits.photos.MAX_PHOTOS_PER_VISIT)

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (match, name) => String(values[name]));
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit" });
  }

  function day(iso) {
    return new Date(iso).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" });
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  async function sessionOver() {
    // The household cards go with the session; visits not yet sent stay sealed for this worker,
    // who signs in again to send them (another worker's sign-in wipes them: vault.js).
    await state.vault.drop("package");
    window.location.assign(body.dataset.loginUrl);
  }

  async function loadPackage() {
    if (!navigator.onLine) {
      state.pkg = (await state.vault.get("package")) || null;
      return;
    }
    try {
      const response = await fetch(body.dataset.packageUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 401 || response.status === 403) return sessionOver();
      if (response.ok) {
        state.pkg = await response.json();
        await state.vault.put("package", state.pkg);
        return;
      }
    } catch (error) {
      /* no signal: the package kept on the phone */
    }
    state.pkg = (await state.vault.get("package")) || null;
  }

  function renderList(queue) {
    const list = $("households");
    list.replaceChildren();
    const note = $("list-note");
    note.hidden = true;
    if (!state.pkg) {
      note.textContent = T.no_package;
      note.hidden = false;
      return;
    }
    if (!state.pkg.households.length) {
      note.textContent = T.empty;
      note.hidden = false;
    }
    const recorded = new Set(queue.map((visit) => visit.payload.household_id));
    for (const household of state.pkg.households) {
      const item = element("li", undefined, "household tier-" + household.tier);
      const open = element("button", household.address, "household-open");
      open.type = "button";
      open.dataset.household = String(household.household_id);
      open.addEventListener("click", () => showVisit(household));
      item.append(open);
      const facts = [fill(T.members, { n: household.members.length + household.hidden_children })];
      if (household.later_this_week) facts.unshift(T.later_this_week);
      if (household.open_tickets) facts.push(fill(T.open_tickets, { n: household.open_tickets }));
      facts.push(household.last_visit_at ? fill(T.last_visit, { date: day(household.last_visit_at) }) : T.never_visited);
      item.append(element("p", facts.join(" · "), "household-facts"));
      if (recorded.has(household.household_id)) item.classList.add("recorded");
      list.append(item);
    }
  }

  function renderQueue(queue) {
    const list = $("queue");
    // A confirmation the worker is in the middle of survives the redraw, ticks and all.
    const open = new Map(Array.from(list.querySelectorAll(".confirm-demands")).map((form) => [form.dataset.visit, form]));
    list.replaceChildren();
    for (const visit of queue) {
      const unsent = (visit.photos || []).filter((photo) => !photo.sent).length;
      const text = visit.address + " · " + clock(visit.payload.visited_at) + (unsent ? " · " + fill(T.photos_waiting, { n: unsent }) : "");
      const item = element("li", text, "queued " + visit.state);
      if (visit.state === "refused") item.append(element("p", fill(T.refused_by_server, { reason: visit.reason }), "error"));
      if (visit.state === "to_split") item.append(element("p", T.split_at_sync, "hint"));
      if (visit.state === "to_confirm") item.append(open.get(visit.payload.client_uuid) || confirmForm(visit));
      list.append(item);
    }
    const waiting = queue.filter((visit) => visit.state !== "refused").length;
    const synced = localStorage.getItem("qiaomen-synced-at");
    const parts = [waiting ? fill(T.waiting, { n: waiting }) : T.nothing_waiting];
    parts.push(synced ? fill(T.last_synced, { time: clock(synced) }) : T.never_synced);
    $("sync-status").textContent = parts.join(" · ");
    $("status").textContent = navigator.onLine ? "" : T.offline;
  }

  // The demands found in a note at sync, each with a box the worker unticks to drop it.
  function confirmForm(visit) {
    const box = element("div", undefined, "confirm-demands");
    box.dataset.visit = visit.payload.client_uuid;
    box.append(element("p", visit.candidates.length ? T.confirm_found : T.split_none, "hint"));
    const boxes = visit.candidates.map((demand) => {
      const label = element("label", " " + demand.text + " · " + demand.subcategory_name + " · " + demand.priority);
      const tick = element("input");
      tick.type = "checkbox";
      tick.checked = true;
      label.prepend(tick);
      box.append(label);
      return [tick, demand];
    });
    const send = element("button", T.confirm_send, "button");
    send.type = "button";
    send.addEventListener("click", async () => {
      const kept = boxes.filter(([tick]) => tick.checked).map(([, demand]) => demand);
      await QiaomenQueue.confirm(state.vault, visit.payload.client_uuid, kept);
      await refresh();
      sync();
    });
    box.append(send);
    return box;
  }

  async function refresh() {
    const queue = (await state.vault.get("queue")) || [];
    renderList(queue);
    renderQueue(queue);
    const list = $("queue");
    for (const correction of (await state.vault.get("corrections")) || []) {
      const text = correction.name + " · " + fill(T.correction_kept, { value: correction.payload.value });
      const item = element("li", text, "queued correction");
      if (correction.refused) item.append(element("p", fill(T.refused_by_server, { reason: correction.refused }), "error"));
      list.append(item);
    }
    const conflicts = $("conflicts");
    conflicts.replaceChildren();
    for (const conflict of (await state.vault.get("conflicts")) || []) {
      conflicts.append(element("li", fill(T.conflict, { name: conflict.person_name, phone: conflict.phone_masked, current: conflict.current_masked }), "queued conflict"));
    }
    $("conflicts-view").hidden = !conflicts.children.length;
  }

  function showVisit(household) {
    state.household = household;
    state.position = null;
    $("visit-address").textContent = household.address;
    const members = $("visit-members");
    members.replaceChildren();
    for (const member of household.members) {
      const tags = member.tags.length ? " · " + member.tags.join("、") : "";
      const row = element("li", member.name + "（" + member.relationship + "，" + member.age + "）" + member.id_masked + " " + member.phone_masked + tags);
      const correct = element("button", T.correct_phone, "button button-quiet");
      correct.type = "button";
      correct.addEventListener("click", () => correctionForm(row, member));
      row.append(correct);
      members.append(row);
    }
    if (household.hidden_children) members.append(element("li", fill(T.hidden_children, { n: household.hidden_children })));
    $("visit-form").reset();
    $("split-demands").replaceChildren();
    renderQuestions();
    $("visit-error").hidden = true;
    $("visit-position").textContent = T.position_missing;
    $("list-view").hidden = true;
    $("visit-view").hidden = false;
    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(
        (found) => {
          state.position = { lat: found.coords.latitude, lng: found.coords.longitude, accuracy: Math.round(found.coords.accuracy) };
          $("visit-position").textContent = fill(T.position_kept, { metres: state.position.accuracy });
        },
        () => undefined,
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
      );
    }
  }

  // The visit type's questionnaire, from the package: a field per question, labelled, its kind
  // as the server will check it (questionnaire.py); yes/no is a choice so "not answered" exists.
  function renderQuestions() {
    const box = $("visit-questions");
    box.replaceChildren();
    for (const [index, question] of (state.pkg ? state.pkg.questions : []).entries()) {
      const id = "question-" + index;
      const label = element("label", question.label + (question.required ? " *" : ""));
      label.htmlFor = id;
      let field;
      if (question.type === "boolean" || question.type === "choice") {
        field = document.createElement("select");
        const options = question.type === "boolean" ? [["yes", T.yes], ["no", T.no]] : question.choices.map((choice) => [choice, choice]);
        field.append(new Option("", ""));
        for (const [value, text] of options) field.append(new Option(text, value));
      } else {
        field = document.createElement(question.type === "text" ? "textarea" : "input");
        if (question.type === "number") field.type = "number";
      }
      field.id = id;
      field.dataset.code = question.code;
      field.dataset.kind = question.type;
      box.append(label, field);
    }
  }

  // The answers given, typed; the first required question left blank when the household was met.
  function answers(met) {
    const given = {};
    for (const field of $("visit-questions").querySelectorAll("[data-code]")) {
      const raw = field.value.trim();
      const question = state.pkg.questions.find((candidate) => candidate.code === field.dataset.code);
      if (!raw) {
        if (met && question.required) return { missing: question.label };
        continue;
      }
      const kind = field.dataset.kind;
      given[field.dataset.code] = kind === "number" ? Number(raw) : kind === "boolean" ? raw === "yes" : raw;
    }
    return { given: given };
  }

  // The note cut into its demands by the server, one editable row each: the worker keeps,
  // corrects or drops each; kept rows go with the visit as demands. Needs signal: without it,
  // the worker types one demand per line instead.
  async function splitNote() {
    const note = $("visit-notes").value.trim();
    const box = $("split-demands");
    box.replaceChildren();
    if (!note) return;
    if (!navigator.onLine) {
      box.append(element("li", T.split_needs_signal, "hint"));
      return;
    }
    let found;
    try {
      const response = await fetch(body.dataset.splitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ text: note }),
      });
      if (!response.ok) throw new Error(String(response.status));
      found = (await response.json()).demands;
    } catch (error) {
      box.append(element("li", T.split_needs_signal, "hint"));
      return;
    }
    if (!found.length) box.append(element("li", T.split_none, "hint"));
    for (const demand of found) {
      const row = element("li", undefined, demand.emergency.length ? "split-demand emergency" : "split-demand");
      const text = element("input");
      text.value = demand.text;
      text.dataset.original = demand.text;
      text.dataset.subcategory = demand.subcategory;
      text.setAttribute("aria-label", demand.subcategory_name);
      const label = demand.subcategory_name + " · " + demand.priority + (demand.emergency.length ? " · ⚠ " + demand.emergency.join("、") : "");
      const drop = element("button", T.drop, "button button-quiet");
      drop.type = "button";
      drop.addEventListener("click", () => row.remove());
      row.append(element("p", label, "split-label"), text, drop);
      box.append(row);
    }
  }

  // The kept rows of the split (with the suggested sub-category while their words are as found)
  // and the lines typed by hand.
  function demandsGiven(form) {
    const split = Array.from($("split-demands").querySelectorAll("input")).filter((input) => input.value.trim());
    const kept = split.map((input) => {
      const text = input.value.trim();
      return text === input.dataset.original ? { text: text, subcategory: input.dataset.subcategory } : { text: text };
    });
    const typed = form.elements.demands.value.split("\n").map((line) => line.trim()).filter(Boolean);
    return kept.concat(typed.map((text) => ({ text: text })));
  }

  // A new phone number heard at the door, for this member's file: kept on the phone with the
  // version of the file the package held, sent with the next sync (applied, or a conflict).
  function correctionForm(row, member) {
    if (row.querySelector("input")) return;
    const input = element("input");
    input.type = "tel";
    input.setAttribute("aria-label", fill(T.new_phone_of, { name: member.name }));
    const save = element("button", T.save_correction, "button");
    save.type = "button";
    save.addEventListener("click", async () => {
      const value = input.value.trim();
      if (!value) return;
      const payload = {
        client_uuid: crypto.randomUUID(),
        person_id: member.id,
        field: "phone",
        value: value,
        version: member.version,
        made_at: new Date().toISOString(),
      };
      await QiaomenQueue.addCorrection(state.vault, { payload: payload, name: member.name });
      row.replaceChildren(element("span", member.name + " · " + fill(T.correction_kept, { value: value })));
      await refresh();
      sync();
    });
    row.append(input, save);
    input.focus();
  }

  async function loadConflicts() {
    try {
      const response = await fetch(body.dataset.correctionsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) await state.vault.put("conflicts", await response.json());
    } catch (error) {
      /* no signal: the list the phone last saw */
    }
  }

  function showList() {
    $("visit-view").hidden = true;
    $("list-view").hidden = false;
  }

  async function saveVisit(event) {
    event.preventDefault();
    const form = event.target;
    const outcome = form.elements.outcome.value;
    const reason = form.elements.refused_reason.value.trim();
    if (outcome === "refused" && !reason) {
      $("visit-error").textContent = T.refused_reason_needed;
      $("visit-error").hidden = false;
      return;
    }
    const answered = answers(outcome === "met");
    if (answered.missing) {
      $("visit-error").textContent = fill(T.answer_needed, { label: answered.missing });
      $("visit-error").hidden = false;
      return;
    }
    const files = Array.from(form.elements.photos.files);
    if (files.length > MAX_PHOTOS) {
      $("visit-error").textContent = fill(T.too_many_photos, { n: MAX_PHOTOS });
      $("visit-error").hidden = false;
      return;
    }
    const payload = {
      client_uuid: crypto.randomUUID(),
      household_id: state.household.household_id,
      visited_at: new Date().toISOString(),
      outcome: outcome,
      visit_type: state.pkg.visit_type,
      answers: answered.given,
      notes: form.elements.notes.value.trim(),
      refused_reason: outcome === "refused" ? reason : "",
      demands: demandsGiven(form),
    };
    if (state.position) Object.assign(payload, { lat: state.position.lat, lng: state.position.lng, accuracy_m: state.position.accuracy });
    const accuracy = state.position ? state.position.accuracy : null;
    const photos = [];
    for (const [index, file] of files.entries()) {
      const key = "photo:" + payload.client_uuid + ":" + index;
      await state.vault.putBytes(key, await (await shrink(file)).arrayBuffer());
      photos.push({ key: key, sent: false });
    }
    payload.photos_expected = photos.length;
    const later = form.elements.split_later.checked && payload.notes;
    const visit = {
      payload: payload,
      photos: photos,
      address: state.household.address,
      accuracy: accuracy,
      state: later ? "to_split" : "waiting",
    };
    await QiaomenQueue.add(state.vault, visit);
    $("status").textContent = T.saved;
    showList();
    await refresh();
    if ("serviceWorker" in navigator && "SyncManager" in window) {
      navigator.serviceWorker.ready.then((registration) => registration.sync.register("visits")).catch(() => undefined);
    }
    sync();
  }

  // A photo as the phone keeps and sends it: JPEG, its long side at most 1600 px (a 12 MP
  // photo is 4 MB and a minute on a weak line; this is a tenth of it and still readable).
  async function shrink(file) {
    const picture = await createImageBitmap(file);
    const scale = Math.min(1, LONG_SIDE / Math.max(picture.width, picture.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(picture.width * scale);
    canvas.height = Math.round(picture.height * scale);
    canvas.getContext("2d").drawImage(picture, 0, 0, canvas.width, canvas.height);
    picture.close();
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  }

  async function sync() {
    if (!navigator.onLine) {
      if (!state.syncing) body.dataset.syncing = "false"; // nothing can be sent: settled
      return refresh();
    }
    if (state.syncing) {
      // A visit saved or confirmed while a sync is sending: one more round right after it, not
      // a minute later with the timer.
      state.again = true;
      return refresh();
    }
    state.syncing = true;
    state.again = false;
    body.dataset.syncing = "true"; // for the tests, and a style hook
    clearTimeout(state.timer);
    try {
      const split = await QiaomenQueue.splitPending(state.vault, body.dataset.splitUrl, csrf);
      const outcome = split
        ? { stopped: split, retryAfter: null }
        : await QiaomenQueue.drain(state.vault, body.dataset.visitsUrl, csrf);
      if (!outcome.stopped) outcome.stopped = await QiaomenQueue.drainCorrections(state.vault, body.dataset.correctionsUrl, csrf);
      if (!outcome.stopped) await loadConflicts();
      if (outcome.stopped === "session") return sessionOver();
      if (outcome.stopped === "later") {
        state.failures += 1;
        state.timer = setTimeout(sync, QiaomenQueue.pauseSeconds(state.failures, outcome.retryAfter) * 1000);
      } else {
        state.failures = 0;
        localStorage.setItem("qiaomen-synced-at", new Date().toISOString());
      }
    } finally {
      state.syncing = false;
    }
    await refresh();
    if (state.again) return sync();
    body.dataset.syncing = "false";
  }

  async function signOut(event) {
    const queue = (await state.vault.get("queue")) || [];
    const waiting = queue.length;
    const form = event.target;
    if (waiting && form.dataset.confirmed !== "yes") {
      event.preventDefault();
      form.dataset.confirmed = "yes";
      $("status").textContent = fill(T.unsent_on_sign_out, { n: waiting });
      return;
    }
    event.preventDefault();
    await QiaomenVault.wipe(state.vault);
    localStorage.removeItem("qiaomen-synced-at");
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("qiaomen-shell-")).map((name) => caches.delete(name)));
    form.submit();
  }

  async function start() {
    state.vault = await QiaomenVault.open(body.dataset.user);
    $("visit-form").addEventListener("submit", saveVisit);
    $("visit-back").addEventListener("click", showList);
    $("split-note").addEventListener("click", splitNote);
    $("sync-now").addEventListener("click", () => sync());
    $("logout").addEventListener("submit", signOut);
    window.addEventListener("online", () => sync());
    window.addEventListener("offline", () => refresh());
    setInterval(() => sync(), 60000);
    await loadPackage();
    await refresh();
    body.dataset.ready = "true";
    // After the list is drawn: on a slow line the worker's first download of the shell's files
    // would otherwise share it with the work list.
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.dataset.workerUrl, { scope: body.dataset.scope }).catch(() => undefined);
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data === "sync") sync();
      });
    }
    sync();
  }

  start();
})();
