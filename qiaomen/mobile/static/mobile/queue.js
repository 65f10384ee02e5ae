/* Visits recorded without signal wait here, sealed in the vault, until the server has them. Each
   carries the client UUID it got when it was saved: sending it again (a timeout after the server
   wrote it, two tabs) is answered with the first result, never a second visit (R-VIS-4). */
(function () {
  "use strict";
  const FIRST_PAUSE_S = 5;
  const LONGEST_PAUSE_S = 300;

  // What one attempt came to: "sent", "refused" (the server will never take it as it is),
  // "session" (signed out: sign in again), or "later" (no signal, busy server: try again).
  async function send(visit, url, csrf) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf,
          "Accept-Language": document.documentElement.lang || "zh-hans",
        },
        body: JSON.stringify(visit.payload),
      });
    } catch (error) {
      return { result: "later" };
    }
    if (response.ok) return { result: "sent" };
    if (response.status === 401 || response.status === 403) return { result: "session" };
    if (response.status === 429 || response.status >= 500) {
      const wait = Number(response.headers.get("Retry-After"));
      return { result: "later", retryAfter: Number.isFinite(wait) && wait > 0 ? wait : null };
    }
    let reason = String(response.status);
    try {
      const body = await response.json();
      reason = body.message || body.detail || reason;
    } catch (error) {
      /* not JSON: the status stands for the reason */
    }
    return { result: "refused", reason: reason };
  }

  // Every change of the queue goes through this chain, one after the other: a visit saved
  // while a sync is sending must not be overwritten by the sync's own write of the queue.
  let chain = Promise.resolve([]);
  function update(vault, change) {
    chain = chain.catch(() => null).then(async () => {
      const next = change((await vault.get("queue")) || []);
      await vault.put("queue", next);
      return next;
    });
    return chain;
  }

  function add(vault, visit) {
    return update(vault, (queue) => queue.concat([visit]));
  }

  // Sends every waiting visit in the order it was recorded; stops at the first "later" or
  // "session". Returns how it went; the vault then holds what is still waiting or refused.
  async function drain(vault, url, csrf) {
    const waiting = ((await vault.get("queue")) || []).filter((visit) => visit.state !== "refused");
    const outcome = { sent: 0, stopped: null, retryAfter: null };
    const sent = new Set();
    const refused = new Map();
    for (const visit of waiting) {
      const answer = await send(visit, url, csrf);
      if (answer.result === "sent") {
        sent.add(visit.payload.client_uuid);
        outcome.sent += 1;
      } else if (answer.result === "refused") {
        refused.set(visit.payload.client_uuid, answer.reason);
      } else {
        outcome.stopped = answer.result;
        outcome.retryAfter = answer.retryAfter || null;
        break;
      }
    }
    await update(vault, (queue) =>
      queue
        .filter((visit) => !sent.has(visit.payload.client_uuid))
        .map((visit) =>
          refused.has(visit.payload.client_uuid)
            ? Object.assign({}, visit, { state: "refused", reason: refused.get(visit.payload.client_uuid) })
            : visit,
        ),
    );
    return outcome;
  }

  // Exponential back-off after failures in a row, or the server's own Retry-After.
  function pauseSeconds(failures, retryAfter) {
    if (retryAfter) return retryAfter;
    return Math.min(LONGEST_PAUSE_S, FIRST_PAUSE_S * Math.pow(2, Math.max(0, failures - 1)));
  }

  window.QiaomenQueue = { add: add, drain: drain, pauseSeconds: pauseSeconds };
})();
