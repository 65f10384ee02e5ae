/* The phone's encrypted store (IndexedDB): every value is sealed with AES-GCM under a key that
   WebCrypto made non-extractable, so no script can read the key's bytes, only use it. The key
   belongs to one signed-in worker: another worker signing in on the same phone, a sign-out, or a
   session the server has ended wipes the store (QiaomenVault.wipe). */
(function () {
  "use strict";
  const NAME = "qiaomen-phone";

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function openDatabase() {
    const request = indexedDB.open(NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("key");
      request.result.createObjectStore("box");
    };
    return done(request);
  }

  function table(db, name, mode) {
    return db.transaction(name, mode || "readonly").objectStore(name);
  }

  async function workerKey(db, user) {
    const held = await done(table(db, "key").get("current"));
    if (held && held.user === user) return held.key;
    // Someone else's data on a shared phone: gone before this worker's arrives.
    await done(table(db, "box", "readwrite").clear());
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await done(table(db, "key", "readwrite").put({ user: user, key: key }, "current"));
    return key;
  }

  async function open(user) {
    const db = await openDatabase();
    const key = await workerKey(db, user);
    return {
      async put(name, value) {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const plain = new TextEncoder().encode(JSON.stringify(value));
        const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain);
        await done(table(db, "box", "readwrite").put({ iv: iv, data: data }, name));
      },
      async get(name) {
        const row = await done(table(db, "box").get(name));
        if (!row) return undefined;
        const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: row.iv }, key, row.data);
        return JSON.parse(new TextDecoder().decode(plain));
      },
      // Photos: their bytes sealed as they are, without a detour through JSON.
      async putBytes(name, bytes) {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, bytes);
        await done(table(db, "box", "readwrite").put({ iv: iv, data: data }, name));
      },
      async getBytes(name) {
        const row = await done(table(db, "box").get(name));
        return row ? crypto.subtle.decrypt({ name: "AES-GCM", iv: row.iv }, key, row.data) : undefined;
      },
      async drop(name) {
        await done(table(db, "box", "readwrite").delete(name));
      },
      close() {
        db.close();
      },
    };
  }

  function wipe(vault) {
    if (vault) vault.close();
    return new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(NAME);
      request.onsuccess = request.onerror = () => resolve();
    });
  }

  window.QiaomenVault = { open: open, wipe: wipe };
})();
