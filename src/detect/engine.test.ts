import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEnforced } from "../events/report.js";
import type { ExchangeEvent } from "../events/types.js";
import { parseDetectorConfig } from "./config.js";
import { DetectionEngine, dueForJudging, poissonTail } from "./engine.js";
import {
  accountEvents,
  benchmarkPrompt,
  byTime,
  evalOrgAccounts,
  type FixtureAccount,
  HYDRA_SYSTEM,
  hydraAccounts,
  hydraPrompt,
  legitAccounts,
  organicPrompt,
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

/**
 * 800 legitimate accounts, a 20-account hydra and a 20-account evaluation org: the hydra's shared
 * keys (its wrapper template, creation window, client stacks) are held by under 3 % of accounts
 * (maxKeyShare), so rarity counts them as it would in a deployment.
 */
function scenario(seed: number) {
  const r = rng(seed);
  const legit = legitAccounts(800, r).map((a) => accountEvents(a, T0, 40, r));
  const hydra = hydraAccounts(20, r).map((a) => accountEvents(a, T0 + HOUR, 150, r));
  const org = evalOrgAccounts(20).map((a) => accountEvents(a, T0 + HOUR / 2, 400, r));
  return byTime([...legit, ...hydra, ...org]);
}

/**
 * A hydra of 20 fresh accounts rotating over a commercial VPN's 12 exits (6 ASNs), beside 30 of the
 * VPN's customers on the same exits, shaped by `customer`; returns the count of enforced accounts
 * whose id starts with a prefix.
 */
function hydraOnVpn(
  seed: number,
  customer: (a: FixtureAccount, k: number) => FixtureAccount,
  network?: string,
) {
  const r = rng(seed);
  const exits = Array.from({ length: 12 }, (_, k) => `185.${10 + k}.${k * 7}.${20 + k}`);
  const onVpn = (a: FixtureAccount, k: number): FixtureAccount => ({
    ...a,
    ips: Array.from({ length: 8 }, (_, j) => exits[(k + j * 5) % exits.length]!),
  });
  const hydra = hydraAccounts(20, r).map((a, k) => onVpn(a, k));
  const vpnUsers = legitAccounts(30, r).map((a, k) => ({ ...customer(onVpn(a, k), k), id: `vpnuser-${k}` }));
  const tag = (e: ExchangeEvent): ExchangeEvent =>
    e.client?.ip && exits.includes(e.client.ip)
      ? {
          ...e,
          client: {
            ...e.client,
            asn: 64600 + (exits.indexOf(e.client.ip) % 6),
            ...(network ? { network } : {}),
          },
        }
      : e;
  const report = run(
    byTime([
      ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r)),
      ...hydra.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
      ...vpnUsers.map((a) => accountEvents(a, T0, 60, r)),
    ]).map(tag),
  );
  const enforced = (prefix: string) =>
    report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
  return Object.assign(enforced, { report });
}

/** Tags events from a residential proxy pool's IPs with their network class and one of `asns` ASNs. */
function onResidentialPool(pool: readonly string[], asns: number) {
  return (e: ExchangeEvent): ExchangeEvent =>
    e.client?.ip && pool.includes(e.client.ip)
      ? {
          ...e,
          client: { ...e.client, asn: 64700 + (pool.indexOf(e.client.ip) % asns), network: "residential" },
        }
      : e;
}

/**
 * A ring of twelve aged, verified accounts (three shared cards) rotating five browser user agents
 * over a Python TLS stack on a residential pool of five ASNs, asking for distillation-shaped
 * answers, among 700 SDK customers; seven hours after it starts, four more aged, verified accounts
 * ("bought-", cards of their own) with the same stack and pool but ordinary prompts, and four
 * honest-SDK customers ("honest-") on the same pool. Returns the events and each latecomer's start.
 */
