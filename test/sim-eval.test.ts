import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseNaiveSpec } from "../src/eval/naive.js";
import { evaluateFiles, readTruth, writeOutputs } from "../src/eval/run.js";
import type { DetectionReport } from "../src/events/report.js";
import type { TruthRecord } from "../src/events/truth.js";
import { BuiltinSource } from "../src/sim/content/builtin.js";
import { PRESETS, type Preset } from "../src/sim/presets.js";
import { simulate } from "../src/sim/simulate.js";

const dir = mkdtempSync(join(tmpdir(), "dg-sim-eval-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const preset: Preset = {
  ...PRESETS.tiny!,
  days: 1,
  releaseDay: 0.5,
  campaigns: PRESETS.tiny!.campaigns.map((c) => ({ ...c, days: 1, exchanges: Math.round(c.exchanges / 2) })),
};
const log = join(dir, "s.jsonl");
const truthPath = join(dir, "s.truth.jsonl");
simulate({ preset, seed: 3, source: new BuiltinSource(), out: log, truth: truthPath });
const truth = readTruth(truthPath);

/** First exchange time of every account, from the log. */
function firstTimes(): Map<string, string> {
  const first = new Map<string, string>();
  for (const line of readFileSync(log, "utf8").trim().split("\n")) {
    const e = JSON.parse(line) as { account_id: string; time: string };
    if (!first.has(e.account_id)) first.set(e.account_id, e.time);
  }
  return first;
}

let n = 0;
function report(pick: (t: TruthRecord) => boolean, at: Map<string, string>): string {
  const r: DetectionReport = {
    accounts: truth.filter(pick).map((t) => ({
      account_id: t.account_id,
      verdict: "block",
      score: 1,
      campaign_id: t.campaign_id,
      first_flagged_at: at.get(t.account_id) ?? null,
      reasons: [],
    })),
    campaigns: [...new Set(truth.filter((t) => t.campaign_id).map((t) => t.campaign_id!))].map((id) => ({
      id: `found-${id}`,
      accounts: truth.filter((t) => t.campaign_id === id).map((t) => t.account_id),
      first_seen: "",
      detected_at: null,
      exchanges: 0,
      capabilities: [],
      indicators: [],
    })),
  };
  const path = join(dir, `r${n++}.json`);
  writeFileSync(path, JSON.stringify(r));
  return path;
}

test("a perfect report scores recall 1, FPR 0, yield 0 and Jaccard 1, beside the naive limits", async () => {
  const r = await evaluateFiles({
    log,
    truth: truthPath,
    report: report((t) => t.kind === "attack", firstTimes()),
    naive: [parseNaiveSpec("60/h")],
  });
  const d = r.systems[0]!;
  assert.equal(d.kind, "detector");
  assert.equal(d.recall, 1);
  assert.equal(d.legit_fpr, 0);
  assert.equal(d.attack_yield, 0);
  assert.equal(d.legit_exchanges_blocked, 0);
  for (const c of Object.values(d.clustering ?? {})) assert.equal(c.jaccard, 1);
  for (const m of Object.values(d.minutes_to_first_enforcement)) assert.equal(m, 0);
  assert.equal(r.systems[1]!.name, "naive 60/h");
  const files = writeOutputs(r, join(dir, "out"), "test");
  assert.match(readFileSync(files[1]!, "utf8"), /\| detector \| 100\.0% \| 0\.0% \|/);
  assert.match(readFileSync(files[2]!, "utf8"), /^<svg /);
});

test("blocking everyone from the start has FPR 1 in every population and blocks all legit exchanges", async () => {
  const r = await evaluateFiles({
    log,
    truth: truthPath,
    report: report(() => true, firstTimes()),
    naive: [],
  });
  const d = r.systems[0]!;
  assert.equal(d.legit_fpr, 1);
  for (const v of Object.values(d.fpr_by_population)) assert.equal(v, 1);
  assert.equal(d.legit_exchanges_blocked_share, 1);
});

test("an empty report allows everything: recall 0 and full yield", async () => {
  const r = await evaluateFiles({ log, truth: truthPath, report: report(() => false, new Map()), naive: [] });
  const d = r.systems[0]!;
  assert.equal(d.recall, 0);
  assert.equal(d.attack_yield, 1);
  for (const m of Object.values(d.minutes_to_first_enforcement)) assert.equal(m, null);
});
