import assert from "node:assert/strict";
import { test } from "node:test";
import type { DetectionReport } from "../events/report.js";
import type { TruthRecord } from "../events/truth.js";
import { Evaluator } from "./metrics.js";
import { parseNaiveSpec } from "./naive.js";

const T0 = Date.UTC(2026, 1, 2);
const MIN = 60_000;

const truth: TruthRecord[] = [
  { account_id: "a1", org_id: null, kind: "attack", population: "hydra", campaign_id: "c1" },
  { account_id: "a2", org_id: null, kind: "attack", population: "hydra", campaign_id: "c1" },
  { account_id: "a3", org_id: null, kind: "attack", population: "slow", campaign_id: "c2" },
  { account_id: "l1", org_id: null, kind: "legit", population: "batch_job", campaign_id: null },
  { account_id: "l2", org_id: null, kind: "legit", population: "individual_dev", campaign_id: null },
  { account_id: "l3", org_id: null, kind: "legit", population: "individual_dev", campaign_id: null },
  { account_id: "unused", org_id: null, kind: "legit", population: "vpn_user", campaign_id: null },
];

function feed(ev: Evaluator): void {
  // a1: 10 exchanges, one a minute from T0; a2: 10 from T0+30min; a3: 4 spread out; l1: burst of 20 in a
  // minute; l2: 3; l3: 2; "ghost": unknown to the truth.
  const events: [string, number][] = [];
  for (let i = 0; i < 10; i++) events.push(["a1", T0 + i * MIN]);
  for (let i = 0; i < 10; i++) events.push(["a2", T0 + 30 * MIN + i * MIN]);
  for (let i = 0; i < 4; i++) events.push(["a3", T0 + i * 120 * MIN]);
  for (let i = 0; i < 20; i++) events.push(["l1", T0 + 100 * MIN + i * 1000]);
  for (let i = 0; i < 3; i++) events.push(["l2", T0 + i * 30 * MIN]);
  for (let i = 0; i < 2; i++) events.push(["l3", T0 + i * 30 * MIN]);
  events.push(["ghost", T0 + 5]);
  events.sort((a, b) => a[1] - b[1]);
  for (const [id, t] of events) ev.add(id, t);
}

test("detector figures: recall, FPR by population, review, yield, minutes, clustering", () => {
  const report: DetectionReport = {
    accounts: [
      {
        account_id: "a1",
        verdict: "block",
        score: 0.9,
        campaign_id: "x",
        first_flagged_at: new Date(T0 + 5 * MIN).toISOString(),
        reasons: [],
      },
      {
        account_id: "a2",
        verdict: "block",
        score: 0.9,
        campaign_id: "x",
        first_flagged_at: new Date(T0 + 30 * MIN).toISOString(),
        reasons: [],
      },
      {
        account_id: "l2",
        verdict: "throttle",
        score: 0.7,
        campaign_id: null,
        first_flagged_at: new Date(T0 + 30 * MIN).toISOString(),
        reasons: [],
      },
      {
        account_id: "l3",
        verdict: "review",
        score: 0.5,
        campaign_id: null,
        first_flagged_at: null,
        reasons: [],
      },
      {
        account_id: "not-in-log",
        verdict: "block",
        score: 1,
        campaign_id: null,
        first_flagged_at: null,
        reasons: [],
      },
    ],
    campaigns: [
      {
        id: "x",
        accounts: ["a1", "a2", "l2"],
        first_seen: "",
        detected_at: null,
        exchanges: 0,
        capabilities: [],
        indicators: [],
      },
      {
        id: "y",
        accounts: ["a3"],
        first_seen: "",
        detected_at: null,
        exchanges: 0,
        capabilities: [],
        indicators: [],
      },
    ],
  };
  const ev = new Evaluator(truth, report, []);
  feed(ev);
  const r = ev.finish();
  assert.equal(r.unknown_accounts, 1);
  assert.equal(r.exchanges, 50);
  assert.equal(r.populations.vpn_user, undefined, "accounts without exchanges are not counted");
  const d = r.systems[0]!;
  assert.equal(d.name, "detector");
  assert.equal(d.attack_accounts, 3);
  assert.equal(d.attack_enforced, 2);
  assert.ok(Math.abs(d.recall - 2 / 3) < 1e-9);
  assert.equal(d.legit_accounts, 3);
  assert.equal(d.legit_enforced, 1);
  assert.equal(d.fpr_by_population.individual_dev, 0.5);
  assert.equal(d.fpr_by_population.batch_job, 0);
  assert.equal(d.review_by_population.individual_dev, 0.5);
  // a1 served 5 of 10 (minutes 0-4), a2 served 0 of 10: c1 yield 5/20.
  assert.equal(d.yield_by_campaign.c1, 0.25);
  assert.equal(d.yield_by_campaign.c2, 1);
  assert.equal(d.minutes_to_first_enforcement.c1, 5);
  assert.equal(d.minutes_to_first_enforcement.c2, null);
  // l2 exchanges at 0, 30, 60 min: the last two blocked.
  assert.equal(d.legit_exchanges_blocked, 2);
  assert.equal(d.clustering?.c1?.matched, "x");
  assert.ok(Math.abs((d.clustering?.c1?.jaccard ?? 0) - 2 / 3) < 1e-9);
  assert.equal(d.clustering?.c2?.jaccard, 1);
});

test("naive limit enforces from the first exceeding exchange onwards", () => {
  const ev = new Evaluator(truth, null, [parseNaiveSpec("5/m")]);
  feed(ev);
  const r = ev.finish();
  const n = r.systems[0]!;
  assert.equal(n.name, "naive 5/m");
  assert.equal(n.attack_enforced, 0);
  assert.equal(n.legit_enforced, 1);
  assert.equal(n.fpr_by_population.batch_job, 1);
  // l1 sent 20 in 20 s: 5 served, 15 blocked.
  assert.equal(n.legit_exchanges_blocked, 15);
  assert.equal(n.review_rate, 0);
  assert.equal(n.clustering, null);
});

test("a campaign starts at its earliest exchange, even in a log out of time order", () => {
  const report: DetectionReport = {
    accounts: [
      {
        account_id: "a1",
        verdict: "block",
        score: 0.9,
        campaign_id: "x",
        first_flagged_at: new Date(T0 + 5 * MIN).toISOString(),
        reasons: [],
      },
    ],
    campaigns: [],
  };
  const ev = new Evaluator(truth, report, []);
  for (let i = 9; i >= 0; i--) ev.add("a1", T0 + i * MIN);
  const d = ev.finish().systems[0]!;
  assert.equal(d.minutes_to_first_enforcement.c1, 5);
});