function boughtOnPool(
  seed: number,
  size: {
    exits: number;
    userAgents: number;
    sdk?: boolean;
    asns?: number;
    lateAsns?: number;
    /** A ring of 12 new accounts, enforced before the latecomers come, on 3 exits of each late ASN
     * with one of the pool's user agents each; the latecomers draw theirs from its user agents and
     * exits, enough to join its signature (which it cannot pass to them: they are aged). */
    freshRing?: boolean;
  } = {
    exits: 40,
    userAgents: 0,
  },
) {
  const asns = size.asns ?? 5;
  const PY_TLS = "t13d1516h2_8daaf6152771_02713d6af862";
  const chrome = (v: number) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.${v * 7}.0`;
  const r = rng(seed);
  // one /24 per exit; with a pool of userAgents each account draws five of them, else all send the same five
  const pool = Array.from(
    { length: size.exits },
    (_, k) => `100.${64 + (k % 5)}.${Math.floor(k / 5)}.${10 + (k % 200)}`,
  );
  // exit k is on ASN k % asns; with lateAsns, the ring draws its exits from one ASN after the other
  // and the bought latecomers only from the first lateAsns ASNs (honest customers: anywhere)
  const byAsn = Array.from({ length: asns }, (_, a) => pool.filter((_, k) => k % asns === a));
  const lateAsns = size.lateAsns;
  const ringExits = lateAsns ? (j: number) => byAsn[j % asns]! : undefined;
  const lateExits = lateAsns ? (j: number) => byAsn[j % lateAsns]! : undefined;
  // (sdk: versions of an SDK that customers run on this TLS stack, so no user agent is a mismatch)
  const uaPool = Array.from({ length: size.userAgents }, (_, k) =>
    size.sdk ? `anthropic-python/0.${k}.0` : chrome(60 + k),
  );
  const uas = () => {
    if (size.userAgents === 0) return [131, 130, 129, 128, 127].map(chrome);
    const drawn = new Set<string>();
    while (drawn.size < 5) drawn.add(uaPool[Math.floor(r() * uaPool.length)]!);
    return [...drawn];
  };
  const aged = (
    a: FixtureAccount,
    i: number,
    extra: Partial<FixtureAccount>,
    exits: (j: number) => readonly string[] = () => pool,
  ): FixtureAccount => {
    const { system: _system, ...rest } = a;
    return {
      ...(extra.prompt ? rest : a),
      createdAt: new Date(T0 - (400 + i * 7) * 86_400_000 - 5 * HOUR).toISOString(),
      verified: true,
      tier: "build",
      email: `person${i}.example`,
      tls: PY_TLS,
      uas: uas(),
      ips: Array.from({ length: 12 }, (_, j) => {
        const from = exits(j);
        return from[Math.floor(r() * from.length)]!;
      }),
      ...extra,
    };
  };
  const ring = hydraAccounts(12, r, "ring").map((a, i) =>
    aged(a, i, { payment: `pay-ring-${i % 3}` }, ringExits),
  );
  const later = (
    prefix: string,
    k: number,
    extra: Partial<FixtureAccount>,
    exits?: (j: number) => readonly string[],
  ) =>
    hydraAccounts(4, r, prefix).map((a, i) =>
      aged(
        a,
        k + i,
        {
          payment: `pay-${prefix}-${i}`,
          prompt: organicPrompt,
          every: 90,
          jitter: 0.8,
          ...extra,
        },
        exits,
      ),
    );
  const freshExits = lateAsns ? byAsn.slice(0, lateAsns).map((on) => on.slice(0, 3)) : [];
  const fresh = size.freshRing
    ? hydraAccounts(12, r, "fresh").map((a, i) => ({
        ...a,
        ips: Array.from({ length: 8 }, (_, j) => freshExits[j % freshExits.length]![(i + j) % 3]!),
        uas: [uaPool[i]!],
      }))
    : [];
  const fromFresh = (): Partial<FixtureAccount> => {
    if (!size.freshRing) return {};
    const drawn = new Set<string>();
    while (drawn.size < 5) drawn.add(uaPool[Math.floor(r() * 12)]!);
    return { uas: [...drawn] };
  };
  const bought = later(
    "bought",
    20,
    fromFresh(),
    size.freshRing ? (j) => freshExits[j % freshExits.length]! : lateExits,
  );
  const honest = later("honest", 30, { uas: ["anthropic-python/0.40.0"] });
  const residential = onResidentialPool(pool, asns);
  const starts = new Map<string, number>();
  const events = byTime([
    // SDK customers on the same TLS stack: browser user agents on it are the odd ones out
    ...legitAccounts(700, r).map((a) => accountEvents(a, T0, 8, r)),
    ...ring.map((a, i) => accountEvents(a, T0 + HOUR + i * 60_000, 150, r)),
    ...fresh.map((a, i) => accountEvents(a, T0 + 2 * HOUR + i * 60_000, 150, r)),
    ...bought.map((a, i) => accountEvents(a, T0 + 8 * HOUR + i * 37 * 60_000, 40, r)),
    ...honest.map((a, i) => accountEvents(a, T0 + 8 * HOUR + i * 41 * 60_000, 40, r)),
  ]).map(residential);
  for (const e of events) if (!starts.has(e.account_id)) starts.set(e.account_id, Date.parse(e.time));
  return { events, starts };
}

/**
 * The SDK-user-agent variant of boughtOnPool (600 exits, 2,000 user agents, latecomers on 4 of 12
 * ASNs), optionally with a ring of new accounts first: asserts that both rings are enforced, at
 * least 3 of the 4 latecomers within 15 minutes of their start, and no customer.
 */
function latecomersJoinByFootprint(seed: number, freshRing: boolean): void {
  const { events, starts } = boughtOnPool(seed, {
    exits: 600,
    userAgents: 2000,
    sdk: true,
    asns: 12,
    lateAsns: 4,
    freshRing,
  });
  const report = run(events);
  const enforced = (prefix: string) =>
    report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict));
  if (freshRing) assert.equal(enforced("fresh-").length, 12, `seed ${seed}: the ring of new accounts`);
  assert.equal(enforced("ring-").length, 12, `seed ${seed}: the proxy-pool ring`);
  const bought = enforced("bought-");
  assert.ok(bought.length >= 3, `seed ${seed}: ${bought.length} of 4 bought accounts enforced`);
  for (const a of bought) {
    const minutes = (Date.parse(a.first_flagged_at!) - starts.get(a.account_id)!) / 60_000;
    assert.ok(
      minutes <= 15,
      `seed ${seed}: ${a.account_id} enforced ${minutes.toFixed(1)} min after its start`,
    );
  }
  assert.equal(enforced("honest-").length + enforced("legit-").length, 0, `seed ${seed}: customers`);
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
    // (absent when it was enforced at its first request, as a new member of a known campaign)
    assert.ok(!before || !isEnforced(before.verdict), "not enforced before first_flagged_at");
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

  for (const seed of [7, 8, 9]) {
    it(`keeps a reseller with one new account out of a hydra on its relay (seed ${seed})`, () => {
      // The reseller's customers are established and share its card; one of its accounts is a week
      // old, so network infrastructure alone (rotating over the relay's prefixes) links it to the
      // hydra's new accounts, and the card would pull every customer in with it.
      const r = rng(seed);
      const hydra = hydraAccounts(20, r);
      const relayIps = hydra.flatMap((a) => a.ips);
      const reseller = resellerAccounts(12, relayIps, r).map((a, i) => ({
        ...a,
        ...(i === 0 ? { createdAt: new Date(T0 - 7 * 86_400_000).toISOString(), ips: hydra[0]!.ips } : {}),
      }));
      const events = byTime([
        ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r)),
        ...reseller.map((a) => accountEvents(a, T0 + HOUR / 2, 120, r)),
        ...hydra.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
      ]);
      const report = run(events);
      const enforced = (prefix: string) =>
        report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
      assert.equal(enforced("hydra-"), 20, "every hydra account enforced");
      // (with infraOnlyFreshGap 1, i.e. the rule off, all 12 reseller accounts are enforced)
      assert.ok(
        enforced("reseller-") <= 1,
        `${enforced("reseller-")} reseller accounts enforced (at most the new one)`,
      );
    });
  }

  it("does not pass a proxy-pool campaign's block to established, verified VPN users with honest clients", () => {
    // A hydra of fresh accounts rotating over a commercial VPN's exits, and long-standing verified
    // customers of the same VPN who use the same public tutor prompt (step-by-step answers) through
    // an honest SDK: same exits, same reasoning-heavy shape, no deception of their own.
    const enforced = hydraOnVpn(13, (a) => ({
      ...a,
      verified: true,
      system: HYDRA_SYSTEM,
      prompt: hydraPrompt,
      every: 240,
    }));
    assert.equal(enforced("hydra-"), 20, "every hydra account is enforced");
    assert.equal(enforced("vpnuser-"), 0, "no VPN customer inherits the hydra's verdict");
    // their scores are their own evidence, not the campaign's they share a network with
    for (const a of enforced.report.accounts.filter((x) => x.account_id.startsWith("vpnuser-"))) {
      const own = a.reasons.reduce((sum, x) => sum + Math.max(0, x.weight ?? 0), 0);
      assert.ok(a.score <= own + 1e-9, `${a.account_id}: score ${a.score}, own evidence ${own}`);
    }
  });

  it("dates a campaign by the accounts it names, not by the network neighbours in its cluster", () => {
    // the VPN's customers are on its exits from the log's start, an hour before the hydra
    const { report } = hydraOnVpn(13, (a) => ({
      ...a,
      verified: true,
      system: HYDRA_SYSTEM,
      prompt: hydraPrompt,
      every: 240,
    }));
    const campaign = report.campaigns.find((c) => c.accounts.some((id) => id.startsWith("hydra-")));
    assert.ok(campaign);
    assert.ok(campaign.accounts.every((id) => id.startsWith("hydra-")));
    assert.ok(Date.parse(campaign.first_seen) >= T0 + HOUR, `first seen ${campaign.first_seen}`);
    const flagged = report.accounts
      .filter((a) => campaign.accounts.includes(a.account_id) && a.first_flagged_at !== null)
      .map((a) => Date.parse(a.first_flagged_at!));
    assert.ok(flagged.length > 0);
    assert.ok(campaign.detected_at !== null);
    assert.ok(Date.parse(campaign.detected_at) <= Math.min(...flagged), `detected ${campaign.detected_at}`);
  });

  it("does not pass a proxy-pool campaign's block to new, unverified VPN users who deceive nothing", () => {
    // The same hydra on a VPN's exits, and new free-tier customers of the VPN (ten days old, not
    // verified, honest SDK, their own prompts): new identity and a VPN are priors, not deception.
    const enforced = hydraOnVpn(
      17,
      (a, k) => ({
        ...a,
        org: null,
        createdAt: new Date(T0 - 10 * 86_400_000 - k * 97 * 60_000).toISOString(),
        payment: `pay-vpnuser-${k}`,
        verified: false,
        tier: "free",
        every: 90,
      }),
      "vpn",
    );
    assert.equal(enforced("hydra-"), 20, "every hydra account is enforced");
    assert.equal(enforced("vpnuser-"), 0, "no VPN customer inherits the hydra's verdict");
  });

  it("reports an operation that mixes bought, aged accounts with new ones as one campaign", () => {
    // Twelve new accounts and, six hours later, twelve aged, verified ones (cards of their own), on
    // the same residential proxy pool, Go TLS stack with browser user agents and task: network
    // infrastructure alone never links an aged account to a new one, and nothing else ties the two
    // halves (no shared card, no synchrony), so they are two enforced clusters of one operation.
    const GO_TLS = "t13d1312h2_f57a46bbacb6_e7c285222651";
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const pool = Array.from({ length: 48 }, (_, k) => `100.${64 + (k % 8)}.${k}.${10 + k}`);
      const mix = hydraAccounts(24, r, "mix").map((a, i) => ({
        ...a,
        ...(i < 12
          ? {
              createdAt: new Date(T0 - (400 + i * 7) * 86_400_000).toISOString(),
              verified: true,
              tier: "build",
              payment: `pay-aged-${i % 3}`,
              email: `person${i}.example`,
            }
          : { payment: `pay-new-${i % 3}` }),
        tls: GO_TLS,
        ips: Array.from({ length: 12 }, () => pool[Math.floor(r() * pool.length)]!),
      }));
      const residential = onResidentialPool(pool, 8);
      const events = byTime([
        ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r)),
        ...mix.map((a, i) => accountEvents(a, T0 + (i < 12 ? 12 : 1) * HOUR + i * 60_000, 150, r)),
      ]).map(residential);
      const report = run(events);
      const members = report.accounts.filter((a) => a.account_id.startsWith("mix-"));
      for (const a of members)
        assert.ok(isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict}`);
      // (without consolidation the aged half is a second campaign)
      assert.equal(new Set(members.map((a) => a.campaign_id)).size, 1, `seed ${seed}: one campaign`);
      for (const a of report.accounts.filter((x) => x.account_id.startsWith("legit-")))
        assert.ok(!isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict}`);
    }
  });

  it("passes a campaign's block to bought, aged accounts whose client stack lies, on its proxy pool", () => {
    // The latecomers' trust (-1.6) cancels their own deception, and only the lying stack on the
    // campaign's footprint ties them to it (none is enforced without that rule). Honest-SDK
    // customers on the same pool stay out.
    for (const seed of [1, 2, 3]) {
      const report = run(boughtOnPool(seed).events);
      const enforced = (prefix: string) =>
        report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
      assert.equal(enforced("ring-"), 12, `seed ${seed}: the ring`);
      assert.ok(
        enforced("bought-") >= 3,
        `seed ${seed}: ${enforced("bought-")} of 4 bought accounts enforced`,
      );
      assert.equal(enforced("honest-"), 0, `seed ${seed}: honest customers on the pool`);
      assert.equal(enforced("legit-"), 0, `seed ${seed}: legitimate accounts`);
    }
  });

  it("judges an account that links into an enforced campaign against it at once", () => {
    // The ring is judged and enforced long before the latecomers come; each of them adds one member
    // to its cluster, too few to have the cluster judged again before its hourly re-judging. The
    // latecomers send a request every 90 s: each must be enforced within 15 minutes of its first
    // request (on the pass after it links in), not at the cluster's next judging, up to an hour on.
    for (const seed of [1, 2, 3]) {
      // a pool too large for its exits and user agents to make the campaign's signature (a newcomer
      // must link in; it cannot join on its first requests)
      const { events, starts } = boughtOnPool(seed, { exits: 600, userAgents: 200 });
      const report = run(events);
      const enforced = (prefix: string) =>
        report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
      assert.equal(enforced("ring-"), 12, `seed ${seed}: the ring`);
      assert.ok(
        enforced("bought-") >= 2,
        `seed ${seed}: ${enforced("bought-")} of 4 bought accounts enforced`,
      );
      assert.equal(enforced("honest-") + enforced("legit-"), 0, `seed ${seed}: customers`);
      for (const a of report.accounts) {
        if (!a.account_id.startsWith("bought-") || !a.first_flagged_at) continue;
        const minutes = (Date.parse(a.first_flagged_at) - starts.get(a.account_id)!) / 60_000;
        assert.ok(
          minutes <= 15,
          `seed ${seed}: ${a.account_id} enforced ${minutes.toFixed(1)} min after its start`,
        );
      }
    }
  });

  it("passes a proxy-pool campaign's block to accounts rotating SDK user agents per request on its footprint", () => {
    // The ring and the latecomers draw five versions of a popular SDK's user agent each, over one
    // TLS stack that does send it (no mismatch): a user agent per request is a lie on its own. The
    // latecomers are aged, verified and ask ordinary questions: their trust cancels their own
    // deception. The pool (600 exits, 2,000 user agents) is too large for a signature or shared
    // keys, and the latecomers use 4 of its 12 ASNs (a proxy pool hands out part of its networks at
    // a time), too few to link to a member by the pool alone. They must be enforced within 15
    // minutes of their start: they join on the campaign's footprint once they have used 4 of its
    // networks.
    for (const seed of [1, 2, 3]) latecomersJoinByFootprint(seed, false);
  });

  it("lets accounts joined to a ring's signature that cannot pass them its verdict join a campaign by its footprint", () => {
    // As above, but a ring of new accounts on the latecomers' exits and user agents was enforced
    // first: their first requests join its signature, whose verdict aged accounts cannot inherit.
    // They must still join the proxy-pool campaign by its footprint, and keep it when they link to
    // each other (the same four networks) into a cluster of their own that is not enforced.
    for (const seed of [1, 2, 3]) latecomersJoinByFootprint(seed, true);
  });

  it("reports two operations bridged by a reused card as two campaigns", () => {
    // Operation A (the fixture hydra) and operation B (fresh accounts of its own: other cards,
    // creation burst, proxy prefixes, client stack and task) are joined by two B accounts that pay
    // with one of A's cards: one strong edge merges the two clusters for good.
    const r = rng(21);
    const opA = hydraAccounts(40, r, "opa");
    const GO_TLS = "t13d1312h2_f57a46bbacb6_e7c285222651";
    const opB = hydraAccounts(40, r, "opb").map((a, i) => ({
      ...a,
      createdAt: new Date(T0 - 6 * 86_400_000 + i * 15_000).toISOString(),
      payment: i < 2 ? "pay-opa-0" : `pay-opb-${i % 2}`,
      ips: [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `198.18.${(i + k) % 4}.${1 + Math.floor(r() * 250)}`),
      uas: ["Go-http-client/2.0", "Go-http-client/1.1", "okhttp/4.12.0"],
      tls: GO_TLS,
      country: "BR",
      system: "You are an autonomous coding agent. Use the tools to edit files and run tests.",
      prompt: (rr: () => number) =>
        `Write a TypeScript function that parses ${Math.floor(rr() * 100000)} records from a CSV file, with unit tests.`,
    }));
    const events = byTime([
      ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 40, r)),
      ...opA.map((a) => accountEvents(a, T0 + HOUR, 200, r)),
      ...opB.map((a) => accountEvents(a, T0 + HOUR, 200, r)),
    ]);
    const campaignsOf = (report: ReturnType<typeof run>) =>
      report.campaigns
        .filter((c) => c.accounts.some((id) => id.startsWith("op")))
        .map((c) => ({
          a: c.accounts.filter((id) => id.startsWith("opa-")).length,
          b: c.accounts.filter((id) => id.startsWith("opb-")).length,
          other: c.accounts.filter((id) => !id.startsWith("op")).length,
        }))
        .sort((x, y) => y.a - x.a);
    // control: without the split the two operations are one campaign
    const engine = new DetectionEngine(parseDetectorConfig({ splitEveryPasses: 1e9 }));
    for (const e of events) engine.ingest(e);
    engine.flush();
    assert.deepEqual(campaignsOf(engine.report()), [{ a: 40, b: 40, other: 0 }]);
    const report = run(events);
    const split = campaignsOf(report);
    assert.equal(split.length, 2, JSON.stringify(split));
    // each operation's campaign holds at least 35 of its 40 accounts and at most 5 of the other's
    assert.ok(split[0]!.a >= 35 && split[0]!.b <= 5 && split[0]!.other === 0, JSON.stringify(split));
    assert.ok(split[1]!.b >= 35 && split[1]!.a <= 5 && split[1]!.other === 0, JSON.stringify(split));
    // the campaign split off the cluster says so first
    const reasons = report.campaigns.map((c) => (c.reasons as { id: string }[])[0]!.id);
    assert.equal(reasons.filter((id) => id === "campaign.split").length, 1, reasons.join());
    for (const a of report.accounts) {
      // an account enforced before the split names the campaign it is in now
      const first = (a.reasons as { id: string; evidence?: Record<string, unknown> }[])[0];
      if (a.campaign_id && first?.id === "campaign.member") {
        assert.equal(first.evidence?.campaign_id, a.campaign_id, a.account_id);
      }
      if (a.account_id.startsWith("op")) assert.ok(isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
      if (a.account_id.startsWith("legit-")) assert.ok(!isEnforced(a.verdict), a.account_id);
    }
  });

  it("passes a ring's block to accounts minted for it on its stack, not to older or other-stack newcomers", () => {
    // A ring of fresh accounts on one relay (four /24s) and one honest but distinctive client stack;
    // from hour 5 newcomers appear one by one on the same relay, each verified and created minutes
    // before its first request: recruits on the ring's stack, fresh users 8-12 days old on the same
    // stack, and on-the-spot accounts with an SDK stack of their own. None shares a card, a creation
    // window or a template with the ring.
    const NODE_TLS = "t13d1712h2_5b57614c22b0_3d5424432f57";
    const DAY = 24 * HOUR;
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const relay = (k: number) => `198.18.${k % 4}.${10 + Math.floor(r() * 200)}`;
      const ring = hydraAccounts(20, r, "ring").map((a) => ({
        ...a,
        uas: ["node"],
        tls: NODE_TLS,
        ips: [0, 1, 2, 3, 4, 5, 6, 7].map(relay),
      }));
      const newcomer = (
        prefix: string,
        i: number,
        createdMs: number,
        ua: string,
        tls: string,
      ): FixtureAccount => ({
        id: `${prefix}-${i}`,
        org: null,
        createdAt: new Date(createdMs).toISOString(),
        verified: true,
        payment: `pay-${prefix}-${i}`,
        email: `uni${prefix}${i}.edu`,
        tier: "education",
        ips: [0, 1, 2, 3, 4, 5, 6, 7].map(relay),
        uas: [ua],
        tls,
        country: "SG",
        prompt: organicPrompt,
        every: 60,
        jitter: 0.5,
      });
      const T2 = T0 + 5 * HOUR;
      const GAP = 45 * 60_000;
      const lists = [
        ...legitAccounts(60, r).map((a) => accountEvents(a, T0, 300, r)),
        ...ring.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
      ];
      for (let i = 0; i < 6; i++) {
        const t = T2 + i * GAP;
        const recruit = newcomer("recruit", i, t - 20 * 60_000, "node", NODE_TLS);
        const older = newcomer("older", i, t - (8 + i * 0.7) * DAY, "node", NODE_TLS);
        const own = newcomer(
          "ownstack",
          i,
          t,
          "anthropic-python/0.40.0",
          "t13d1516h2_8daaf6152771_02713d6af862",
        );
        lists.push(accountEvents(recruit, t, 60, r), accountEvents(older, t + 10 * 60_000, 60, r));
        lists.push(accountEvents(own, t + 20 * 60_000, 60, r));
      }
      // the relay's hosting network, as an IP database would classify it
      const events = byTime(lists).map((e) =>
        e.account_id.startsWith("legit-") ? e : { ...e, client: { ...e.client, network: "datacenter" } },
      );
      const report = run(events);
      const of = (prefix: string) => report.accounts.filter((a) => a.account_id.startsWith(`${prefix}-`));
      const ringCampaign = of("ring")[0]!.campaign_id;
      assert.ok(
        ringCampaign && of("ring").every((a) => isEnforced(a.verdict)),
        `seed ${seed}: ring enforced`,
      );
      for (const a of of("recruit")) {
        assert.ok(isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict}`);
        assert.equal(a.campaign_id, ringCampaign, `seed ${seed}: ${a.account_id} joins the ring's campaign`);
      }
      for (const a of [...of("older"), ...of("ownstack"), ...of("legit")]) {
        const why = (a.reasons as { id: string }[]).map((x) => x.id).join();
        assert.ok(!isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict} (${why})`);
      }
    }
  });

  it("names the campaign an account is in now when the one it was enforced with merged into it", () => {
    // Two operations are enforced as two campaigns; hours later two accounts pay with a card of
    // each and sit on both proxy pools, and the clusters merge (the older campaign is kept).
    const r = rng(22);
    const opA = hydraAccounts(20, r, "opa");
    const opB = hydraAccounts(20, r, "opb").map((a, i) => ({
      ...a,
      createdAt: new Date(T0 - 6 * 86_400_000 + i * 15_000).toISOString(),
      ips: [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `198.18.${(i + k) % 4}.${1 + Math.floor(r() * 250)}`),
    }));
    const bridges = [0, 1].map((i) => ({
      ...opB[i]!,
      id: `bridge-${i}`,
      payment: i === 0 ? opA[0]!.payment : opB[0]!.payment,
      ips: [...opA[0]!.ips.slice(0, 4), ...opB[0]!.ips.slice(0, 4)],
    }));
    const report = run(
      byTime([
        ...legitAccounts(40, r).map((a) => accountEvents(a, T0, 40, r)),
        ...opA.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
        ...opB.map((a) => accountEvents(a, T0 + 2 * HOUR, 150, r)),
        ...bridges.map((a) => accountEvents(a, T0 + 5 * HOUR, 150, r)),
      ]),
    );
    let renamed = 0;
    for (const a of report.accounts) {
      const first = (a.reasons as { id: string; text: string; evidence?: Record<string, unknown> }[])[0];
      if (!a.campaign_id || first?.id !== "campaign.member") continue;
      assert.equal(first.evidence?.campaign_id, a.campaign_id, `${a.account_id}: ${first.text}`);
      if (first.evidence?.enforced_as !== undefined) renamed++;
    }
    assert.ok(renamed > 0, "some accounts were enforced with a campaign that has since merged");
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

describe("poissonTail", () => {
  /** P(X >= k) for X ~ Poisson(lambda), summed upwards in logs (independently of poissonTail's loop). */
  const upper = (lambda: number, k: number) => {
    let logFact = 0;
    for (let i = 2; i <= k; i++) logFact += Math.log(i);
    let s = 0;
    for (let i = k; i < k + 400; i++) {
      if (i > k) logFact += Math.log(i);
      s += Math.exp(-lambda + i * Math.log(Math.max(lambda, 1e-300)) - logFact);
    }
    return s;
  };
  it("returns the smallest count whose upper tail is at most p", () => {
    for (const lambda of [0.01, 0.3, 1, 2.5, 7, 40]) {
      for (const p of [1e-3, 1e-7]) {
        const k = poissonTail(lambda, p);
        assert.ok(upper(lambda, k) <= p * (1 + 1e-9), `tail at ${k} for ${lambda}, ${p}`);
        assert.ok(k <= 1 || upper(lambda, k - 1) > p, `tail at ${k - 1} for ${lambda}, ${p}`);
      }
    }
    assert.equal(poissonTail(0, 1e-7), 1);
  });
});

describe("dueForJudging", () => {
  const judged = {
    passesSince: 5,
    enforced: false,
    members: 40,
    judgedMembers: 40,
    exchanges: 4000,
    judgedExchanges: 4000,
    evidenceChanges: 7,
    judgedEvidenceChanges: 7,
  };

  it("leaves an unchanged cluster alone until 60 passes have gone by", () => {
    assert.equal(dueForJudging(judged), false);
    assert.equal(dueForJudging({ ...judged, passesSince: 59 }), false);
    assert.equal(dueForJudging({ ...judged, passesSince: 60 }), true);
  });

  it("re-judges an unenforced cluster after 5 passes once its traffic grew by a tenth", () => {
    assert.equal(dueForJudging({ ...judged, exchanges: 4300 }), false);
    assert.equal(dueForJudging({ ...judged, exchanges: 4410 }), true);
    assert.equal(dueForJudging({ ...judged, exchanges: 4410, passesSince: 4 }), false);
  });

  it("re-judges an unenforced cluster after 5 passes when a member's evidence moved, with no new traffic", () => {
    // a ring's deception ripens as its accounts rotate networks and clients, at a steady trickle
    assert.equal(dueForJudging({ ...judged, evidenceChanges: 8 }), true);
    assert.equal(dueForJudging({ ...judged, evidenceChanges: 8, passesSince: 4 }), false);
  });

  it("re-judges at once when the cluster gained a tenth more members", () => {
    assert.equal(dueForJudging({ ...judged, passesSince: 0, members: 46 }), true);
    assert.equal(dueForJudging({ ...judged, passesSince: 0, members: 45 }), false);
  });

  it("re-judges an enforced cluster only every 60 passes unless it grew in members", () => {
    const enforced = { ...judged, enforced: true, exchanges: 9000, evidenceChanges: 20 };
    assert.equal(dueForJudging({ ...enforced, passesSince: 59 }), false);
    assert.equal(dueForJudging({ ...enforced, passesSince: 60 }), true);
  });
});

describe("ban cascades", () => {
  /** The account's requests from `ban` on are refused as a ban (403, DG_ACCOUNT_BLOCKED). */
  const bannedFrom = (events: ExchangeEvent[], ban: number): ExchangeEvent[] =>
    events.map((e) =>
      Date.parse(e.time) < ban
        ? e
        : {
            ...e,
            response: { status: 403, error_code: "DG_ACCOUNT_BLOCKED", input_tokens: 0, output_tokens: 0 },
          },
    );
  /** Prompts of random letters: no template is shared with anyone. */
  const word = (q: () => number) =>
    Array.from({ length: 3 + Math.floor(q() * 6) }, () =>
      String.fromCharCode(97 + Math.floor(q() * 26)),
    ).join("");
  const words = (q: () => number) => Array.from({ length: 8 }, () => word(q)).join(" ");
  /**
   * An aged account is banned at T0 + 1 h (403, DG_ACCOUNT_BLOCKED). Its siblings: one that shares
   * its card, one created in the same half hour (not a burst), one that shares nothing. Each sends
   * one request in the half hour before the ban and twelve in the half hour after it.
   */
  function afterBan() {
    const r = rng(5);
    const window = Date.UTC(2025, 5, 3, 14, 0); // a creation window of its own
    const base = legitAccounts(4, r).map((a) => ({ ...a, prompt: words }));
    const banned = { ...base[0]!, id: "banned", createdAt: new Date(window + 60_000).toISOString() };
    const card = { ...base[1]!, id: "card-sibling", payment: banned.payment };
    const sameHalfHour = {
      ...base[2]!,
      id: "same-half-hour",
      createdAt: new Date(window + 20 * 60_000).toISOString(),
    };
    const stranger = { ...base[3]!, id: "stranger" };
    const ban = T0 + HOUR;
    const bannedEvents = bannedFrom(accountEvents(banned, T0, 40, r), ban);
    const burst = (a: FixtureAccount) => [
      ...accountEvents({ ...a, every: 60, jitter: 0 }, ban - 20 * 60_000, 1, r),
      ...accountEvents({ ...a, every: 90, jitter: 0.1 }, ban + 12 * 60_000, 12, r),
    ];
    const others = background(6, 60, r);
    return run(byTime([bannedEvents, ...[card, sameHalfHour, stranger].map(burst), ...others]));
  }
  /** 40 unrelated established accounts (orgs, cards and mail domains of their own), `count` requests each from T0. */
  const background = (seed: number, count: number, r: () => number) =>
    legitAccounts(40, rng(seed)).map((a, i) =>
      accountEvents(
        { ...a, id: `bg-${i}`, org: `org-bg-${i}`, payment: `pay-bg-${i}`, email: `bg${i}.com` },
        T0,
        count,
        r,
      ),
    );
  const cascade = (report: ReturnType<typeof run>, id: string) =>
    report.accounts.find((a) => a.account_id === id)?.reasons.some((x) => x.id === "deception.ban_cascade");

  it("flags a sibling by card whose volume jumps after the ban", () => {
    const report = afterBan();
    assert.equal(cascade(report, "card-sibling"), true);
    assert.equal(cascade(report, "stranger"), false);
  });
  it("does not count an account merely created in the same half hour as a sibling", () => {
    assert.equal(cascade(afterBan(), "same-half-hour"), false);
  });
  it("counts a template as a sibling tie only where it carries most of both accounts' traffic", () => {
    const r = rng(14);
    const base = legitAccounts(3, r).map((a) => ({ ...a, prompt: benchmarkPrompt }));
    const ban = T0 + HOUR;
    const banned = bannedFrom(accountEvents({ ...base[0]!, id: "banned" }, T0, 60, r), ban);
    const before = (a: FixtureAccount) =>
      accountEvents({ ...a, every: 60, jitter: 0 }, ban - 20 * 60_000, 1, r);
    const after = (a: FixtureAccount, count: number) =>
      accountEvents({ ...a, every: 90, jitter: 0.1 }, ban + 12 * 60_000, count, r);
    const sibling = { ...base[1]!, id: "template-sibling" };
    const now = { ...base[2]!, id: "now-and-then" };
    const report = run(
      byTime([
        banned,
        before(sibling),
        after(sibling, 12),
        before(now),
        after(now, 1),
        after({ ...now, prompt: words }, 11),
        ...background(15, 90, r),
      ]),
    );
    assert.equal(cascade(report, "template-sibling"), true);
    assert.equal(cascade(report, "now-and-then"), false);
  });
  it("does not count an account whose few early requests on the template aged out of its sketches", () => {
    const r = rng(16);
    const base = legitAccounts(3, r).map((a) => ({ ...a, prompt: benchmarkPrompt }));
    const ban = T0 + 2 * HOUR;
    const banned = bannedFrom(accountEvents({ ...base[0]!, id: "banned", every: 60 }, T0, 150, r), ban);
    const sibling = { ...base[1]!, id: "template-sibling" };
    // two requests on the template while its whole traffic was two requests (so it joined the
    // template's key), then thirty prompts of its own, all before the half hour that precedes the ban
    const early = { ...base[2]!, id: "early-user" };
    const after = (a: FixtureAccount) =>
      accountEvents({ ...a, every: 90, jitter: 0.1 }, ban + 12 * 60_000, 12, r);
    const report = run(
      byTime([
        banned,
        accountEvents({ ...sibling, every: 60, jitter: 0 }, ban - 20 * 60_000, 1, r),
        after(sibling),
        accountEvents({ ...early, every: 60, jitter: 0 }, T0 + 10 * 60_000, 2, r),
        accountEvents({ ...early, prompt: words, every: 60, jitter: 0.1 }, T0 + 20 * 60_000, 30, r),
        after({ ...early, prompt: words }),
        ...background(17, 90, r),
      ]),
    );
    assert.equal(cascade(report, "template-sibling"), true);
    assert.equal(cascade(report, "early-user"), false);
  });
  it("does not count a bystander of a burst (made in its half hour, on another TLS stack) as a sibling", () => {
    const r = rng(12);
    // 12 accounts: a window of 13 is a burst here and still rare enough to sample (3 % of 500)
    const hydra = hydraAccounts(12, r);
    const ban = T0 + 2 * HOUR;
    const late = (a: FixtureAccount) => [
      ...accountEvents({ ...a, every: 60, jitter: 0 }, ban - 20 * 60_000, 1, r),
      ...accountEvents({ ...a, every: 90, jitter: 0.1 }, ban + 12 * 60_000, 12, r),
    ];
    const bystander: FixtureAccount = {
      ...legitAccounts(1, r)[0]!,
      id: "bystander",
      createdAt: new Date(Date.parse(hydra[0]!.createdAt) + 60_000).toISOString(),
      tls: "t13d1715h2_5b57614c22b0_93c746dc12af",
    };
    const events = [
      bannedFrom(accountEvents(hydra[0]!, T0 + HOUR, 200, r), ban),
      ...hydra.slice(1, 6).map((a) => accountEvents(a, T0 + HOUR, 200, r)),
      ...hydra.slice(6).map(late),
      late(bystander),
      ...legitAccounts(40, rng(13)).map((a) => accountEvents(a, T0, 90, r)),
    ];
    const report = run(byTime(events));
    // (the late hydra members are flagged too, but blocked first: their reasons are those of that moment)
    assert.equal(cascade(report, "bystander"), false);
  });
});

describe("creation times", () => {
  /**
   * Six new, unverified accounts paying with one card, made over ten minutes around 14:30 (the
   * half-hour grid puts three on each side), each on its own network with its own SDK build and
   * its own prompts: the card and the creation time are all they share.
   */
  function ring(card: (k: number) => string) {
    const r = rng(31);
    const boundary = Date.parse("2026-01-31T14:30:00.000Z");
    const accounts = legitAccounts(6, r).map((a, k) => ({
      ...a,
      id: `ring-${k}`,
      org: null,
      createdAt: new Date(boundary + (k - 3) * 100_000 + 30_000).toISOString(),
      verified: false,
      payment: card(k),
      email: `ring${k}.example`,
      tier: "free",
      every: 30,
      jitter: 0.5,
    }));
    return run(
      byTime([
        ...legitAccounts(600, r).map((a) => accountEvents(a, T0, 10, r)),
        ...accounts.map((a) => accountEvents(a, T0 + HOUR, 60, r)),
      ]),
    );
  }
  const campaignsOf = (report: ReturnType<typeof run>) =>
    new Set(report.accounts.filter((a) => a.account_id.startsWith("ring-")).map((a) => a.campaign_id));

  it("link accounts paid with one card and made minutes apart across a half-hour boundary", () => {
    const ids = campaignsOf(ring(() => "pay-ring"));
    assert.equal(ids.size, 1, `one campaign, not one per half hour: ${[...ids].join(", ")}`);
    assert.ok(!ids.has(null));
  });

  it("do not link accounts made minutes apart that share nothing else", () => {
    const ids = campaignsOf(ring((k) => `pay-own-${k}`));
    assert.deepEqual([...ids], [null]);
  });
});

describe("creation bursts", () => {
  /** A hydra of 20 accounts created within minutes on one TLS stack, and one customer made in the same half hour. */
  function burstWithBystander(bystanderTls: string) {
    const r = rng(8);
    const hydra = hydraAccounts(20, r);
    const bystander: FixtureAccount = {
      ...legitAccounts(1, r)[0]!,
      id: "bystander",
      createdAt: new Date(Date.parse(hydra[0]!.createdAt) + 60_000).toISOString(),
      tls: bystanderTls,
    };
    const report = run(
      byTime([
        ...legitAccounts(40, r).map((a) => accountEvents(a, T0, 40, r)),
        ...hydra.map((a) => accountEvents(a, T0 + HOUR, 60, r)),
        accountEvents(bystander, T0, 40, r),
      ]),
    );
    const burst = (id: string) =>
      report.accounts
        .find((a) => a.account_id === id)
        ?.reasons.some((x) => x.id === "deception.creation_burst");
    return { burst, hydra };
  }

  it("marks the burst's accounts but not a customer made in the same half hour on another TLS stack", () => {
    const { burst, hydra } = burstWithBystander("t13d1715h2_5b57614c22b0_93c746dc12af");
    for (const a of hydra) assert.equal(burst(a.id), true, a.id);
    assert.equal(burst("bystander"), false);
  });
  /**
   * `n` accounts of distinct identities made in one half hour, `around` in each half hour of the day
   * either side (creationBurstSpanHours), 40 older ones; whether each of the n is marked a burst member.
   */
  function madeInWindow(n: number, around: number) {
    const r = rng(31);
    const win = Date.UTC(2025, 8, 10, 12, 0);
    const made = (a: FixtureAccount, id: string, at: number): FixtureAccount => ({
      ...a,
      id,
      org: `org-${id}`,
      payment: `pay-${id}`,
      email: `${id}.com`,
      createdAt: new Date(at).toISOString(),
    });
    const inWindow = legitAccounts(n, r).map((a, k) => made(a, `made-${k}`, win + k * 60_000));
    const neighbours: FixtureAccount[] = [];
    for (let j = -48; j <= 48; j++) {
      if (j === 0) continue;
      for (const [k, a] of legitAccounts(around, r).entries())
        neighbours.push(made(a, `near-${j}-${k}`, win + j * 30 * 60_000 + k * 60_000));
    }
    const report = run(
      byTime(
        [...inWindow, ...neighbours, ...legitAccounts(40, r)].map((a) =>
          accountEvents({ ...a, every: 300, jitter: 0.5 }, T0, 3, r),
        ),
      ),
    );
    return inWindow.map((a) =>
      report.accounts
        .find((x) => x.account_id === a.id)!
        .reasons.some((x) => x.id === "deception.creation_burst"),
    );
  }
  it("marks five accounts made in one half hour amid quiet half hours", () => {
    assert.deepEqual(madeInWindow(5, 0), [true, true, true, true, true]);
  });
  it("does not mark seven made in one half hour amid half hours of two each (chance at that rate)", () => {
    assert.deepEqual(madeInWindow(7, 2), Array(7).fill(false));
  });
  it("marks creationBurstMin (8) made in one half hour whatever the surroundings", () => {
    assert.deepEqual(madeInWindow(8, 2), Array(8).fill(true));
  });
  /**
   * A 20-account hydra made in one burst (shared cards, one TLS stack) is enforced; three hours in,
   * four more accounts made in the same minutes start: verified, each with its own card, mail
   * domain, addresses and task, so nothing links them to the hydra but the burst. `tls`: their
   * stack; `hosted`: they send from one hosting network's prefixes (as a relay's customers do);
   * `hydraHosted`: the hydra does (it rents a relay); `fromHome`: the latecomers send from home,
   * on their own ISPs or ("ring-isp") on the consumer ISP the hydra's residential exits belong to.
   * Returns, per latecomer, how many of its 8 requests came before it was first enforced (8: never).
   */
  function cardlessLatecomers(
    seed: number,
    tls: string | null,
    hosted: boolean,
    hydraHosted = false,
    fromHome: false | "own-isp" | "ring-isp" = false,
  ) {
    const r = rng(seed);
    const hydra = hydraAccounts(20, r);
    const late = legitAccounts(4, r).map(
      (a, k): FixtureAccount => ({
        ...a,
        id: `late-${k}`,
        org: null,
        verified: true,
        payment: `pay-late-${k}`,
        email: `uni${k}.example.edu`,
        createdAt: new Date(Date.parse(hydra[0]!.createdAt) + (k + 1) * 45_000).toISOString(),
        tls: tls ?? hydra[0]!.tls,
        ips: hosted ? [1, 2, 3].map((j) => `198.18.${10 * k + j}.7`) : a.ips,
        prompt: benchmarkPrompt,
        every: 120,
        jitter: 0.3,
      }),
    );
    // the hydra sends through a commercial VPN's exits (AS 64510), the latecomers too unless they
    // are on a relay's hosting network or `fromHome` (their own ISPs)
    const lateEvents = late.map((a, k) =>
      accountEvents(a, T0 + 3 * HOUR, 8, r).map((e) => ({
        ...e,
        client: hosted
          ? { ...e.client, network: "datacenter", asn: 64_501 }
          : fromHome
            ? { ...e.client, network: "residential", asn: fromHome === "ring-isp" ? 64_520 : 64_900 + k }
            : { ...e.client, network: "vpn", asn: 64_510 },
      })),
    );
    const report = run(
      byTime([
        // enough of the public that the hydra's window and template are rare keys (maxKeyShare)
        ...legitAccounts(1000, r).map((a) => accountEvents(a, T0, 20, r)),
        ...hydra.map((a) =>
          accountEvents(a, T0 + HOUR, 60, r).map((e) => ({
            ...e,
            client: hydraHosted
              ? { ...e.client, network: "datacenter", asn: 64_502 }
              : fromHome === "ring-isp"
                ? { ...e.client, network: "residential", asn: 64_520 }
                : { ...e.client, network: "vpn", asn: 64_510 },
          })),
        ),
        ...lateEvents,
      ]),
    );
    const hydraEnforced = report.accounts.filter(
      (a) => a.account_id.startsWith("hydra-") && isEnforced(a.verdict),
    );
    assert.ok(
      hydraEnforced.length >= 18,
      `seed ${seed}: ${hydraEnforced.length} of 20 hydra accounts enforced`,
    );
    return late.map((a, k) => {
      const at = report.accounts.find((x) => x.account_id === a.id)?.first_flagged_at;
      return at ? lateEvents[k]!.filter((e) => e.time < at).length : 8;
    });
  }
  it("enforces cardless accounts made in an enforced campaign's burst, on its stack, within their first requests", () => {
    for (const seed of [11, 12, 13]) {
      const served = cardlessLatecomers(seed, null, false);
      assert.ok(
        served.every((n) => n <= 2),
        `seed ${seed}: requests served before enforcement ${served.join(", ")}`,
      );
    }
  });
  it("leaves them alone on another TLS stack or their own home networks (bystanders made in the same minutes), or behind a hosting network's relay", () => {
    for (const seed of [11, 12]) {
      const other = cardlessLatecomers(seed, "t13d1715h2_5b57614c22b0_93c746dc12af", false);
      assert.deepEqual(other, [8, 8, 8, 8], `seed ${seed}: on another stack`);
      const hosted = cardlessLatecomers(seed, null, true);
      assert.deepEqual(hosted, [8, 8, 8, 8], `seed ${seed}: behind a relay`);
      const home = cardlessLatecomers(seed, null, false, false, "own-isp");
      assert.deepEqual(home, [8, 8, 8, 8], `seed ${seed}: from their own networks`);
      const sameIsp = cardlessLatecomers(seed, null, false, false, "ring-isp");
      assert.deepEqual(sameIsp, [8, 8, 8, 8], `seed ${seed}: at home on the ISP of the ring's exits`);
    }
  });
  it("does not join them to a burst made on a relay (its stack is the relay's, which customers and other clients of its library share)", () => {
    for (const seed of [11, 12]) {
      const served = cardlessLatecomers(seed, null, false, true);
      assert.deepEqual(served, [8, 8, 8, 8], `seed ${seed}: burst of a hydra on a relay`);
    }
  });
  it("still marks a customer made in the same half hour on the burst's own TLS stack", () => {
    const { burst, hydra } = burstWithBystander(hydraAccounts(1, rng(8))[0]!.tls);
    assert.equal(burst("bystander"), true);
    assert.equal(burst(hydra[0]!.id), true);
  });
});

