// Lighthouse's "Properly size images" (`uses-responsive-images`) on a page with a 2400x1600 lead
// image, as a phone and as a desktop see it, in Debian's Chromium: part of tests/browser/run.
// Runs only that audit. A control page (the same page with every srcset stripped) must FAIL it,
// so a pass means the srcset did the work, not that the audit saw nothing.
// Usage: node lighthouse.mjs --url URL [--control URL] --out DIR
// Exits 1 when the page fails the audit (or the control passes it), 0 otherwise.

import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import * as chromeLauncher from "chrome-launcher";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM, FLAGS } from "./chromium.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const AUDIT = "uses-responsive-images";
/** Lighthouse shows an opportunity as passed (green) at a score of 0.9 or more. */
const PASS = 0.9;
mkdirSync(args.out, { recursive: true });

const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ["--headless=new", ...FLAGS],
});

/** The audit's result for `url` on `device` ("mobile" or "desktop"). */
async function sized(url, device) {
  const flags = { port: chrome.port, output: "json", logLevel: "error", onlyAudits: [AUDIT] };
  const config = device === "desktop" ? desktopConfig : undefined;
  const result = await lighthouse(url, flags, config);
  const audit = result.lhr.audits[AUDIT];
  const name = `${device}-${url.includes("nosrcset") ? "control" : "page"}.json`;
  writeFileSync(join(args.out, name), JSON.stringify(audit, null, 2));
  const items = (audit.details && audit.details.items) || [];
  const wasted = items.reduce((n, i) => n + (i.wastedBytes || 0), 0);
  return { score: audit.score, items: items.length, wasted, error: audit.errorMessage };
}

const problems = [];
try {
  for (const device of ["mobile", "desktop"]) {
    const page = await sized(args.url, device);
    console.log(`lighthouse ${AUDIT} ${device}: score ${page.score}, ${page.items} oversized, ${page.wasted} bytes wasted`);
    if (page.error || page.score === null || page.score < PASS) {
      problems.push(`${device}: "Properly size images" fails (score ${page.score}${page.error ? `, ${page.error}` : ""})`);
    }
    if (args.control) {
      const control = await sized(args.control, device);
      console.log(`lighthouse ${AUDIT} ${device}, control without srcset: score ${control.score}, ${control.items} oversized, ${control.wasted} bytes wasted`);
      if (control.score === null || control.score >= PASS) {
        problems.push(`${device}: the control page without srcset passes too, so the check proves nothing`);
      }
    }
  }
} finally {
  await chrome.kill();
}
for (const p of problems) console.error(`FAIL lighthouse ${p}`);
process.exit(problems.length ? 1 : 0);
