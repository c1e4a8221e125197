#!/usr/bin/env node
// Entry point for `npx distillguard`. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script); if they are missing, say how to build them instead of a stack trace.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const main = fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(
    "distillguard: not built yet; run `npm install` (or `npm run build`) in the checkout first\n",
  );
  process.exit(2);
}
const { run } = await import(pathToFileURL(main).href);
await run(process.argv);
