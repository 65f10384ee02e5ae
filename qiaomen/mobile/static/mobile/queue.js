/* Visits recorded without signal wait here, sealed in the vault, until the server has them. Each
   carries the client UUID it got when it was saved: sending it again (a timeout after the server
   wrote it, two tabs) is answered with the first result, never a second visit (R-VIS-4). */
(function () {
  "use strict";
  const FIRST_PAUSE_S = 5;
  const LONGEST_PAUSE_S = 300;

  // What one attempt came to: "sent" (with the server's answer), "refused" (the server will
  // never take it as it is), "session" (signed out: sign in again), or "later" (no signal, busy
  // server: try again). `body` is JSON text or a FormData (a photo).
  async function send(url, csrf, body) {
    const headers = {
      Accept: "application/json",
      "X-CSRFToken": csrf,
      "Accept-Language": document.documentElement.lang || "zh-hans",
    };
    if (typeof body === "string") headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body });
    } catch (error) {
      return { result: "later" };
    }
    if (response.ok) return { result: "sent", answer: await response.json() };
    if (response.status === 401 || response.status === 403) return { result: "session" };
    if (response.status === 429 || response.status >= 500) {
      const wait = Number(response.headers.get("Retry-After"));
      return { result: "later", retryAfter: Number.isFinite(wait) && wait > 0 ? wait : null };
    }
    let reason = String(response.status);
    try {
      const answer = await response.json();
      reason = answer.message || answer.detail || reason;
    } catch (error) {
      /* not JSON: the status stands for the reason */
    }
    return { result: "refused", reason: reason };
  }

  // Every change of the queue goes through this chain, one after the other: a visit saved
  // while a sync is sending must not be overwritten by the sync's own write of the queue.
  let chain = Promise.resolve([]);
  function update(vault, change, name) {
    const key = name || "queue";
    chain = chain.catch(() => null).then(async () => {
      const next = change((await vault.get(key)) || []);
      await vault.put(key, next);
      return next;
    });
    return chain;
  }

  function add(vault, visit) {
    return update(vault, (queue) => queue.concat([visit]));
  }

  // Corrections of a member's file wait in a queue of their own and go after the visits; the
  // server answers "applied" or "conflict" (kept for review), either way they leave the phone.
  function addCorrection(vault, correction) {
    return update(vault, (queue) => queue.concat([correction]), "corrections");
  }

  async function drainCorrections(vault, url, csrf) {
    const waiting = ((await vault.get("corrections")) || []).filter((correction) => !correction.refused);
    const done = new Set();
    const refused = new Map();
    let stopped = null;
    for (const correction of waiting) {
      const answer = await send(url, csrf, JSON.stringify(correction.payload));
      if (answer.result === "sent") {
        done.add(correction.payload.client_uuid);
      } else if (answer.result === "refused") {
        refused.set(correction.payload.client_uuid, answer.reason);
      } else {
        stopped = answer.result;
        break;
      }
    }
    await update(
      vault,
      (queue) =>
        queue
          .filter((correction) => !done.has(correction.payload.client_uuid))
          .map((correction) =>
            refused.has(correction.payload.client_uuid)
              ? Object.assign({}, correction, { refused: refused.get(correction.payload.client_uuid) })
              : correction,
          ),
      "corrections",
    );
    return stopped;
  }

  // The visit first (once: the server's id is kept), then each of its photos; a visit leaves the
  // queue when it and all its photos are on the server. Stops at the first "later" or
  // "session"; a refusal marks that visit and the others go on.
  async function deliver(visit, vault, url, csrf, change) {
    if (!change.id) {
      const sent = await send(url, csrf, JSON.stringify(visit.payload));
      if (sent.result !== "sent") return sent;
      change.id = sent.answer.id;
    }
    for (const photo of visit.photos || []) {
      if (photo.sent) continue;
      const form = new FormData();
      form.append("file", new Blob([await vault.getBytes(photo.key)], { type: "image/jpeg" }), "photo.jpg");
      const sent = await send(url + "/" + change.id + "/photos", csrf, form);
      if (sent.result !== "sent") return sent;
      change.photos.push(photo.key);
    }
    return { result: "sent" };
  }

  async function drain(vault, url, csrf) {
    const waiting = ((await vault.get("queue")) || []).filter((visit) => visit.state === "waiting");
    const outcome = { sent: 0, stopped: null, retryAfter: null };
    const changes = new Map();
    for (const visit of waiting) {
      const change = { id: visit.id || null, photos: [], refused: null };
      changes.set(visit.payload.client_uuid, change);
      const answer = await deliver(visit, vault, url, csrf, change);
      if (answer.result === "sent") {
        outcome.sent += 1;
      } else if (answer.result === "refused") {
        change.refused = answer.reason;
      } else {
        outcome.stopped = answer.result;
        outcome.retryAfter = answer.retryAfter || null;
        break;
      }
    }
    await update(vault, (queue) =>
      queue.flatMap((visit) => {
        const change = changes.get(visit.payload.client_uuid);
        if (!change) return [visit];
        const photos = (visit.photos || []).map((photo) =>
          change.photos.includes(photo.key) ? Object.assign({}, photo, { sent: true }) : photo,
        );
        const next = Object.assign({}, visit, { id: change.id || visit.id || null, photos: photos });
        if (change.refused) return [Object.assign(next, { state: "refused", reason: change.refused })];
        return next.id && photos.every((photo) => photo.sent) ? [] : [next];
      }),
    );
    for (const change of changes.values()) {
      for (const key of change.photos) await vault.drop(key);
    }
    return outcome;
  }

  // Visits saved without signal whose note is to be cut into demands: now that there is signal,
  // the server's split is kept with each of them for the worker to confirm; they are sent only
  // after that (a demand becomes a ticket only when the worker has kept it).
  async function splitPending(vault, url, csrf) {
    const pending = ((await vault.get("queue")) || []).filter((visit) => visit.state === "to_split");
    const found = new Map();
    for (const visit of pending) {
      const answer = await send(url, csrf, JSON.stringify({ text: visit.payload.notes }));
      if (answer.result !== "sent") return answer.result;
      found.set(visit.payload.client_uuid, answer.answer.demands);
    }
    await update(vault, (queue) =>
      queue.map((visit) =>
        found.has(visit.payload.client_uuid)
          ? Object.assign({}, visit, { state: "to_confirm", candidates: found.get(visit.payload.client_uuid) })
          : visit,
      ),
    );
    return null;
  }

  // The worker's choice among a visit's candidates: the kept ones join its demands and it goes.
  function confirm(vault, clientUuid, kept) {
    return update(vault, (queue) =>
      queue.map((visit) => {
        if (visit.payload.client_uuid !== clientUuid) return visit;
        const demands = kept.map((demand) => ({ text: demand.text, subcategory: demand.subcategory }));
        const payload = Object.assign({}, visit.payload, { demands: visit.payload.demands.concat(demands) });
        return Object.assign({}, visit, { payload: payload, state: "waiting", candidates: undefined });
      }),
    );
  }

  // Exponential back-off after failures in a row, or the server's own Retry-After.
  function pauseSeconds(failures, retryAfter) {
    if (retryAfter) return retryAfter;
    return Math.min(LONGEST_PAUSE_S, FIRST_PAUSE_S * Math.pow(2, Math.max(0, failures - 1)));
  }

  window.QiaomenQueue = {
    add: add,
    addCorrection: addCorrection,
    confirm: confirm,
    drain: drain,
    drainCorrections: drainCorrections,
    pauseSeconds: pauseSeconds,
    splitPending: splitPending,
  };
})();
