#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's test runner: the spec reporter for
// people, and a closing summary line that CI can read (`# pass N` / `# fail N` and `N passed, N failed`).
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains a substring)
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect(dist, [])
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error("no test files found under dist/ (did the build run?)");
  process.exit(1);
}

const reporter = fileURLToPath(new URL("./summary-reporter.mjs", import.meta.url));
const args = [
  "--test",
  "--test-concurrency=2",
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  `--test-reporter=${reporter}`,
  "--test-reporter-destination=stdout",
  ...files,
];
const child = spawn(process.execPath, args, {
  stdio: "inherit",
  env: { ...process.env, DISTILLGUARD_TEST: "1" },
});
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
