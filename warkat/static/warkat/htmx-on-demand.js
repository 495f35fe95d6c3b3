// htmx on demand (issue 15), written into the pages that use htmx (templates/base.html).
// On a phone on 3G, htmx (15.5 KB, two round trips) and its start-up on a slow CPU came
// after the page itself and kept it from being usable, yet every hx- control on
// Warkat's pages works without htmx too: forms submit and links navigate. So htmx runs
// at the person's first action (a touch, a key, a focus, a change), or at load on a
// page that polls (hx-trigger "every", "load", "revealed", "intersect"); until then the
// browser only fetches it into its cache, once the page has loaded and shown its first
// content (a prefetch: nothing runs). What the person typed, chose or opened before
// htmx ran is played again to it once it has started, so a search typed at once
// still searches.
// htmx 2 starts on DOMContentLoaded, or at once if the document is complete: it is
// added once the page has loaded, never in between, where it would never start.
(() => {
  "use strict";
  const src = document.currentScript.dataset.src;
  const verbs = "[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-trigger]";
  const polls = ["every", "load", "revealed", "intersect"].map((t) => `[hx-trigger*="${t}"]`).join();
  // Element → the events htmx would have acted on before it ran.
  const early = new Map();
  const blanked = new Map();
  let asked = false;
  let added = false;
  let ran = false;
  const acts = (el) => el instanceof Element && (el.closest(verbs) !== null
    || (el.id !== "" && document.querySelector(`[hx-trigger*="from:#${CSS.escape(el.id)}"]`) !== null));
  // htmx notes each field's value as it starts ("changed" triggers compare with it): a
  // field filled in before then must count as changed, so htmx finds it empty.
  const blank = () => {
    for (const [el, types] of early) {
      if ((types.has("input") || types.has("change")) && "value" in el && !/^(checkbox|radio|file)$/.test(el.type)) {
        blanked.set(el, el.value);
        el.value = "";
      }
    }
  };
  const replay = () => {
    ran = true;
    for (const [el, value] of blanked) {
      el.value = value;
    }
    for (const [el, types] of early) {
      for (const type of types) {
        el.dispatchEvent(new Event(type, { bubbles: type !== "toggle" }));
      }
    }
    early.clear();
    blanked.clear();
  };
  const add = () => {
    if (added) {
      return;
    }
    added = true;
    document.addEventListener("htmx:beforeProcessNode", blank, { once: true });
    const script = document.createElement("script");
    script.src = src;
    script.onload = replay;
    // Offline at that moment: the next action tries again.
    script.onerror = () => {
      asked = added = false;
      script.remove();
      document.removeEventListener("htmx:beforeProcessNode", blank);
    };
    document.head.append(script);
  };
  const start = () => {
    if (!asked) {
      asked = true;
      if (document.readyState === "complete") {
        add();
      } else {
        addEventListener("load", add, { once: true });
      }
    }
  };
  const note = (event) => {
    if (!ran && acts(event.target)) {
      early.set(event.target, (early.get(event.target) || new Set()).add(event.type));
      start();
    }
  };
  for (const type of ["input", "change", "search", "toggle"]) {
    document.addEventListener(type, note, true);
  }
  for (const type of ["pointerdown", "keydown", "focusin"]) {
    addEventListener(type, start, { passive: true, capture: true });
  }
  const prefetch = () => {
    if (!asked) {
      const link = document.createElement("link");
      link.rel = "prefetch";
      link.href = src;
      document.head.append(link);
    }
  };
  addEventListener("load", () => {
    if (document.querySelector(polls) !== null) {
      add();
      return;
    }
    new PerformanceObserver((list, observer) => {
      if (list.getEntries().some((e) => e.name === "first-contentful-paint")) {
        observer.disconnect();
        prefetch();
      }
    }).observe({ type: "paint", buffered: true });
  }, { once: true });
})();
