// One Pagefind query per context, measured as tests/browser/query-bytes.mjs measures ours: every
// file Pagefind fetches is counted as GitHub Pages would send it (its .pf_* files and the wasm are
// gzipped already; scripts and JSON gzipped at level 6), with Chromium's CPU throttled 4x.
// Usage: node pagefind-query.mjs URL-of-pagefind-query.html cloud,hospital
// playwright-core from tests/browser/node_modules (tests/browser/run installs it).
const { chromium } = await import(new URL("../tests/browser/node_modules/playwright-core/index.mjs", import.meta.url));
const { CHROMIUM, FLAGS } = await import(new URL("../tests/browser/chromium.mjs", import.meta.url));
import { gzipSync } from "node:zlib";

const [url, list = "cloud"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", ...FLAGS],
});
for (const q of list.split(",")) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let started = false;
  const files = [];
  page.on("response", async (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.includes("/pagefind/")) return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    const wire = /\.pf_|\.wasm\./.test(path) ? body.length : gzipSync(body, { level: 6 }).length;
    files.push({ wire, before: !started });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.pfReady, null, { timeout: 60000 });
  await page.waitForTimeout(300);
  started = true;
  const r = await page.evaluate((q) => window.runQuery(q), q);
  await page.waitForTimeout(300);
  const kb = (fs) => (fs.reduce((s, f) => s + f.wire, 0) / 1024).toFixed(1);
  console.log(
    `${q}: ${r.n} results; ${files.length} files, ${kb(files)} KB on the wire (${kb(files.filter((f) => f.before))} KB of it ` +
      `loaded before the query: scripts, wasm, entry, metadata); at 4x CPU throttling, first result ${r.first} ms, ten ${r.all} ms`,
  );
  await context.close();
}
await browser.close();
