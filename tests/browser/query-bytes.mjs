// What one search costs a reader: for each query, a fresh Chromium context opens the search page,
// types the query and waits for the results; every index file the script fetched is counted at
// its gzip size (GitHub Pages serves JSON gzipped), and the time from the last keystroke to the
// first result (and the whole first page) is measured with the CPU throttled 4x (a phone-class CPU).
// Usage: node query-bytes.mjs --url http://127.0.0.1:PORT/briefing/search/ --queries "cloud,hospital,阿里云"
// Prints one line per query and exits 1 if one went over --budget bytes (default 300 KB).

import { chromium } from "playwright-core";
import { gzipSync } from "node:zlib";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const budget = Number(args.budget || 300 * 1024);
const queries = (args.queries || "cloud").split(",");
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", ...FLAGS],
});

/** Milliseconds, measured in the page, from the input event (the script waits for 50 ms of
    quiet before it searches) to the first result on screen, and to all of the first page with
    the count announced (or the "Nothing matches" message). */
async function timed(page, q) {
  return page.evaluate(
    (q) =>
      new Promise((done) => {
        const list = document.getElementById("search-results");
        const status = document.getElementById("search-status");
        const t0 = performance.now();
        let first = null;
        const check = () => {
          const s = status.textContent || "";
          if (first === null && list.children.length > 0) first = Math.round(performance.now() - t0);
          if (s.includes(`“${q}”`) && (list.children.length > 0 || /^Nothing/.test(s))) {
            obs.disconnect();
            const all = Math.round(performance.now() - t0);
            done({ first: first === null ? all : first, all });
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(list, { childList: true });
        obs.observe(status, { childList: true, characterData: true, subtree: true });
        const input = document.getElementById("search-q");
        input.value = q;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }),
    q,
  );
}

let over = 0;
for (const q of queries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const files = [];
  page.on("response", async (r) => {
    if (!/\/search\/.*\.json$/.test(new URL(r.url()).pathname)) return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    files.push({ url: r.url(), raw: body.length, gz: gzipSync(body).length });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const opened = Date.now();
  await page.goto(args.url, { waitUntil: "load" });
  // The script fetches the manifest as the page loads; a reader starts typing after that.
  await page.waitForResponse((r) => r.url().endsWith("/search/index.json"), { timeout: 30000 }).catch(() => {});
  await page.waitForTimeout(200);
  const ready = Date.now() - opened;
  const ms = await timed(page, q);
  await page.waitForTimeout(300);
  const status = await page.locator("#search-status").textContent();
  const gz = files.reduce((s, f) => s + f.gz, 0);
  const raw = files.reduce((s, f) => s + f.raw, 0);
  const kinds = { manifest: 0, filters: 0, chunks: 0, docs: 0 };
  for (const f of files) {
    if (f.url.endsWith("/index.json")) kinds.manifest += f.gz;
    else if (f.url.endsWith("/filters.json")) kinds.filters += f.gz;
    else if (f.url.includes("/search/t/")) kinds.chunks += f.gz;
    else kinds.docs += f.gz;
  }
  // Warm: the same query again, manifest and chunks already fetched.
  await page.fill("#search-q", "");
  await page.waitForTimeout(300);
  const warm = await timed(page, q);
  console.log(
    `${q}: ${files.length} files, ${(gz / 1024).toFixed(1)} KB gzipped (${(raw / 1024).toFixed(1)} KB raw; manifest ${(kinds.manifest / 1024).toFixed(1)}, ` +
      `filters ${(kinds.filters / 1024).toFixed(1)}, chunks ${(kinds.chunks / 1024).toFixed(1)}, results ${(kinds.docs / 1024).toFixed(1)}); page and manifest ${ready} ms; at 4x CPU throttling, first result ${ms.first} ms (all ten and the count ${ms.all} ms) cold, ${warm.first} ms (${warm.all} ms) warm, 50 ms of each the input's debounce; ${status}`,
  );
  if (gz > budget) over++;
  await context.close();
}
await browser.close();
process.exit(over ? 1 : 0);
