import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  accountEvents,
  byTime,
  evalOrgAccounts,
  hydraAccounts,
  legitAccounts,
  rng,
  T0,
} from "../detect/fixtures.js";
import type { ExchangeEvent } from "../events/types.js";
import { DecisionTable } from "../gateway/policy/index.js";
import { LiveDetector } from "./live-detector.js";

const HOUR = 3_600_000;

/** Fixture traffic (legit users, a verified eval org, a 20-account hydra) moved so it ends now. */
function traffic(seed: number): ExchangeEvent[] {
  const r = rng(seed);
  const legit = legitAccounts(30, r).map((a) => accountEvents(a, T0, 40, r));
  const org = evalOrgAccounts(10).map((a) => accountEvents(a, T0 + HOUR, 120, r));
  const hydra = hydraAccounts(20, r).map((a) => accountEvents(a, T0 + HOUR, 150, r));
  const all = byTime([...legit, ...org, ...hydra]);
  const shift = Date.now() - Date.parse(all.at(-1)!.time);
  return all.map((e) => ({ ...e, time: new Date(Date.parse(e.time) + shift).toISOString() }));
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(25);
  }
  return cond();
}

describe("LiveDetector", () => {
  it("turns the gateway's events into enforcement decisions in the decision table", async () => {
    const decisions = new DecisionTable();
    const live = new LiveDetector({ decisions, tickMs: 100 });
    try {
      const events = traffic(7);
      for (const e of events) live.onEvent(e, JSON.stringify(e.request));
      const now = () => Date.now();
      const hydraIds = Array.from({ length: 20 }, (_, i) => `hydra-${i}`);
      const enforced = (id: string) => {
        const d = decisions.get(id, now());
        return d !== null && (d.action === "block" || d.action === "throttle");
      };
      assert.ok(await until(() => hydraIds.every(enforced), 15_000), "every hydra account is enforced");
      const s = live.stats();
      assert.equal(s.processed, events.length);
      assert.equal(s.dropped, 0);
      const legit = [...new Set(events.map((e) => e.account_id))].filter((id) => !id.startsWith("hydra-"));
      assert.ok(legit.length > 30);
      for (const id of legit) assert.ok(!enforced(id), `${id} stays unenforced`);
      const d = decisions.get("hydra-3", now())!;
      assert.match(d.ref, /^DG-[0-9A-F]{10}$/);
      assert.equal(d.source, "detector");
      const { report } = await live.report();
      assert.ok(report.campaigns.length >= 1);
    } finally {
      await live.close();
    }
  });

  it("absorbs a burst far above its rate with a bounded queue: drops are counted, nothing else is lost", async () => {
    const decisions = new DecisionTable();
    const live = new LiveDetector({ decisions, queueMax: 200, batchMax: 50, tickMs: 100 });
    try {
      const events = traffic(3);
      for (const e of events) live.onEvent(e, JSON.stringify(e.request));
      const s0 = live.stats();
      assert.ok(s0.dropped > 0, "a burst beyond the queue bound is dropped");
      assert.ok(await until(() => live.stats().queued === 0 && live.stats().inFlight === 0, 10_000));
      const s = live.stats();
      assert.equal(
        s.processed + s.dropped,
        s.received,
        "every event is either processed or counted as dropped",
      );
    } finally {
      await live.close();
    }
  });
});
