import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseGatewayConfig } from "./config.js";
import { anthropic } from "./dialects/anthropic.js";
import { openai } from "./dialects/openai.js";
import type { Admission, AdmitContext, Refusal } from "./guard.js";
import type { Account, KeyRecord, Org } from "./keys/store.js";
import { DecisionTable, ManualClock, MemoryLimiterStore, RateLimiter } from "./policy/index.js";
import { PolicyGuard } from "./policy-guard.js";

function setup(policy: Record<string, unknown> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const cfg = parseGatewayConfig({
    policy: {
      denied_countries: ["KP"],
      account_limits: { default: { requests_per_minute: 5, tokens_per_minute: 10_000, concurrency: 2 } },
      key_limits: { requests_per_minute: 100, tokens_per_minute: 1_000_000, concurrency: 100 },
      org_limits: { requests_per_minute: 1000, tokens_per_minute: 10_000_000, concurrency: 1000 },
      ...policy,
    },
  });
  const decisions = new DecisionTable();
  const guard = new PolicyGuard(cfg.policy, decisions, new RateLimiter(new MemoryLimiterStore(), clock), () =>
    clock.now(),
  );
  return { clock, guard, decisions };
}

const account: Account = { id: "acct_1", org_id: "org_1", created_at: "2026-01-01T00:00:00Z", tier: "build" };
const org: Org = { id: "org_1", name: "o", created_at: "2026-01-01T00:00:00Z" };
const key: KeyRecord = {
  id: "dg-aaaaaaaaaaaa",
  account_id: "acct_1",
  name: null,
  hash: "h",
  created_at: "",
  revoked_at: null,
};

function ctx(over: Partial<AdmitContext> = {}): AdmitContext {
  return {
    dialect: anthropic,
    key,
    account,
    org,
    client: { ip: "1.2.3.4" },
    model: "m",
    reservedTokens: 100,
    wantsReasoning: false,
    ...over,
  };
}

function refused(r: Admission | Refusal): Refusal {
  assert.equal(r.ok, false);
  return r as Refusal;
}

describe("PolicyGuard", () => {
  it("refuses denied countries before anything else", () => {
    const { guard } = setup();
    assert.equal(guard.precheck(anthropic, { country: "KP" })?.code, "DG_REGION_DENIED");
    assert.equal(guard.precheck(anthropic, { country: "FR" }), null);
    assert.equal(guard.precheck(anthropic, {}), null);
  });

  it("limits requests per minute with rate-limit headers and an exact retry-after", () => {
    const { guard, clock } = setup();
    for (let i = 0; i < 5; i++) {
      const a = guard.admit(ctx());
      assert.ok(a.ok, `request ${i + 1} is within the limit`);
      if (a.ok) a.settle(100);
      assert.equal(a.headers["anthropic-ratelimit-requests-limit"], "5");
    }
    const r = refused(guard.admit(ctx()));
    assert.equal(r.error.code, "DG_RATE_LIMITED");
    assert.equal(r.error.status, 429);
    assert.ok(Number(r.headers["retry-after"]) >= 1);
    const waitMs = Number(r.headers["retry-after-ms"]);
    clock.advance(waitMs - 1);
    assert.equal(guard.admit(ctx()).ok, false, "still limited 1 ms before retry-after");
    clock.advance(1);
    assert.equal(guard.admit(ctx()).ok, true, "allowed at retry-after");
  });

  it("uses OpenAI's header names for OpenAI requests", () => {
    const { guard } = setup();
    const a = guard.admit(ctx({ dialect: openai }));
    assert.equal(a.headers["x-ratelimit-limit-requests"], "5");
    assert.ok("x-ratelimit-remaining-tokens" in a.headers);
  });

  it("reserves tokens up front and refunds unused ones on settle", () => {
    const { guard } = setup();
    const a = guard.admit(ctx({ reservedTokens: 9000 }));
    assert.ok(a.ok);
    assert.equal(refused(guard.admit(ctx({ reservedTokens: 2000 }))).error.code, "DG_RATE_LIMITED");
    if (a.ok) a.settle(500);
    assert.equal(guard.admit(ctx({ reservedTokens: 2000 })).ok, true, "the refund made room");
  });

  it("caps concurrency and frees the slot on settle, once", () => {
    const { guard } = setup();
    const a = guard.admit(ctx());
    const b = guard.admit(ctx());
    assert.ok(a.ok && b.ok);
    assert.equal(refused(guard.admit(ctx())).error.code, "DG_CONCURRENCY_LIMITED");
    if (a.ok) {
      a.settle(null);
      a.settle(null);
    }
    const c = guard.admit(ctx());
    assert.ok(c.ok);
    assert.equal(
      refused(guard.admit(ctx())).error.code,
      "DG_CONCURRENCY_LIMITED",
      "a double settle frees one slot only",
    );
  });

  it("applies block, throttle and protect decisions, and analyst allow-listing wins", () => {
    const { guard, decisions } = setup();
    decisions.setAccount("acct_1", {
      action: "block",
      reasonCode: "hydra",
      ref: "DG-REF-1",
      source: "detector",
    });
    const r = refused(guard.admit(ctx()));
    assert.equal(r.error.code, "DG_ACCOUNT_BLOCKED");
    assert.equal(r.error.status, 403);
    assert.match(r.error.message, /DG-REF-1/);
    assert.ok(!/hydra/.test(r.error.message), "the evidence is never shown to the client");

    decisions.setAccount("acct_1", {
      action: "allow",
      reasonCode: "analyst_ok",
      ref: "r",
      source: "analyst",
    });
    const allowed = guard.admit(ctx());
    assert.ok(allowed.ok);
    allowed.settle(null);

    decisions.clearAccount("acct_1");
    decisions.setAccount("acct_1", {
      action: "throttle",
      reasonCode: "t",
      ref: "r",
      source: "detector",
      rateFactor: 0.2,
    });
    const t = guard.admit(ctx());
    assert.equal(t.headers["anthropic-ratelimit-requests-limit"], "1", "5 rpm × 0.2");
    if (t.ok) t.settle(null);
    if (t.ok) t.settle(null);

    decisions.clearAccount("acct_1");
    decisions.setAccount("acct_1", { action: "protect", reasonCode: "p", ref: "r", source: "detector" });
    const p = guard.admit(
      ctx({ account: { ...account, id: "acct_1" }, key: { ...key, id: "dg-bbbbbbbbbbbb" } }),
    );
    assert.ok(p.ok && p.protect);
  });

  it("catches a fresh account linked to a blocked campaign on its first request", () => {
    const { guard, decisions } = setup();
    decisions.setCampaign("camp_1", {
      action: "block",
      reasonCode: "hydra",
      ref: "DG-C1",
      source: "detector",
    });
    decisions.link("acct_new", "camp_1");
    const fresh = { ...account, id: "acct_new" };
    assert.equal(refused(guard.admit(ctx({ account: fresh }))).error.code, "DG_ACCOUNT_BLOCKED");
  });
});