describe("payment reuse", () => {
  /**
   * Five established customers and one new account pay with one card; so do four new accounts with
   * another; a reseller's card pays for a new account and customers 30, 70, 120, 400 and 750 days old.
   */
  function cards() {
    const r = rng(9);
    const fresh = (a: FixtureAccount, k: number): FixtureAccount => ({
      ...a,
      createdAt: new Date(T0 - (3 + k) * 86_400_000).toISOString(),
    });
    const business = legitAccounts(6, r).map((a, k) => ({
      ...(k === 5 ? fresh(a, k) : a),
      id: `business-${k}`,
      payment: "pay-business",
    }));
    const ring = legitAccounts(4, r).map((a, k) => ({
      ...fresh(a, k),
      id: `ring-${k}`,
      payment: "pay-ring",
    }));
    const reseller = legitAccounts(6, r).map((a, k) => ({
      ...a,
      id: `reseller-${k}`,
      payment: "pay-reseller",
      createdAt: new Date(T0 - [3, 30, 70, 120, 400, 750][k]! * 86_400_000).toISOString(),
    }));
    const report = run(
      byTime([
        ...legitAccounts(40, rng(10)).map((a, i) =>
          accountEvents({ ...a, id: `bg-${i}`, payment: `pay-bg-${i}` }, T0, 30, r),
        ),
        ...[...business, ...ring, ...reseller].map((a) => accountEvents(a, T0, 30, r)),
      ]),
    );
    return (id: string) =>
      report.accounts
        .find((a) => a.account_id === id)
        ?.reasons.find((x) => x.id === "deception.payment_reuse");
  }

  it("counts a card shared among new identities", () => {
    const reuse = cards();
    for (let k = 0; k < 4; k++) assert.equal(reuse(`ring-${k}`)?.evidence?.new_identities, 3, `ring-${k}`);
  });
  it("does not count a card that pays mostly for established accounts (a business paying for several)", () => {
    const reuse = cards();
    assert.equal(reuse("business-5"), undefined);
    // nor for the established holders, who share it with one new account among five
    assert.equal(reuse("business-0"), undefined);
  });
  it("does not count a card whose holders were made months apart, established or not (a reseller opening accounts over time)", () => {
    const reuse = cards();
    // three of the new account's five co-holders are under 180 days old, one made within 30 days of it
    assert.equal(reuse("reseller-0"), undefined);
    assert.equal(reuse("reseller-1"), undefined);
  });
});

