import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BuiltinSource } from "./builtin.js";
import { CorpusSource, parseCsv } from "./corpus.js";
import { CAPABILITIES } from "./types.js";

// dist/src/sim/content/ -> repository root -> ../shared/data
const DATA = fileURLToPath(new URL("../../../../../shared/data", import.meta.url));
const haveData = existsSync(`${DATA}/prompts`);

test("CSV reader handles quotes, doubled quotes and newlines in fields", () => {
  assert.deepEqual(parseCsv('a,b\n"x, y","he said ""hi""\nbye"\n'), [
    ["a", "b"],
    ["x, y", 'he said "hi"\nbye'],
  ]);
});

test("built-in source serves every capability, stable by index", () => {
  const s = new BuiltinSource();
  for (const cap of CAPABILITIES) {
    const a = s.item(cap, 17);
    assert.equal(a.capability, cap);
    assert.ok(a.text.length > 0);
    assert.deepEqual(new BuiltinSource().item(cap, 17), a);
  }
  assert.ok(s.item("tool_use", 1).tools?.length);
  assert.ok(s.item("vision", 1).image);
});

test("corpus source reads the shared data and fixes BFCL schemas", {
  skip: haveData ? false : `no ${DATA}`,
}, () => {
  const s = new CorpusSource(DATA, new BuiltinSource());
  const served = s.capabilities();
  for (const cap of [
    "math",
    "code",
    "tool_use",
    "rubric",
    "policy",
    "persona",
    "chat",
    "agentic",
    "document",
  ] as const) {
    assert.ok(served.includes(cap), `${cap} not served from the corpus`);
  }
  assert.equal(s.size("math"), 7473);
  assert.match(s.item("math", 0).text, /Natalia sold clips/);
  let tools = 0;
  for (let i = 0; i < s.size("tool_use"); i += 37) {
    const p = s.item("tool_use", i);
    for (const t of p.tools ?? []) {
      tools++;
      assert.ok(!JSON.stringify(t.schema).includes('"dict"'), `dict left in ${t.name}`);
      assert.match(t.name, /^[a-zA-Z0-9_-]{1,64}$/);
    }
  }
  assert.ok(tools > 10);
  const judge = s.item("rubric", 3);
  assert.ok((judge.system ?? "").length > 20 && !/\{question\}/.test(judge.text));
  assert.ok(s.item("policy", 0).text.length > 0);
  assert.ok(s.item("vision", 0).image, "vision falls back to the built-in generator");
});
