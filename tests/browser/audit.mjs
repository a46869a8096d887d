// The browser half of tests/browser/run: loads each kind of page of the built sites in Debian's
// Chromium (driven by playwright-core), runs axe-core in light and dark mode, exercises the search
// page with the keyboard, and takes screenshots at phone and desktop widths; on a page with a
// 2400x1600 lead image, checks its srcset, its size attributes and which variant the browser loads.
// Every page view also checks that the page never scrolls sideways (320 to 1280 px) and that its
// Open Graph tags and JSON-LD are there and parse with the fields each type requires.
// Usage: node audit.mjs --server http://127.0.0.1:PORT --sites site,corpus [--preview newsroom] --shots DIR [--planted SITE:WORD:SLUG]
// Exits 1 on any violation or page error, 0 otherwise.

import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const server = args.server;
const sites = (args.sites || "site").split(",").filter(Boolean);
const shots = args.shots;
const preview = args.preview;
/** Widths checked for sideways scrolling; screenshots and axe runs are at the first and the last. */
const OVERFLOW_WIDTHS = [320, 360, 390, 768, 1280];
const SHOT_WIDTHS = [360, 1280];
mkdirSync(shots, { recursive: true });

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const problems = [];
const fail = (where, what) => {
  problems.push(`${where}: ${what}`);
  console.error(`FAIL ${where}: ${what}`);
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", ...FLAGS] });

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

/** Fails when the page is wider than the viewport at any of `OVERFLOW_WIDTHS`. */
async function noSidewaysScroll(page, label) {
  for (const width of OVERFLOW_WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const r = await page.evaluate(() => {
      const d = document.documentElement;
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest(".table-wrap, pre, .visually-hidden"))
        .slice(0, 3)
        .map((e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ")[0] : ""));
      const hidden = [...document.querySelectorAll(".masthead-nav a")]
        .filter((a) => { const b = a.getBoundingClientRect(); return b.left < 0 || b.right > d.clientWidth; })
        .map((a) => a.textContent.trim());
      return { scroll: d.scrollWidth, client: d.clientWidth, wide, hidden };
    });
    if (r.scroll > r.client) fail(label, `scrolls sideways at ${width} px (${r.scroll} > ${r.client}): ${r.wide.join(", ")}`);
    if (r.hidden.length) fail(label, `masthead links out of view at ${width} px: ${r.hidden.join(", ")}`);
  }
}

const REQUIRED_OG = ["og:site_name", "og:locale", "og:title", "og:description", "og:url", "og:image", "og:image:alt"];
/** The fields each JSON-LD type must carry, as paths into the object. */
const REQUIRED_LD = {
  NewsArticle: ["headline", "datePublished", "dateModified", "author.0.name", "publisher.name", "publisher.logo.url", "image.0"],
  Organization: ["name", "url"],
  BreadcrumbList: ["itemListElement.0.name", "itemListElement.0.item", "itemListElement.0.position"],
};

/** Open Graph tags present; every JSON-LD block parses and has its required fields. */
async function structuredData(page, label, name) {
  const { og, blocks, twitter } = await page.evaluate((keys) => ({
    og: Object.fromEntries(keys.map((k) => [k, document.querySelector(`meta[property="${k}"]`)?.content || ""])),
    twitter: document.querySelector('meta[name="twitter:card"]')?.content || "",
    blocks: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => s.textContent),
  }), REQUIRED_OG);
  for (const [k, v] of Object.entries(og)) if (!v.trim()) fail(label, `no ${k}`);
  if (!twitter) fail(label, "no twitter:card");
  const types = [];
  for (const text of blocks) {
    let ld;
    try {
      ld = JSON.parse(text);
    } catch (e) {
      fail(label, `JSON-LD does not parse: ${e.message}`);
      continue;
    }
    types.push(ld["@type"]);
    if (ld["@context"] !== "https://schema.org") fail(label, `JSON-LD ${ld["@type"]} has no schema.org @context`);
    for (const path of REQUIRED_LD[ld["@type"]] || []) {
      const v = path.split(".").reduce((o, k) => (o == null ? o : o[k]), ld);
      if (v === undefined || v === null || v === "") fail(label, `JSON-LD ${ld["@type"]} lacks ${path}`);
    }
  }
  const expect = { article: ["NewsArticle", "BreadcrumbList"], footnotes: ["NewsArticle", "BreadcrumbList"], company: ["Organization", "BreadcrumbList"], model: ["BreadcrumbList"], theme: ["BreadcrumbList"] }[name] || [];
  for (const t of expect) if (!types.includes(t)) fail(label, `no JSON-LD ${t}`);
}

/** Audits one page: in light and dark mode, axe at 360 and 1280 px, overflow at every width,
 * structured data, screenshots. `before` runs first on each load (search types its query). */
async function auditPage(site, name, url, before, widths = SHOT_WIDTHS) {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const label = `${site}/${name} (${scheme})`;
    const page = await open(context, url, label);
    if (before) await before(page, label);
    if (scheme === "light") await structuredData(page, label, name);
    await noSidewaysScroll(page, label);
    for (const width of widths) {
      await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
      await axe(page, `${label} at ${width} px`);
      audited++;
      await page.screenshot({ path: join(shots, `${site}-${name}-${width}-${scheme}.png`), fullPage: true });
    }
    await context.close();
  }
}