describe("system prompts", () => {
  /** Lower-case words: no numbers or names for the skeleton to fold, so no shared head or tail. */
  const words = (q: () => number) =>
    Array.from({ length: 8 }, () =>
      Array.from({ length: 3 + Math.floor(q() * 6) }, () =>
        String.fromCharCode(97 + Math.floor(q() * 26)),
      ).join(""),
    ).join(" ");
  /**
   * 12 hydra accounts (cards of their own) with one system prompt over varied user content, and 30
   * of 800 legitimate accounts that share a common one (over 3 % of accounts: maxKeyShare).
   */
  function run2(seed: number) {
    const r = rng(seed);
    const legit = legitAccounts(800, r).map((a, i) =>
      accountEvents(i < 30 ? { ...a, system: "You are a helpful assistant." } : a, T0, 40, r),
    );
    const hydra = hydraAccounts(12, r).map((a, i) =>
      accountEvents({ ...a, prompt: words, payment: `own-card-${i}` }, T0 + HOUR, 150, r),
    );
    return run(byTime([...legit, ...hydra]));
  }
  for (const seed of [21, 22]) {
    it(`links accounts on a rare shared system prompt into one campaign, not on a common one (seed ${seed})`, () => {
      const report = run2(seed);
      const hydra = report.accounts.filter((a) => a.account_id.startsWith("hydra-"));
      assert.equal(hydra.length, 12);
      const ids = new Set(hydra.map((a) => a.campaign_id));
      assert.equal(ids.size, 1, "one campaign");
      assert.notEqual([...ids][0], null);
      for (const c of report.campaigns)
        assert.ok(
          c.accounts.every((id) => id.startsWith("hydra-")),
          c.id,
        );
      for (const a of report.accounts.filter((x) => x.account_id.startsWith("legit-")))
        assert.ok(!isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
    });
  }
});

describe("evasion: a rotating residential proxy and a rotating client stack", () => {
  const GO_TLS = "t13d1312h2_f57a46bba0_go";
  const SDK_UAS = [
    "OpenAI/JS 4.85.0",
    "Anthropic/JS 0.38.2",
    "anthropic-python/0.40.0",
    "openai-python/1.55.3",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  ];
  const APP_UAS = [
    "PhotoHelper/3.1 (iPhone; iOS 17.1)",
    "PhotoHelper/3.1 (iPhone; iOS 16.5)",
    "PhotoHelper/3.0 (Android 14)",
    "PhotoHelper/3.1 (iPad; iOS 17.2)",
  ];
  const COUNTRIES = ["GB", "JP", "VN", "DE", "US", "BR", "FR"];
  /** An aged, verified account asking ordinary questions every five minutes. */
  const aged = (id: string, uas: string[]): FixtureAccount => ({
    id,
    org: null,
    createdAt: new Date(T0 - 500 * 86_400_000).toISOString(),
    verified: true,
    payment: `pay-${id}`,
    email: "webmail.example",
    tier: "build",
    ips: Array.from({ length: 7 }, (_, k) => `81.${20 + k * 13}.${k * 31}.${7 + k}`),
    uas,
    tls: GO_TLS,
    country: "US",
    prompt: organicPrompt,
    every: 300,
    jitter: 0.3,
  });
  /** Rewrites each event's network: residential, in the country `country(i)` gives request i. */
  const residential = (
    events: ExchangeEvent[],
    country: (i: number) => string,
    shiftMs = (_i: number) => 0,
  ) =>
    events.map((e, i) => ({
      ...e,
      time: new Date(Date.parse(e.time) + shiftMs(i)).toISOString(),
      client: { ...e.client, country: country(i), network: "residential" },
    }));

  function scenario(seed: number) {
    const r = rng(seed);
    const legit = legitAccounts(300, r).map((a) => accountEvents(a, T0, 30, r));
    const start = T0 + HOUR;
    const evaders = [0, 1, 2, 3].map((k) =>
      residential(accountEvents(aged(`evader-${k}`, SDK_UAS), start, 30, r), (i) => COUNTRIES[(i + k) % 7]!),
    );
    // a traveller: the same rotating user agents, but the country changes once, after a 12-hour gap
    const travellers = [0, 1].map((k) =>
      residential(
        accountEvents(aged(`traveller-${k}`, SDK_UAS), start, 30, r),
        (i) => (i < 15 ? "GB" : "JP"),
        (i) => (i < 15 ? 0 : 12 * HOUR),
      ),
    );
    // an app that ships its key to its users' phones: one client family in many versions, from
    // residential networks all over the world, request after request
    const apps = [0, 1].map((k) =>
      residential(accountEvents(aged(`app-${k}`, APP_UAS), start, 30, r), (i) => COUNTRIES[(i * 3 + k) % 7]!),
    );
    // rotating user agents from one home network: no hops
    const homes = [0, 1].map((k) =>
      residential(
        accountEvents({ ...aged(`home-${k}`, SDK_UAS), ips: ["81.2.69.160"] }, start, 30, r),
        () => "GB",
      ),
    );
    return { events: byTime([...legit, ...evaders, ...travellers, ...apps, ...homes]), evaders };
  }

  it("throttles an aged, verified account that hops countries and client families request by request, by its fourth request", () => {
    for (const seed of [1, 2, 3]) {
      const { events, evaders } = scenario(seed);
      const report = run(events);
      for (const ev of evaders) {
        const a = report.accounts.find((x) => x.account_id === ev[0]!.account_id)!;
        assert.ok(isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict}`);
        assert.ok(
          a.first_flagged_at !== null && a.first_flagged_at <= ev[3]!.time,
          `seed ${seed}: ${a.account_id} flagged at ${a.first_flagged_at}, 4th request at ${ev[3]!.time}`,
        );
        const hop = a.reasons.find((x) => x.id === "deception.geo_hopping");
        assert.ok(hop, `seed ${seed}: ${a.account_id} has no geo_hopping reason`);
        assert.equal(hop.evidence?.rotating_client_stack, true);
      }
    }
  });

  it("does not enforce a traveller, an app with its key on its users' phones, or rotating user agents from home", () => {
    for (const seed of [1, 2, 3]) {
      const report = run(scenario(seed).events);
      for (const a of report.accounts) {
        if (a.account_id.startsWith("evader-")) continue;
        assert.ok(!isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict}`);
      }
      const app = report.accounts.find((x) => x.account_id === "app-0")!;
      const hop = app.reasons.find((x) => x.id === "deception.geo_hopping");
      assert.ok(hop && hop.evidence?.rotating_client_stack === false, "the app hops, with one client family");
      const traveller = report.accounts.find((x) => x.account_id === "traveller-0")!;
      assert.equal(
        traveller.reasons.find((x) => x.id === "deception.geo_hopping"),
        undefined,
        "a country change after 12 hours is no hop",
      );
    }
  });
});

