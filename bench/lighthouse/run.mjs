// One Lighthouse run for bench/lighthouse.py, in a Chromium already started with a
// remote-debugging port: the signed-in user's cookies go into the browser's own jar
// (an extra Cookie header is overridden by the browser's as soon as a page sets a
// cookie), then Lighthouse measures `url` on emulated mobile 3G.
//   node run.mjs URL PORT COOKIES_JSON KEEP_CACHE(0|1) OUT.json
// With WARKAT_LH_TIMINGS=1 it also writes OUT.timings.json: Lantern's simulated start
// and end of each request and long task in the time-to-interactive simulations, to
// see which connection and round trips a file got (bench/README.md, issue 15).
import fs from 'node:fs';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [url, port, cookieJson, keepCache, out] = process.argv.slice(2);
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
const page = await browser.newPage();
const cookies = JSON.parse(cookieJson).map(([name, value]) => ({ name, value, url }));
if (cookies.length) await page.setCookie(...cookies);
const flags = {
  port: Number(port),
  output: 'json',
  logLevel: 'error',
  onlyCategories: ['performance'],
  // With the performance audits: errors in the console (a CSP refusal is one).
  onlyAudits: ['errors-in-console'],
  formFactor: 'mobile',
  // Chromium's 3G preset as issue 15 states it: 300 ms round trip, 700 kbps, CPU 4x.
  throttlingMethod: 'simulate',
  throttling: {
    rttMs: 300,
    throughputKbps: 700,
    requestLatencyMs: 300,
    downloadThroughputKbps: 700,
    uploadThroughputKbps: 700,
    cpuSlowdownMultiplier: 4,
  },
  // The repeat visit keeps the cache of the first (cookies are never cleared).
  disableStorageReset: keepCache === '1',
};
const result = await lighthouse(url, flags, undefined, page);
fs.writeFileSync(out, result.report);
if (process.env.WARKAT_LH_TIMINGS === '1') {
  const lantern = await import('lighthouse/core/lib/lantern/lantern.js');
  const timings = {};
  for (const [label, nodes] of lantern.Simulation.Simulator.allNodeTimings) {
    if (!/Interactive|ContentfulPaint/.test(label)) continue;
    timings[label] = [...nodes]
      .filter(([node, t]) => node.type === 'network' || t.endTime - t.startTime > 50)
      .map(([node, t]) => ({
        what: node.type === 'network' ? node.request.url.slice(0, 80)
          : [...new Set(node.childEvents.map(e => e.name))].slice(0, 8).join(' '),
        after: node.getDependencies().map(d => d.type === 'network' ? d.request.url.slice(-30) : 'cpu@' + Math.round(nodes.get(d)?.startTime ?? -1)),
        priority: node.type === 'network' ? node.request.priority : undefined,
        bytes: node.type === 'network' ? node.request.transferSize : undefined,
        start: Math.round(t.startTime),
        end: Math.round(t.endTime),
        connect: t.connectionTiming,
        // What the real, unthrottled load did: its connection, and when it asked.
        observed: node.type === 'network'
          ? [node.request.connectionId, node.request.connectionReused,
            Math.round(node.request.networkRequestTime)]
          : undefined,
      }));
  }
  fs.writeFileSync(out.replace(/\.json$/, '.timings.json'), JSON.stringify(timings, null, 1));
}
await page.close();
await browser.disconnect();
