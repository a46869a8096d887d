// The browser half of tests/browser/run: loads each kind of page of the built sites in Debian's
// Chromium (driven by playwright-core), runs axe-core in light and dark mode, exercises the search
// page with the keyboard, and takes screenshots at phone and desktop widths.
// Usage: node audit.mjs --server http://127.0.0.1:PORT --sites site,corpus --shots DIR [--planted SITE:WORD:SLUG]
// Exits 1 on any violation or page error, 0 otherwise.

import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const server = args.server;
const sites = (args.sites || "site").split(",").filter(Boolean);
const shots = args.shots;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
mkdirSync(shots, { recursive: true });

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const problems = [];
const fail = (where, what) => {
  problems.push(`${where}: ${what}`);
  console.error(`FAIL ${where}: ${what}`);
};

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

/** A page that records console errors, failed requests and uncaught exceptions. */
async function open(context, url, label) {
  const page = await context.newPage();
  page.on("pageerror", (e) => fail(label, `uncaught exception: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") fail(label, `console error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => fail(label, `request failed: ${r.url()}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(server) && !r.url().startsWith("data:")) fail(label, `request outside the site: ${r.url()}`);
  });
  const resp = await page.goto(url, { waitUntil: "load" });
  if (!resp || (resp.status() !== 200 && !url.endsWith("404.html"))) fail(label, `HTTP ${resp && resp.status()} for ${url}`);
  return page;
}

async function axe(page, label) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
    fail(label, `axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s): ${where}`);
  }
  return result.violations.length;
}

/** The first link under `prefix` on an index page, e.g. the first company. */
async function firstLink(context, url, prefix) {
  const page = await context.newPage();
  await page.goto(url);
  const href = await page.evaluate(
    (p) => [...document.querySelectorAll("main a[href]")].map((a) => a.getAttribute("href")).find((h) => h.startsWith(p) && h !== p),
    prefix,
  );
  await page.close();
  return href;
}

async function searchWorks(page, label, query) {
  const input = page.locator("#search-q");
  await input.focus();
  await page.keyboard.type(query, { delay: 20 });
  // Wait for the results of the whole query, not of a prefix typed on the way.
  await page
    .waitForFunction((q) => (document.getElementById("search-status").textContent || "").includes(q), query, { timeout: 10000 })
    .catch(() => {});
  const count = await page.locator("#search-results li").count();
  const status = (await page.locator("#search-status").textContent()) || "";
  if (count === 0) fail(label, `typing "${query}" gave no results (status: ${status})`);
  if (!/for “/.test(status)) fail(label, `the live region does not report the results: "${status}"`);
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest("#search-results") !== null);
  if (count > 0 && !focused) fail(label, "ArrowDown does not move focus into the results");
  await page.keyboard.press("Escape");
  const back = await page.evaluate(() => document.activeElement && document.activeElement.id === "search-q");
  if (count > 0 && !back) fail(label, "Escape does not bring focus back to the search box");
  return count;
}

/** The number of results the live region announces ("12 results for ..."). */
async function announced(page) {
  const status = (await page.locator("#search-status").textContent()) || "";
  const m = /^(\d+) results? for/.exec(status);
  return m ? Number(m[1]) : 0;
}

async function query(page, q, extra) {
  await page.fill("#search-q", q);
  await page
    .waitForFunction(
      ([q, extra]) => {
        const s = document.getElementById("search-status").textContent || "";
        return s.includes(`“${q}”`) && (!extra || s.includes(extra)) && document.querySelectorAll("#search-results li").length > 0;
      },
      [q, extra],
      { timeout: 15000 },
    )
    .catch(() => {});
}

/** A word planted in one article's body lists that article first, with the word marked. */
async function plantedFirst(page, label, word, slug) {
  await query(page, word);
  const first = await page.locator("#search-results li a.result-title").first().getAttribute("href").catch(() => null);
  if (!first || !first.endsWith(`/articles/${slug}/`)) fail(label, `searching "${word}" lists ${first} first, not the article ${slug}`);
  const mark = await page.locator("#search-results li").first().locator("p mark").first().textContent().catch(() => null);
  if (!mark || mark.toLowerCase() !== word) fail(label, `the excerpt does not mark "${word}" (found ${mark})`);
}

/** Ticking a filter, from the keyboard, narrows the results to the count shown beside it. */
async function filterNarrows(page, label, q) {
  await query(page, q);
  const before = await announced(page);
  const boxes = page.locator("#search-filters fieldset input[type=checkbox]");
  const n = await boxes.count();
  let pick = -1, expected = 0;
  for (let i = 0; i < n && pick < 0; i++) {
    const count = Number(((await boxes.nth(i).locator("xpath=..").locator(".filter-count").textContent()) || "").replace(/\D/g, ""));
    if (count > 0 && count < before) { pick = i; expected = count; }
  }
  if (pick < 0) { fail(label, `no filter would narrow the ${before} results for "${q}"`); return; }
  const id = await boxes.nth(pick).getAttribute("id");
  await boxes.nth(pick).focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(() => /filtered/.test(document.getElementById("search-status").textContent || ""), null, { timeout: 10000 }).catch(() => {});
  const after = await announced(page);
  if (!(after < before)) fail(label, `filter ${id} did not narrow the results (${before} -> ${after})`);
  if (after !== expected) fail(label, `filter ${id} said ${expected} but ${after} results are listed`);
  const kept = await page.evaluate((id) => document.activeElement && document.activeElement.id === id && document.activeElement.checked, id);
  if (!kept) fail(label, `focus left the filter ${id} after ticking it`);
  console.log(`${label}: "${q}" ${before} results, filter ${id} -> ${after}`);
}

let audited = 0;
for (const site of sites) {
  const root = `${server}/${site}/`;
  const probe = await browser.newContext();
  const pages = {
    home: root,
    articles: `${root}articles/`,
    article: await firstLink(probe, `${root}articles/`, `/${site}/articles/`),
    companies: `${root}companies/`,
    company: await firstLink(probe, `${root}companies/`, `/${site}/companies/`),
    models: `${root}models/`,
    model: await firstLink(probe, `${root}models/`, `/${site}/models/`),
    themes: `${root}themes/`,
    theme: await firstLink(probe, `${root}themes/`, `/${site}/themes/`),
    search: `${root}search/`,
    notfound: `${root}404.html`,
  };
  await probe.close();
  for (const [name, path] of Object.entries(pages)) {
    if (!path) {
      fail(`${site}/${name}`, "no such page to audit");
      continue;
    }
    const url = path.startsWith("http") ? path : `${server}${path}`;
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      const label = `${site}/${name} (${scheme})`;
      const page = await open(context, url, label);
      if (name === "search") {
        const query = site === "site" ? "huawei" : "cloud";
        await searchWorks(page, label, query);
      }
      await axe(page, label);
      audited++;
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
        await page.screenshot({ path: join(shots, `${site}-${name}-${width}-${scheme}.png`), fullPage: true });
      }
      await context.close();
    }
  }
  // Search from the masthead: a plain GET form that the search page picks up.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await open(context, root, `${site}/masthead search`);
  await page.fill("#masthead-q", site === "site" ? "阿里云" : "model");
  await Promise.all([page.waitForURL(/\/search\/\?q=/), page.keyboard.press("Enter")]);
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0, null, { timeout: 10000 }).catch(() => {});
  if ((await page.locator("#search-results li").count()) === 0) fail(`${site}/masthead search`, "no results on the search page");
  await context.close();
  // Without JavaScript the search page says what to do instead.
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await open(nojs, `${root}search/?q=cloud`, `${site}/search without JS`);
  const text = await p2.locator("main").innerText();
  if (!/needs JavaScript/.test(text)) fail(`${site}/search without JS`, "no message about JavaScript");
  await nojs.close();
}

// The planted site: a generated corpus with one unique word planted in one article's body.
if (args.planted) {
  const [site, word, slug] = args.planted.split(":");
  const url = `${server}/${site}/search/`;
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const label = `${site}/search (${scheme})`;
    const page = await open(context, url, label);
    await plantedFirst(page, label, word, slug);
    await filterNarrows(page, label, "cloud");
    await axe(page, label);
    audited++;
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      await page.screenshot({ path: join(shots, `${site}-search-filtered-${width}-${scheme}.png`), fullPage: true });
    }
    await context.close();
  }
}

await browser.close();
console.log(`audited ${audited} page views with axe-core; screenshots in ${shots}`);
if (problems.length) {
  console.error(`${problems.length} problem(s) found`);
  process.exit(1);
}