describe("user agent against the runtime of its TLS stack", () => {
  const PY = "t13d4907h2_0d8feac7bc37_py";
  const MIXED = "t13d1312h2_f57a46bbacb6_relay";
  const PY_UAS = ["anthropic-python/0.40.0", "openai-python/1.55.3", "python-httpx/0.27.2"];
  const ANY_UAS = ["anthropic-python/0.40.0", "OpenAI/JS 4.85.0", "Go-http-client/2.0", "curl/8.5.0"];
  function run3(seed: number) {
    const r = rng(seed);
    const lists = legitAccounts(120, r).map((a, i) =>
      accountEvents(
        i < 80
          ? { ...a, uas: [PY_UAS[i % PY_UAS.length]!], tls: PY }
          : { ...a, uas: [ANY_UAS[i % ANY_UAS.length]!], tls: MIXED },
        T0,
        20,
        r,
      ),
    );
    const one = (id: string, ua: string, tls: string) =>
      accountEvents({ ...legitAccounts(1, r)[0]!, id, uas: [ua], tls }, T0 + HOUR, 20, r);
    lists.push(one("node-on-py", "OpenAI/JS 4.85.0", PY));
    lists.push(one("own-tool-on-py", "my-internal-tool/2.3", PY));
    lists.push(one("python-on-py", "anthropic-python/0.39.1", PY));
    lists.push(one("node-on-mixed", "Anthropic/JS 0.38.2", MIXED));
    // a relay forwarding its customers' user agents over its own stack claims many runtimes: its
    // rotation is counted as such, not as a runtime the stack does not run
    lists.push(
      accountEvents(
        {
          ...legitAccounts(1, r)[0]!,
          id: "relay-on-py",
          uas: ["OpenAI/JS 4.85.0", ...PY_UAS, "curl/8.5.0"],
          tls: PY,
        },
        T0 + HOUR,
        20,
        r,
      ),
    );
    return run(byTime(lists));
  }
  it("flags a Node SDK's user agent over a stack seen only with Python clients, not an unknown tool, a mixed stack or a relay", () => {
    for (const seed of [1, 2]) {
      const report = run3(seed);
      const mismatch = (id: string) =>
        report.accounts
          .find((a) => a.account_id === id)!
          .reasons.some((x) => x.id === "deception.ua_tls_mismatch");
      assert.equal(mismatch("node-on-py"), true, `seed ${seed}: Node over Python's stack`);
      assert.equal(mismatch("own-tool-on-py"), false, `seed ${seed}: an application's own user agent`);
      assert.equal(mismatch("python-on-py"), false, `seed ${seed}: Python over Python's stack`);
      assert.equal(mismatch("node-on-mixed"), false, `seed ${seed}: a stack many runtimes share`);
      assert.equal(mismatch("relay-on-py"), false, `seed ${seed}: a client claiming several runtimes`);
      for (const a of report.accounts) assert.ok(!isEnforced(a.verdict), `${a.account_id} is ${a.verdict}`);
    }
  });
});

