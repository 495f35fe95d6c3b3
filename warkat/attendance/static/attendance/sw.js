/* Warkat attendance offline worker (scope /absen/): keeps the check-in page and its
   files so the page opens without network; check-ins are queued by the page. */
const CACHE = "warkat-absen-v2";
// The page carries its stylesheets; its script is named by content hash (the view
// serving this file writes the current name in).
const SHELL = ["/absen/", "/static/attendance/checkin.js"];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;  // check-ins go to the network; the page queues them
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  // Network first (fresh records when online), the cached copy when offline.
  event.respondWith(
    fetch(req).then((res) => {
      if (res.ok && (url.pathname === "/absen/" || SHELL.includes(url.pathname))) {
        const copy = res.clone();
        caches.open(CACHE).then((c) => c.put(req, copy));
      }
      return res;
    }).catch(() => caches.match(req).then((hit) => hit || caches.match("/absen/")))
  );
});
