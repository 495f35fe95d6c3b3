/* Subscribes this browser to web push when the user asks and the server has VAPID keys. */
(function () {
  const button = document.getElementById("push-enable");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) { if (button) button.hidden = true; return; }
  const key = button.dataset.key;
  function toBytes(b64) {
    const pad = "=".repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  button.addEventListener("click", async () => {
    const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(key) });
    const json = sub.toJSON();
    const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
    await fetch("/api/v1/push/subscriptions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }),
    });
    button.textContent = button.dataset.done;
    button.disabled = true;
  });
})();