describe("a multi-tenant relay's rotation counts once", () => {
  const RELAY_TLS = "t13d1312h2_f57a46bbacb6_relaygo";
  // the relay forwards its customers' user agents: SDKs in many versions, now and then a browser
  const FORWARDED = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    ...Array.from({ length: 16 }, (_, k) =>
      k % 2 ? `openai-python/1.${40 + k}.0` : `anthropic-typescript/0.${20 + k}.1 node/20.11`,
    ),
  ];
  /** `size` addresses in as many /24s: at one or two hosting providers (a relay), or at six (a proxy farm). */
  const pool = (asns: number[], base: number, size = 12) =>
    Array.from({ length: size }, (_, k) => ({
      ip: `${base}.${60 + k}.${k * 7}.${10 + k}`,
      asn: asns[k % asns.length]!,
    }));
  const customer = (id: string, ageDays: number, verified: boolean): FixtureAccount => ({
    id,
    org: null,
    createdAt: new Date(T0 - ageDays * 86_400_000).toISOString(),
    verified,
    payment: "pay-reseller-a",
    email: "gmail.com",
    tier: "build",
    ips: [],
    uas: FORWARDED,
    tls: RELAY_TLS,
    country: "DE",
    prompt: organicPrompt,
    every: 60,
    jitter: 0.5,
  });
  /** The account's events sent from `addrs` in turn, marked as hosting networks. */
  const via = (events: ExchangeEvent[], addrs: { ip: string; asn: number }[]) =>
    events.map((e, i) => {
      const a = addrs[i % addrs.length]!;
      return { ...e, client: { ...e.client, ip: a.ip, asn: a.asn, network: "datacenter" } };
    });

  /** A hydra renting the relay: new accounts made in a burst, paid with four cards, on its template. */
  const hydra = (r: () => number, relay: { ip: string; asn: number }[]) =>
    hydraAccounts(20, r).map((a, i) =>
      via(accountEvents({ ...a, uas: FORWARDED, tls: RELAY_TLS }, T0 + HOUR + i * 30_000, 120, r), relay),
    );

  /** `customerAge`: age in days of the reseller's i-th customer account at the start. */
  function scenario(seed: number, withHydra = false, customerAge = (i: number) => 200 + i * 20) {
    const r = rng(seed);
    // twelve addresses, or eight beside the hydra (the sizes of the full and quick presets' relays)
    const relay = pool([24940, 16509], 45, withHydra ? 8 : 12);
    const lists = legitAccounts(300, r).map((a) => accountEvents(a, T0, 30, r));
    for (let i = 0; i < 20; i++)
      lists.push(via(accountEvents(customer(`customer-${i}`, customerAge(i), true), T0, 40, r), relay));
    // a new, unverified customer of the reseller: everything it shows besides its age and
    // verification is the relay's (beside a hydra on the relay it still joins the hydra's campaign:
    // its own deception and the relay's rotation pass the member test; docs/detector.md)
    if (!withHydra)
      lists.push(via(accountEvents(customer("new-customer", 5, false), T0 + HOUR, 40, r), relay));
    // and a new, verified one
    lists.push(via(accountEvents(customer("new-verified-customer", 7.7, true), T0 + HOUR, 60, r), relay));
    if (withHydra) {
      lists.push(...hydra(r, relay));
    } else {
      // the same account rotating over six hosting providers is no relay's customer: a proxy farm
      lists.push(
        via(
          accountEvents({ ...customer("farm", 5, false), payment: "pay-farm" }, T0 + HOUR, 40, r),
          pool([24940, 16509, 14061, 63949, 20473, 16276], 95),
        ),
      );
    }
    return run(byTime(lists));
  }

  it("does not throttle a new, unverified customer of a reseller relay on the relay's rotation, but still a proxy farm", () => {
    for (const seed of [1, 2, 3]) {
      const report = scenario(seed);
      const get = (id: string) => report.accounts.find((a) => a.account_id === id)!;
      const fresh = get("new-customer");
      const ids = fresh.reasons.map((x) => x.id);
      // the evidence is all still there, and reported
      for (const id of ["deception.ua_rotation", "deception.ip_rotation", "deception.proxy_network"])
        assert.ok(ids.includes(id), `seed ${seed}: new-customer lacks ${id}: ${ids.join(", ")}`);
      assert.ok(!isEnforced(fresh.verdict), `seed ${seed}: new-customer is ${fresh.verdict}`);
      assert.ok(ids.includes("deception.relay_overlap"), `seed ${seed}: no relay_overlap`);
      const farm = get("farm");
      assert.ok(isEnforced(farm.verdict), `seed ${seed}: the proxy farm is ${farm.verdict}`);
      assert.ok(
        !farm.reasons.some((x) => x.id === "deception.relay_overlap"),
        `seed ${seed}: farm discounted`,
      );
      for (const a of report.accounts)
        if (a.account_id.includes("customer") || a.account_id.startsWith("legit-"))
          assert.ok(!isEnforced(a.verdict), `seed ${seed}: ${a.account_id} is ${a.verdict}`);
    }
  });

  it("enforces every account of a ring of aged accounts sharing four cards", () => {
    // the hydra fixture's accounts, bought aged: made together 300 days ago, paid with four cards.
    // (coreMember's business-card guard is for rings of new accounts; where skipping every shared
    // card showed was live-detector.test.ts, whose hydra looks aged: here the ring is caught either way)
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const aged = hydraAccounts(20, r).map((a, i) => ({
        ...a,
        createdAt: new Date(T0 - 300 * 86_400_000 + i * 20_000).toISOString(),
      }));
      const report = run(
        byTime([
          ...legitAccounts(300, r).map((a) => accountEvents(a, T0, 30, r)),
          ...aged.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
        ]),
      );
      const missed = report.accounts.filter(
        (a) => a.account_id.startsWith("hydra-") && !isEnforced(a.verdict),
      );
      assert.deepEqual(
        missed.map((a) => `${a.account_id}: ${a.verdict}`),
        [],
        `seed ${seed}: every account of the aged ring enforced`,
      );
    }
  });

  it("passes the block of a hydra renting the relay to none of the reseller's customers, a new, verified one included", () => {
    for (const seed of [1, 2, 3]) {
      const report = scenario(seed, true);
      const enforced = (prefix: string) =>
        report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
      assert.equal(enforced("hydra-"), 20, `seed ${seed}: every hydra account enforced`);
      for (const a of report.accounts)
        if (a.account_id.includes("customer")) {
          assert.ok(
            !isEnforced(a.verdict),
            `seed ${seed}: ${a.account_id} is ${a.verdict} (${a.campaign_id})`,
          );
        }
    }
  });

  it("passes it to none of them either when half the customers are months, not years, old", () => {
    // Customers 1 to 10 months old are not "established" (180 days): before paymentNewSpanDays the
    // reseller's card read as reuse among new identities for its new, verified customer, whose
    // deception then passed the member test on the relay's prefixes (the hydra's footprint) and
    // which inherited the hydra's block (seed 1). Made months apart, they are a business's accounts.
    for (const seed of [1, 2, 3]) {
      const report = scenario(seed, true, (i) => 30 + i * 15);
      const enforced = (prefix: string) =>
        report.accounts.filter((a) => a.account_id.startsWith(prefix) && isEnforced(a.verdict)).length;
      assert.equal(enforced("hydra-"), 20, `seed ${seed}: every hydra account enforced`);
      for (const a of report.accounts)
        if (a.account_id.includes("customer"))
          assert.ok(
            !isEnforced(a.verdict),
            `seed ${seed}: ${a.account_id} is ${a.verdict} (${a.campaign_id})`,
          );
    }
  });
});

