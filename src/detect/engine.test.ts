import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEnforced } from "../events/report.js";
import type { ExchangeEvent } from "../events/types.js";
import { DetectionEngine } from "./engine.js";
import {
  accountEvents,
  byTime,
  evalOrgAccounts,
  type FixtureAccount,
  HYDRA_SYSTEM,
  hydraAccounts,
  hydraPrompt,
  legitAccounts,
  resellerAccounts,
  rng,
  T0,
} from "./fixtures.js";

const HOUR = 3_600_000;

function run(events: ExchangeEvent[], flush = true) {
  const engine = new DetectionEngine();
  for (const e of events) engine.ingest(e);
  if (flush) engine.flush();
  return engine.report();
}

function scenario(seed: number) {
  const r = rng(seed);
  const legit = legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r));
  const hydra = hydraAccounts(20, r).map((a) => accountEvents(a, T0 + HOUR, 150, r));
  const org = evalOrgAccounts(20).map((a) => accountEvents(a, T0 + HOUR / 2, 400, r));
  return byTime([...legit, ...hydra, ...org]);
}

describe("DetectionEngine on fixtures", () => {
  for (const seed of [1, 2]) {
    it(`puts a 20-account hydra into one enforced campaign and spares legitimate accounts (seed ${seed})`, () => {
      const report = run(scenario(seed));
      const hydra = report.accounts.filter((a) => a.account_id.startsWith("hydra-"));
      assert.equal(hydra.length, 20);
      for (const a of hydra) assert.ok(isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
      const ids = new Set(hydra.map((a) => a.campaign_id));
      assert.equal(ids.size, 1, "one campaign");
      const campaign = report.campaigns.find((c) => c.id === [...ids][0]);
      assert.ok(campaign);
      assert.equal(campaign.accounts.length, 20);
      assert.ok(campaign.accounts.every((id) => id.startsWith("hydra-")));
      for (const a of report.accounts.filter((x) => x.account_id.startsWith("legit-"))) {
        assert.ok(!isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
      }
    });
  }

  it("sends a verified organisation running a benchmark to review at most, never to enforcement", () => {
    const report = run(scenario(3));
    const org = report.accounts.filter((a) => a.account_id.startsWith("evalorg-"));
    assert.equal(org.length, 20);
    for (const a of org) {
      assert.ok(a.verdict === "review" || a.verdict === "monitor" || a.verdict === "allow", a.verdict);
      assert.equal(a.first_flagged_at, null);
    }
    assert.ok(!report.campaigns.some((c) => c.accounts.some((id) => id.startsWith("evalorg-"))));
  });

  it("is causal: first_flagged_at is reached with only the events up to it", () => {
    const events = scenario(4);
    const report = run(events);
    const target = report.accounts.find((a) => a.account_id === "hydra-7");
    assert.ok(target?.first_flagged_at);
    const flagged = Date.parse(target.first_flagged_at);
    const first = events.find((e) => e.account_id === "hydra-7")!;
    assert.ok(flagged >= Date.parse(first.time), "never before the account's first event");
    const before = run(
      events.filter((e) => Date.parse(e.time) < flagged),
      false,
    ).accounts.find((a) => a.account_id === "hydra-7");
    assert.ok(before && !isEnforced(before.verdict), "not enforced before first_flagged_at");
    const upTo = run(
      events.filter((e) => Date.parse(e.time) <= flagged),
      false,
    ).accounts.find((a) => a.account_id === "hydra-7");
    assert.ok(upTo && isEnforced(upTo.verdict), "enforced with the events up to first_flagged_at");
  });

  it("enforces a new account joining a known campaign from its first request", () => {
    const r = rng(5);
    const base = scenario(5);
    const late = hydraAccounts(3, r, "hydra")
      .slice(0, 3)
      .map((a, i) => ({ ...a, id: `hydra-late-${i}` }));
    const lateEvents = late.map((a) => accountEvents(a, T0 + 3 * HOUR, 20, r));
    const report = run(byTime([base, ...lateEvents]));
    for (let i = 0; i < 3; i++) {
      const a = report.accounts.find((x) => x.account_id === `hydra-late-${i}`);
      assert.ok(a && isEnforced(a.verdict), `hydra-late-${i}`);
      assert.equal(a.first_flagged_at, lateEvents[i]![0]!.time, "flagged at its first request");
    }
  });

  it("does not enforce a legitimate reseller that shares a relay (prefixes, TLS, UAs) with a hydra", () => {
    const r = rng(7);
    const hydra = hydraAccounts(20, r);
    const relayIps = hydra.flatMap((a) => a.ips);
    const events = byTime([
      ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r)),
      ...hydra.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
      ...resellerAccounts(12, relayIps, r).map((a) => accountEvents(a, T0 + HOUR / 2, 120, r)),
    ]);
    const report = run(events);
    for (const a of report.accounts) {
      if (a.account_id.startsWith("reseller-"))
        assert.ok(!isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
      if (a.account_id.startsWith("hydra-"))
        assert.ok(isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
    }
    const hydraCampaign = report.campaigns.find((c) => c.accounts.some((id) => id.startsWith("hydra-")));
    assert.ok(hydraCampaign && !hydraCampaign.accounts.some((id) => id.startsWith("reseller-")));
  });

  it("does not pass a proxy-pool campaign's block to established, verified VPN users with honest clients", () => {
    // A hydra of fresh accounts rotating over a commercial VPN's exits, and long-standing verified
    // customers of the same VPN who use the same public tutor prompt (step-by-step answers) through
    // an honest SDK: same exits, same reasoning-heavy shape, no deception of their own.
    const r = rng(13);
    const exits = Array.from({ length: 12 }, (_, k) => `185.${10 + k}.${k * 7}.${20 + k}`);
    const asnOf = (ip: string) => 64600 + (exits.indexOf(ip) % 6);
    const onVpn = (a: FixtureAccount, k: number): FixtureAccount => ({
      ...a,
      ips: Array.from({ length: 8 }, (_, j) => exits[(k + j * 5) % exits.length]!),
    });
    const hydra = hydraAccounts(20, r).map((a, k) => onVpn(a, k));
    const vpnUsers = legitAccounts(30, r).map((a, k) => ({
      ...onVpn(a, k),
      id: `vpnuser-${k}`,
      verified: true,
      system: HYDRA_SYSTEM,
      prompt: hydraPrompt,
      every: 240,
    }));
    const withAsn = (e: ExchangeEvent): ExchangeEvent =>
      e.client?.ip && exits.includes(e.client.ip)
        ? { ...e, client: { ...e.client, asn: asnOf(e.client.ip) } }
        : e;
    const events = byTime([
      ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r)),
      ...hydra.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
      ...vpnUsers.map((a) => accountEvents(a, T0, 60, r)),
    ]).map(withAsn);
    const report = run(events);
    const enforced = (prefix: string) =>
      report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
    assert.equal(enforced("hydra-"), 20, "every hydra account is enforced");
    assert.equal(enforced("vpnuser-"), 0, "no VPN customer inherits the hydra's verdict");
  });

  it("returns verdict changes from ingest as they happen", () => {
    const engine = new DetectionEngine();
    const seen = new Map<string, string>();
    for (const e of scenario(6)) {
      for (const d of engine.ingest(e)) {
        if (d.scope === "account") {
          assert.equal(d.previous, seen.get(d.id) ?? "allow");
          seen.set(d.id, d.verdict);
          assert.ok(d.timeMs >= T0);
        }
      }
    }
    const report = engine.report();
    for (const a of report.accounts) assert.equal(a.verdict, seen.get(a.account_id) ?? "allow");
  });
});
