/**
 * A fresh account of an enforced campaign is refused on its very first request: the live detector
 * mirrors the campaigns' signatures to the gateway, which matches a request's client and account
 * attributes against them before serving it. Real runtime (gateway, mock upstream, live detector),
 * official SDK over HTTP; the campaign's history is fixture traffic fed to the detector.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import Anthropic from "@anthropic-ai/sdk";
import { accountEvents, byTime, hydraAccounts, legitAccounts, rng, T0 } from "../src/detect/fixtures.js";
import { parseDetectorConfig } from "../src/detect/index.js";
import { parseGatewayConfig } from "../src/gateway/config.js";
import { type Runtime, startRuntime } from "../src/gateway/runtime.js";
import { tempDir } from "./helpers/tmp.js";

const LIMITS = { requests_per_minute: 100_000, tokens_per_minute: 1e9, concurrency: 64 };
const r = rng(5);
// 12 accounts: the hydra's shared keys (client stacks, creation window, wrapper template) stay under
// maxKeyShare of the 500-account rarity floor, as a hydra's would among a deployment's accounts (20
// of this log's 50 accounts made them common keys, linked only through a template-share bug)
const hydra = hydraAccounts(12, r);
const TLS = hydra[0]!.tls;
const BROWSER = hydra[0]!.uas[0]!;
let rt: Runtime;

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end && !cond()) await sleep(25);
  return cond();
}

/** A new gateway account and an SDK client that arrives from `ip` with the given client stack. */
function fresh(payment: string, ip: string, userAgent: string) {
  const acct = rt.gateway.keys.createAccount({ tier: "education", payment_fingerprint: payment });
  const { secret } = rt.gateway.keys.createKey(acct.id);
  const client = new Anthropic({
    apiKey: secret,
    baseURL: rt.gateway.url,
    maxRetries: 0,
    defaultHeaders: { "x-forwarded-for": ip, "x-client-tls-fingerprint": TLS, "user-agent": userAgent },
  });
  const ask = () =>
    client.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 32, messages: [{ role: "user", content: "hi" }] })
      .then(
        () => 200,
        (err: { status?: number; message: string }) => ({ status: err.status, message: err.message }),
      );
  return { id: acct.id, ask };
}

before(async () => {
  const cfg = parseGatewayConfig({
    state_dir: tempDir("dg-first-"),
    listen: { host: "127.0.0.1", port: 0 },
    edge: {
      trusted_proxies: ["loopback"],
      tls_fingerprint_header: "x-client-tls-fingerprint",
      ip_database: false,
    },
    policy: { account_limits: { default: LIMITS }, key_limits: LIMITS, org_limits: LIMITS },
  });
  rt = await startRuntime(cfg, {
    mock: {},
    adminToken: null,
    detector: { config: parseDetectorConfig({ passIntervalSec: 1 }) },
  });
  // the campaign's history: a 12-account hydra beside ordinary customers, ending now
  const lists = [
    ...legitAccounts(30, r).map((a) => accountEvents(a, T0, 40, r)),
    ...hydra.map((a) => accountEvents(a, T0 + 3_600_000, 150, r)),
  ];
  const events = byTime(lists);
  const shift = Date.now() - Date.parse(events.at(-1)!.time);
  for (const e of events) {
    const moved = { ...e, time: new Date(Date.parse(e.time) + shift).toISOString() };
    rt.detector!.onEvent(moved, JSON.stringify(e.request));
  }
  const blocked = (id: string) => rt.decisions.get(id, Date.now())?.action === "block";
  assert.ok(
    await until(() => hydra.every((h) => blocked(h.id)) && rt.detector!.stats().signatureKeys > 0, 20_000),
    "the detector enforces the hydra campaign and sends its signature",
  );
});
after(() => rt.close());

describe("first request of a fresh account of an enforced campaign", () => {
  it("is refused with 403 before it reaches the upstream when card and client stack match", async () => {
    const upstreamBefore = rt.mock!.stats().requests;
    // one fresh account per hydra card, each from a new address with the hydra's client stack
    const results = [];
    for (const [i, card] of [...new Set(hydra.map((h) => h.payment))].entries()) {
      const c = fresh(card, `198.51.100.${10 + i}`, BROWSER);
      results.push({ card, id: c.id, first: await c.ask() });
    }
    const refused = results.filter((x) => typeof x.first === "object" && x.first.status === 403);
    assert.ok(
      refused.length >= 1,
      `some hydra card is caught on its first request: ${JSON.stringify(results)}`,
    );
    for (const x of refused) {
      assert.match((x.first as { message: string }).message, /suspended/);
      assert.ok(rt.decisions.campaignOf(x.id), "the gateway linked the account to the campaign");
    }
    assert.ok(rt.detector!.stats().signatureJoins >= refused.length);
    assert.equal(
      rt.mock!.stats().requests - upstreamBefore,
      results.length - refused.length,
      "refused first requests never reached the upstream",
    );
  });

  it("serves a fresh account that shares only the client stack, or only the card", async () => {
    const stackOnly = fresh("pay-someone-new", "198.51.100.40", BROWSER);
    assert.equal(await stackOnly.ask(), 200);
    const cardOnly = fresh(hydra[0]!.payment, "198.51.100.41", "my-internal-tool/2.3");
    assert.equal(await cardOnly.ask(), 200);
    assert.equal(rt.decisions.campaignOf(stackOnly.id), undefined);
    assert.equal(rt.decisions.campaignOf(cardOnly.id), undefined);
  });
});