describe("a forged client stack links a ring", () => {
  const PY = "t13d4907h2_0d8feac7bc37_pyring";
  const PY_UAS = ["anthropic-python/0.40.0", "openai-python/1.55.3", "python-httpx/0.27.2"];
  const EXITS = ["185.40.11", "185.40.12", "185.40.13"];
  /**
   * 160 Python clients on a Python TLS stack, and six accounts of one operator on the same stack,
   * each rotating over the same three exit prefixes (infrastructure alone: below `infraOnlyLink`),
   * created days apart (no creation burst), unverified, each with its own card. `forge`: each sends one Node
   * SDK's user agent (a different version per account) over that Python stack; otherwise a Python
   * SDK's. `agedDays`: account age at the start; `spacingDays`: days between two accounts' creation;
   * `publicOnExits`: how many of the public send through the same exits (a commercial VPN).
   */
  function ring(seed: number, forge: boolean, agedDays: number, spacingDays = 0.3, publicOnExits = 0) {
    const r = rng(seed);
    // `publicOnExits` of the public send through the ring's exits too (a commercial VPN)
    const lists = legitAccounts(160, r).map((a, i) =>
      accountEvents(
        {
          ...a,
          uas: [PY_UAS[i % PY_UAS.length]!],
          tls: PY,
          ...(i < publicOnExits ? { ips: EXITS.map((p, j) => `${p}.${100 + i + j}`) } : {}),
        },
        T0,
        20,
        r,
      ),
    );
    const ids: string[] = [];
    for (let k = 0; k < 6; k++) {
      const id = `ring-${k}`;
      ids.push(id);
      const base = legitAccounts(1, r)[0]!;
      lists.push(
        accountEvents(
          {
            ...base,
            id,
            org: null,
            createdAt: new Date(T0 - (agedDays + k * spacingDays) * 86_400_000).toISOString(),
            verified: false,
            payment: `pay-ring-${k}`,
            email: `mail${k}.example`,
            ips: EXITS.map((p, j) => `${p}.${10 + k * 3 + j}`),
            uas: [forge ? `OpenAI/JS 4.${80 + k}.0` : `openai-python/1.${50 + k}.0`],
            tls: PY,
            prompt: benchmarkPrompt,
          },
          T0 + HOUR,
          12,
          r,
        ),
      );
    }
    const report = run(byTime(lists));
    const linked = report.campaigns
      .map((c) => c.accounts.filter((a) => ids.includes(a)).length)
      .reduce((m, n) => Math.max(m, n), 0);
    return { report, linked };
  }
  it("links a ring made in one small burst on exits the public shares", () => {
    for (const seed of [1, 2, 3]) {
      const burst = ring(seed, false, 2, 3 / 1440, 40);
      assert.ok(burst.linked >= 4, `seed ${seed}: ${burst.linked} of 6 burst accounts in one campaign`);
    }
  });
  it("links new accounts that send one runtime's user agents over another runtime's stack, and not the same ring without the forgery", () => {
    for (const seed of [1, 2, 3]) {
      const forged = ring(seed, true, 2);
      assert.ok(forged.linked >= 4, `seed ${seed}: ${forged.linked} of 6 forging accounts in one campaign`);
      const mismatch = forged.report.accounts
        .filter((a) => a.account_id.startsWith("ring-"))
        .every((a) => a.reasons.some((x) => x.id === "deception.ua_tls_mismatch"));
      assert.ok(mismatch, `seed ${seed}: every forging account shows the mismatch`);
      assert.equal(ring(seed, false, 2).linked, 0, `seed ${seed}: the same ring with Python user agents`);
    }
  });
  it("does not count the forged stack between accounts that are not new (a company's TLS-inspecting proxy, a relay look the same)", () => {
    for (const seed of [1, 2, 3]) {
      assert.equal(ring(seed, true, 60).linked, 0, `seed ${seed}: accounts two months old`);
      assert.equal(ring(seed, true, 400).linked, 0, `seed ${seed}: established accounts`);
    }
  });
});