/** The lead image of a page: `srcset` with at least two widths (WebP and the original's format),
 * `width` and `height` (no jump as it loads), and at `width` px the browser picks a variant no
 * wider than it needs, never the 2400-px original. */
async function leadImageFits(page, label, width) {
  const img = page.locator(".lead-image img");
  if ((await img.count()) !== 1) return fail(label, "no lead image");
  const widths = (s) => (s || "").split(",").map((c) => c.trim().split(/\s+/)[1]).filter(Boolean);
  const srcset = widths(await img.getAttribute("srcset"));
  const webp = widths(await page.locator('.lead-image source[type="image/webp"]').getAttribute("srcset"));
  if (srcset.length < 2 || webp.length < 2) fail(label, `srcset has ${srcset.length} widths, WebP ${webp.length}: want 2 or more`);
  for (const a of ["width", "height", "sizes"]) if (!(await img.getAttribute(a))) fail(label, `lead image has no ${a}`);
  await img.evaluate((el) => (el.complete ? null : new Promise((r) => el.addEventListener("load", r, { once: true }))));
  const chosen = await img.evaluate((el) => ({ src: el.currentSrc, natural: el.naturalWidth, shown: el.clientWidth }));
  const picked = Number((chosen.src.match(/-(\d+)w\.\w+$/) || [])[1]);
  if (!picked || picked > 2 * width) fail(label, `at ${width} px the browser loaded ${chosen.src}`);
  console.log(`${label}: srcset ${srcset.join(" ")}; at ${width} px shown ${chosen.shown} px wide from ${chosen.src.split("/").pop()}`);
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
if (preview) {
  // The preview fixture: page 2, an article with footnotes and a table, a draft with problems and
  // the review desk, as an editor sees them.
  const root = `${server}/${preview}/`;
  const pages = {
    page2: `${root}page/2/`,
    footnotes: `${root}articles/notes-and-numbers/`,
    draft: `${root}articles/draft-with-problems/`,
    review: `${root}review/`,
    lead: `${root}articles/with-lead-image/`,
  };
  for (const [name, url] of Object.entries(pages)) {
    // The lead image is shown at a phone's 390 px and at 1280 px.
    const widths = name === "lead" ? [390, 1280] : SHOT_WIDTHS;
    await auditPage(preview, name, url, async (page, label) => {
      if (name === "draft" && !(await page.locator(".status-banner").count())) fail(label, "no preview banner");
      if (name === "review" && !(await page.locator(".problems li").count())) fail(label, "the desk shows no problems");
      if (name === "footnotes" && !(await page.locator(".prose table").count())) fail(label, "no table");

      if (name === "review") {
        const nav = await page.locator('.masthead-nav a[href$="/review/"]').count();
        if (!nav) fail(label, "no Review tab in the masthead");
      }
    }, widths);
  }
  // Which variant a phone and a desktop load: each in a fresh context, so nothing is cached.
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 } });
    const label = `${preview}/lead at ${width} px`;
    await leadImageFits(await open(context, pages.lead, label), label, width);
    await context.close();
  }
}
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
    const query = site === "site" ? "huawei" : "cloud";
    await auditPage(site, name, url, name === "search" ? (page, label) => searchWorks(page, label, query) : null);
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
