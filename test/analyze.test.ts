import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { analyzeLog } from "../src/cli/commands/analyze.js";
import { ConfigError } from "../src/core/errors.js";
import { accountEvents, legitAccounts, rng, T0 } from "../src/detect/fixtures.js";

function writeLog(): string {
  const r = rng(3);
  const events = accountEvents(legitAccounts(1, r)[0]!, T0, 6, r);
  const lines = events.map((e) => JSON.stringify(e));
  const bad = [
    lines[0]!,
    lines[1]!,
    "{not json",
    JSON.stringify({ ...events[2], account_id: undefined }),
    lines[3]!,
    JSON.stringify({ ...events[4], api: "cohere.chat" }),
    JSON.stringify({ ...events[4], time: new Date(T0 - 3_600_000).toISOString() }),
    lines[5]!.slice(0, 40),
  ];
  const dir = mkdtempSync(join(tmpdir(), "dg-analyze-"));
  const path = join(dir, "log.jsonl");
  writeFileSync(path, `${bad.join("\n")}\n`);
  return path;
}

describe("analyze on bad input", () => {
  it("counts, reports with line numbers and skips bad lines, and goes on", async () => {
    const report = (await analyzeLog(writeLog(), { asn: false })) as {
      accounts: unknown[];
      input: { events: number; problem_lines: number; problems: { line: number; problem: string }[] };
    };
    assert.equal(report.input.events, 3);
    assert.deepEqual(
      report.input.problems.map((p) => [p.line, p.problem]),
      [
        [3, "invalid_json"],
        [4, "missing_field"],
        [6, "unknown_api"],
        [7, "out_of_order"],
        [8, "invalid_json"],
      ],
    );
    assert.equal(report.accounts.length, 1);
  });
  it("makes the first bad line fatal under --strict", async () => {
    await assert.rejects(analyzeLog(writeLog(), { asn: false, strict: true }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /line 3: invalid_json/);
      return true;
    });
  });
});
