// Writes GitLab's CI/CD JSON schema (app/assets/javascripts/editor/schema/ci.json, as published by
// GitLab) to a file. gitlab-ci-local ships that schema inside its bundle as one object literal, so
// it is read from there: node gitlab-ci-schema.mjs OUT.json
import { createRequire } from "node:module";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const bundle = path.join(path.dirname(require.resolve("gitlab-ci-local/package.json")), "dist", "index.js");
const text = await readFile(bundle, "utf8");
const start = text.indexOf('{$schema:"http://json-schema.org/draft-07/schema#",$id:"https://gitlab.com/.gitlab-ci.yml"');
if (start < 0) {
  console.error(`GitLab's CI schema was not found in ${bundle}`);
  process.exit(1);
}
// The literal's end: the brace that closes the first, outside strings.
let depth = 0, quote = null, end = -1;
for (let i = start; i < text.length && end < 0; i++) {
  const c = text[i];
  if (quote) {
    if (c === "\\") i++;
    else if (c === quote) quote = null;
  } else if (c === '"' || c === "'" || c === "`") {
    quote = c;
  } else if (c === "{" || c === "[") {
    depth++;
  } else if (c === "}" || c === "]") {
    if (--depth === 0) end = i + 1;
  }
}
// Data only (strings, numbers, !0 for true): evaluated in an empty context.
const schema = vm.runInNewContext("(" + text.slice(start, end) + ")", Object.create(null), { timeout: 2000 });
await writeFile(process.argv[2], JSON.stringify(schema, null, 1));
console.log(`${process.argv[2]}: GitLab CI schema, ${Object.keys(schema.definitions).length} definitions`);
