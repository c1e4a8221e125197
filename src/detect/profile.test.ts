import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractFeatures } from "./features.js";
import { accountEvents, benchmarkPrompt, hydraAccounts, legitAccounts, rng, T0 } from "./fixtures.js";
import { AccountProfile } from "./profile.js";

function profileOf(events: ReturnType<typeof accountEvents>): AccountProfile {
  const p = new AccountProfile(events[0]!.account_id, 0);
  for (const e of events) p.update(extractFeatures(e), false, false);
  return p;
}

describe("AccountProfile", () => {
  const r = rng(11);
  const organic = profileOf(accountEvents(legitAccounts(1, r)[0]!, T0, 200, r));
  const hydra = profileOf(accountEvents(hydraAccounts(1, r)[0]!, T0, 200, r));
  const bench = profileOf(accountEvents({ ...legitAccounts(1, r)[0]!, prompt: benchmarkPrompt }, T0, 200, r));

  it("measures template concentration: high for a templated account, low for organic use", () => {
    assert.ok(hydra.templateConcentration() > 0.9);
    assert.ok(bench.templateConcentration() > 0.9);
    assert.ok(organic.templateConcentration() < 0.5, String(organic.templateConcentration()));
  });
  it("measures reasoning elicitation", () => {
    assert.equal(hydra.cot, 200);
    assert.ok(organic.cot < 20);
  });
  it("sees rotation of user agents and prefixes", () => {
    assert.ok(hydra.uas.size >= 4 && hydra.tlss.size === 1);
    assert.ok(hydra.prefixes.size >= 6);
    assert.equal(organic.uas.size, 1);
  });
  it("measures inter-arrival regularity", () => {
    assert.ok(hydra.gaps.cv() < organic.gaps.cv());
  });
  it("knows account age at first use", () => {
    assert.ok(hydra.ageAtFirstUseDays() < 3);
    assert.ok(organic.ageAtFirstUseDays() > 100);
  });
  it("keeps recent activity in a ring of 10-minute slots", () => {
    const p = new AccountProfile("x", 0);
    const base = accountEvents(legitAccounts(1, r)[0]!, T0, 1, r)[0]!;
    for (let i = 0; i < 30; i++) {
      const e = { ...base, time: new Date(T0 + i * 60_000).toISOString() };
      p.update(extractFeatures(e), false, false);
    }
    const slot0 = Math.floor(T0 / 600_000);
    assert.equal(p.recentCount(slot0, slot0), 10);
    assert.equal(p.recentCount(slot0, slot0 + 2), 30);
  });
  it("counts the UTC hour and weekday of each request as Date does, before 1970 included", () => {
    const base = accountEvents(legitAccounts(1, r)[0]!, T0, 1, r)[0]!;
    const times = [
      T0,
      Date.UTC(2026, 1, 1, 23, 59, 59, 999),
      Date.UTC(2026, 1, 2, 0, 0),
      -1,
      -86_400_000 * 3 - 1,
    ];
    for (let i = 0; i < 200; i++) times.push(Math.floor(r() * 4e12) - 1e12);
    for (const t of times) {
      const p = new AccountProfile("x", 0);
      p.update(extractFeatures({ ...base, time: new Date(t).toISOString() }), false, false);
      const d = new Date(t);
      assert.equal(p.hours.indexOf(1), d.getUTCHours(), `hour of ${d.toISOString()}`);
      assert.equal(p.weekdays.indexOf(1), d.getUTCDay(), `weekday of ${d.toISOString()}`);
    }
  });
  it("counts a template's requests while the sketches hold it, and none once a rare one is evicted", () => {
    const a = legitAccounts(1, r)[0]!;
    const early = accountEvents({ ...a, prompt: benchmarkPrompt }, T0, 3, r);
    const later = accountEvents(
      { ...a, prompt: (q) => Array.from({ length: 9 }, () => Math.floor(q() * 1e9).toString(36)).join(" ") },
      T0 + 3_600_000,
      60,
      r,
    );
    const f = extractFeatures(early[0]!);
    const p = profileOf(early);
    assert.equal(p.templateCount(f.headKey), 3);
    for (const e of later) p.update(extractFeatures(e), false, false);
    // 3 requests of 63, past the sketch's 8 slots: evicted, so not read as the account's whole traffic
    assert.equal(p.templateCount(f.headKey), 0);
    assert.equal(p.templateCount(f.tailKey), 0);
  });
  it("counts the requests that carried each system prompt", () => {
    const a = legitAccounts(1, r)[0]!;
    const sys = accountEvents({ ...a, system: "You are a terse assistant for the billing team." }, T0, 5, r);
    const plain = accountEvents(a, T0 + 3_600_000, 15, r);
    const p = profileOf([...sys, ...plain]);
    const key = extractFeatures(sys[0]!).sysKey;
    assert.notEqual(key, 0);
    assert.equal(p.templateCount(key), 5);
    assert.equal(p.n, 20);
  });
  it("counts geo hops: residential requests in different countries within the window, nothing else", () => {
    const base = accountEvents(legitAccounts(1, r)[0]!, T0, 1, r)[0]!;
    const at = (min: number, country: string, network: string) =>
      extractFeatures({
        ...base,
        time: new Date(T0 + min * 60_000).toISOString(),
        client: { ...base.client, country, network },
      });
    const window = 30 * 60_000;
    const p = new AccountProfile("x", 0);
    const steps: [number, string, string][] = [
      [0, "GB", "residential"],
      [5, "JP", "residential"], // hop
      [10, "JP", "residential"], // same country
      [12, "US", "vpn"], // a VPN exit: not residential, not counted
      [15, "DE", "datacenter"], // nor a hosting network
      [20, "FR", "residential"], // JP (10 min) -> FR: hop
      [200, "GB", "residential"], // 3 hours on: travel, not a hop
      [230, "GB", "residential"],
    ];
    for (const [m, c, n] of steps) p.update(at(m, c, n), false, false, window);
    assert.equal(p.geoHops, 2);
    // without a window (the default), nothing counts
    const q = new AccountProfile("y", 0);
    for (const [m, c, n] of steps) q.update(at(m, c, n), false, false);
    assert.equal(q.geoHops, 0);
  });
});