describe("synchrony", () => {
  /**
   * Six customers of distinct identities (aged, verified, their own cards and networks) who send
   * the same two prompt templates, in step, every five seconds from the log's first second.
   */
  function lockstep(seconds: number): ExchangeEvent[] {
    const r = rng(21);
    const templates = [
      (q: () => number) =>
        `Convert ${Math.floor(q() * 100)} degrees Celsius to Fahrenheit and show the formula.`,
      benchmarkPrompt,
    ];
    const accounts = legitAccounts(6, r).map((a) => {
      let i = 0;
      return { ...a, every: 5, jitter: 0.1, prompt: (q: () => number) => templates[i++ % 2]!(q) };
    });
    return byTime(accounts.map((a) => accountEvents(a, T0, Math.floor(seconds / 5), r)));
  }
  function campaignDecisions(events: ExchangeEvent[]) {
    const engine = new DetectionEngine();
    const out = events.flatMap((e) => engine.ingest(e));
    out.push(...engine.flush());
    return out.filter((d) => d.scope === "campaign");
  }

  it("is not measured within one time window: accounts opening a log with the same templates are not throttled", () => {
    const decisions = campaignDecisions(lockstep(50));
    assert.deepEqual(
      decisions.filter((d) => isEnforced(d.verdict)).map((d) => [d.id, d.verdict]),
      [],
    );
    assert.ok(!decisions.some((d) => d.reasons.some((x) => x.id === "campaign.synchronised")));
  });

  it("is measured once the accounts have acted together in three windows", () => {
    const decisions = campaignDecisions(lockstep(40 * 60));
    assert.ok(
      decisions.some((d) => d.reasons.some((x) => x.id === "campaign.synchronised")),
      "the same accounts in step for 40 minutes are synchronised",
    );
  });
});

describe("bought accounts running a ring's tooling", () => {
  const IPHONE_UA =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
  /**
   * 300 customers; a ring of 16 new accounts (hydraAccounts: a creation burst, four shared cards,
   * browser user agents over one Python TLS stack, eight addresses each) that is enforced within its
   * first hour (five user agents each); from the third hour four aged, verified accounts (cards of
   * their own unless `latecomer` says otherwise), shaped by `latecomer` from a ring member's account. Returns, per latecomer, how many requests were served
   * before its first enforcement (all of them when never enforced).
   */
  function latecomers(
    seed: number,
    latecomer: (ring: FixtureAccount, k: number) => FixtureAccount,
    tag: (e: ExchangeEvent) => ExchangeEvent = (e) => e,
  ) {
    const r = rng(seed);
    // five browsers' user agents over the one stack (`lyingStack`)
    const ring = hydraAccounts(16, r).map((a) => ({ ...a, uas: [...a.uas, IPHONE_UA] }));
    const late = ring.slice(0, 4).map((a, k) => ({
      ...latecomer({ ...a, payment: `pay-late-${k}` }, k),
      id: `late-${k}`,
      createdAt: new Date(T0 - (300 + 40 * k) * 86_400_000).toISOString(),
      verified: true,
      email: "webmail.example",
      tier: "build",
      system: undefined,
      prompt: organicPrompt,
      every: 60,
    }));
    const events = byTime([
      ...legitAccounts(300, r).map((a) => accountEvents(a, T0, 30, r)),
      ...ring.map((a) => accountEvents(a, T0 + HOUR, 150, r)),
      ...late.map((a) => accountEvents(a, T0 + 3 * HOUR, 40, r)),
    ]).map(tag);
    const report = run(events);
    const ringEnforced = report.accounts.filter(
      (a) => a.account_id.startsWith("hydra-") && isEnforced(a.verdict),
    );
    assert.ok(ringEnforced.length >= 12, `seed ${seed}: the ring is enforced (${ringEnforced.length} of 16)`);
    return late.map((a) => {
      const flagged = report.accounts.find((x) => x.account_id === a.id)?.first_flagged_at ?? null;
      return events.filter((e) => e.account_id === a.id && (flagged === null || e.time < flagged)).length;
    });
  }
  it("enforces aged accounts that send the ring's forged client stacks from the ring's addresses within a few requests", () => {
    for (const seed of [1, 2, 3]) {
      const served = latecomers(seed, (ring) => ring);
      assert.ok(
        served.every((n) => n <= 8),
        `seed ${seed}: requests served before enforcement ${served.join(", ")}`,
      );
    }
  });
  it("leaves aged accounts with the ring's stacks on their own networks, or on the ring's addresses with an honest client or a stack that does not lie", () => {
    for (const seed of [1, 2, 3]) {
      // a company's TLS-terminating proxy running the same library, forwarding its users' browsers
      const ownNetwork = latecomers(seed, (ring, k) => ({
        ...ring,
        ips: [0, 1, 2, 3].map((j) => `198.18.${10 + k}.${20 + j}`),
      }));
      assert.deepEqual(ownNetwork, [40, 40, 40, 40], `seed ${seed}: own networks`);
      const honest = latecomers(seed, (ring, k) => ({
        ...ring,
        uas: [`anthropic-python/0.4${k}.0`],
      }));
      assert.deepEqual(honest, [40, 40, 40, 40], `seed ${seed}: honest client on the ring's addresses`);
      // four of the ring's five browsers, each a combination the ring holds: rotation under
      // `lyingStack` (five user agents over one stack), which the join asks for
      const four = latecomers(seed, (ring) => ({ ...ring, uas: ring.uas.slice(0, 4) }));
      assert.deepEqual(four, [40, 40, 40, 40], `seed ${seed}: four of the ring's user agents`);
    }
  });
  it("leaves aged accounts behind a multi-tenant relay the ring rents (the relay's stack and addresses are its other customers' too)", () => {
    // the ring's and the latecomers' addresses are one hosting provider's relay (two ASNs)
    const relay = (e: ExchangeEvent): ExchangeEvent =>
      e.client?.ip?.startsWith("203.0.")
        ? { ...e, client: { ...e.client, network: "datacenter", asn: 64500 + (e.client.ip.length % 2) } }
        : e;
    for (const seed of [1, 2, 3]) {
      assert.deepEqual(
        latecomers(seed, (ring) => ring, relay),
        [40, 40, 40, 40],
        `seed ${seed}: relayed`,
      );
    }
  });
  it("leaves aged accounts one card pays for (a business paying for several: a reseller's, before the relay test can tell)", () => {
    for (const seed of [1, 2, 3]) {
      const business = latecomers(seed, (ring) => ({ ...ring, payment: "pay-business" }));
      assert.deepEqual(business, [40, 40, 40, 40], `seed ${seed}: one card for the four`);
    }
  });
});
