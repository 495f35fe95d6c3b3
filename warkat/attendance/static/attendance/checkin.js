/* One-tap check-in: the browser's position (with its accuracy) goes to the API.
   Without network the tap is kept on the phone with the phone's time and a key,
   and sent as a batch when the network returns (the key makes a resend harmless). */
(function () {
  "use strict";
  const root = document.getElementById("absen");
  if (!root) return;
  const button = document.getElementById("absen-tap");
  const status = document.getElementById("absen-status");
  const queueInfo = document.getElementById("absen-queue");
  const list = document.getElementById("absen-records");
  const selfieInput = document.getElementById("absen-selfie");
  const t = root.dataset;
  const KEY = "warkat.absen.queue";

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function queue() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
    queueInfo.hidden = items.length === 0;
    queueInfo.textContent = t.pending + " " + items.length;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function show(record) {
    const time = new Date(record.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const direction = record.direction === "in" ? t.in : t.out;
    if (record.review === "pending") {
      status.textContent = direction + " · " + t.flagged + " " + record.flags.map((f) => f.reason).join(" ");
      status.className = "absen-status flagged";
    } else {
      status.textContent = direction + " · " + t.recorded + " " + time;
      status.className = "absen-status ok";
    }
    const li = document.createElement("li");
    li.textContent = direction + " " + time + (record.location ? " · " + record.location : "");
    if (record.review === "pending") li.className = "flagged";
    const empty = list.querySelector(".empty");
    if (empty) empty.remove();
    list.appendChild(li);
  }
  async function post(url, body) {
    const res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    return { ok: res.ok, data: data };
  }
  async function flush() {
    const items = queue();
    if (!items.length || !navigator.onLine) { saveQueue(items); return; }
    try {
      const res = await post(t.batch, { records: items });
      if (!res.ok) { saveQueue(items); return; }  // try again later
      // Every record got an answer: recorded (or already was), or refused with a reason.
      saveQueue([]);
      res.data.forEach((item) => {
        if (item.record && item.record.created) show(item.record);
        if (item.error) { status.textContent = item.error.message; status.className = "absen-status error"; }
      });
    } catch (e) { saveQueue(items); }
  }
  // The tenant asks for a selfie: shrink it on the phone (the server re-encodes it
  // smaller still and strips its metadata). Offline-queued taps go without it.
  function shrink(file) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      const url = URL.createObjectURL(file);
      img.onload = () => {
        const scale = Math.min(1, 960 / Math.max(img.width, img.height));
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve(canvas.toDataURL("image/jpeg", 0.85));
      };
      img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("image")); };
      img.src = url;
    });
  }
  async function tap() {
    if (!("geolocation" in navigator)) { status.textContent = t.nogeo; return; }
    let selfie = "";
    if (selfieInput && navigator.onLine) {
      const file = selfieInput.files && selfieInput.files[0];
      if (!file) { status.textContent = t.noselfie; status.className = "absen-status error"; return; }
      try { selfie = await shrink(file); } catch (e) { selfie = ""; }
    }
    button.disabled = true;
    status.className = "absen-status";
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(async (pos) => {
      const record = {
        latitude: pos.coords.latitude,
        longitude: pos.coords.longitude,
        accuracy_m: pos.coords.accuracy,
        device_at: new Date().toISOString(),
        client_key: newKey(),
      };
      status.textContent = t.sending;
      try {
        if (!navigator.onLine) throw new Error("offline");
        const res = await post(t.api, selfie ? Object.assign({ selfie: selfie }, record) : record);
        if (res.ok) { show(res.data); if (selfieInput) selfieInput.value = ""; }
        else { status.textContent = res.data.message || ""; status.className = "absen-status error"; }
      } catch (e) {
        const items = queue();
        items.push(Object.assign(record, { source: "offline" }));
        saveQueue(items);
        status.textContent = t.queued;
        status.className = "absen-status queued";
      }
      button.disabled = false;
    }, (err) => {
      status.textContent = err.code === 1 ? t.denied : t.nogeo;
      status.className = "absen-status error";
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  }
  button.addEventListener("click", tap);
  window.addEventListener("online", flush);
  saveQueue(queue());
  flush();
  if ("serviceWorker" in navigator) {
    // Once the page has loaded: on 3G the worker's downloads must not compete with it.
    const register = () => navigator.serviceWorker.register(t.sw).catch(() => {});
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
  }
})();
