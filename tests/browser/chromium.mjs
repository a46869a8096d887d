// The one Chromium every browser script here drives: Debian's (or $CHROMIUM), with the flags for
// this machine's closed network. Each script adds its own headless flag (playwright and
// chrome-launcher spell it differently).
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
