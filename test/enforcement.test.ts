/**
 * Enforcement at the gateway, through the official SDKs: block, throttle, protect, warn notices,
 * campaign decisions reaching fresh accounts, and reversal. Decisions are set in the gateway's
 * decision table directly (as the detector or an analyst would); detection itself is tested elsewhere.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { parseGatewayConfig } from "../src/gateway/config.js";
import { type Runtime, startRuntime } from "../src/gateway/runtime.js";
import { tempDir } from "./helpers/tmp.js";

let rt: Runtime;
const MSG = {
  model: "claude-sonnet-4-5",
  max_tokens: 64,
  messages: [{ role: "user" as const, content: "hello" }],
};

function customer(tier = "build") {
  const acct = rt.gateway.keys.createAccount({ tier });
  const { secret } = rt.gateway.keys.createKey(acct.id);
  return {
    id: acct.id,
    secret,
    anthropic: new Anthropic({ apiKey: secret, baseURL: rt.gateway.url, maxRetries: 0 }),
    openai: new OpenAI({ apiKey: secret, baseURL: `${rt.gateway.url}/v1`, maxRetries: 0 }),
  };
}

async function failure(
  p: Promise<unknown>,
): Promise<{ cls: string; status?: number; message: string; headers?: Headers }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { status?: number; headers?: Headers };
    return { cls: e.constructor.name, status: e.status, message: e.message, headers: e.headers };
  }
  return { cls: "none", message: "" };
}

before(async () => {
  const cfg = parseGatewayConfig({
    state_dir: tempDir("dg-enf-"),
    listen: { port: 0 },
    edge: { ip_database: false },
    policy: {
      account_limits: {
        default: { requests_per_minute: 100, tokens_per_minute: 1_000_000, concurrency: 20 },
      },
    },
  });
  rt = await startRuntime(cfg, { mock: {}, detector: false, adminToken: null });
});
after(() => rt.close());

describe("enforcement at the gateway", () => {
  it("block: 403 in each SDK's class with a support reference and no evidence; reversible", async () => {
    const c = customer();
    assert.equal((await c.anthropic.messages.create(MSG)).type, "message");
    rt.decisions.setAccount(c.id, {
      action: "block",
      reasonCode: "campaign.shared_template",
      ref: "DG-TEST1",
      source: "detector",
    });
    const a = await failure(c.anthropic.messages.create(MSG));
    assert.equal(a.cls, "PermissionDeniedError");
    assert.match(a.message, /DG-TEST1/);
    assert.ok(!a.message.includes("shared_template"), "the evidence never reaches the client");
    const o = await failure(
      c.openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }),
    );
    assert.equal(o.cls, "PermissionDeniedError");
    rt.decisions.clearAccount(c.id);
    assert.equal((await c.anthropic.messages.create(MSG)).type, "message", "unblocking restores service");
  });

  it("an analyst allow-list entry beats a detector block", async () => {
    const c = customer();
    rt.decisions.setAccount(c.id, { action: "block", reasonCode: "x", ref: "DG-X", source: "detector" });
    rt.decisions.setAccount(c.id, {
      action: "allow",
      reasonCode: "verified_customer",
      ref: "DG-Y",
      source: "analyst",
    });
    assert.equal((await c.anthropic.messages.create(MSG)).type, "message");
  });

  it("a campaign block reaches a fresh account on its very first request", async () => {
    rt.decisions.setCampaign("camp_test", {
      action: "block",
      reasonCode: "hydra",
      ref: "DG-CAMP",
      source: "analyst",
    });
    const fresh = customer("education");
    rt.decisions.link(fresh.id, "camp_test");
    const r = await failure(fresh.anthropic.messages.create(MSG));
    assert.equal(r.status, 403);
    assert.match(r.message, /DG-CAMP/);
  });

  it("throttle: tighter limits, then 429 RateLimitError with retry-after, plus a warning and a notice", async () => {
    const c = customer();
    rt.decisions.setAccount(c.id, {
      action: "throttle",
      reasonCode: "t",
      ref: "DG-THR",
      source: "detector",
      rateFactor: 0.03,
    });
    const first = await c.anthropic.messages.create(MSG).withResponse();
    assert.equal(first.response.headers.get("anthropic-ratelimit-requests-limit"), "3", "100 rpm × 0.03");
    assert.match(first.response.headers.get("x-distillguard-warning") ?? "", /throttled/);
    await c.anthropic.messages.create(MSG);
    await c.anthropic.messages.create(MSG);
    const limited = await failure(c.anthropic.messages.create(MSG));
    assert.equal(limited.cls, "RateLimitError");
    assert.ok(Number(limited.headers?.get("retry-after")) >= 1);
    const notices = (await (
      await fetch(`${rt.gateway.url}/distillguard/v1/notices`, { headers: { "x-api-key": c.secret } })
    ).json()) as { data: { kind: string; ref: string }[] };
    assert.deepEqual(
      notices.data.map((n) => [n.kind, n.ref]),
      [["throttled", "DG-THR"]],
    );
    const anon = await fetch(`${rt.gateway.url}/distillguard/v1/notices`);
    assert.equal(anon.status, 401);
  });

  it("protect: extended thinking is stripped before the upstream sees it", async () => {
    const c = customer();
    rt.decisions.setAccount(c.id, {
      action: "protect",
      reasonCode: "cot",
      ref: "DG-PRO",
      source: "detector",
    });
    const res = await c.anthropic.messages
      .create({ ...MSG, max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1024 } })
      .withResponse();
    assert.ok(!res.data.content.some((b) => b.type === "thinking"), "no thinking block comes back");
    const upstreamSaw = JSON.parse(rt.mock!.lastRequest()!.body.toString("utf8")) as Record<string, unknown>;
    assert.equal(upstreamSaw.thinking, undefined);
    assert.equal(upstreamSaw.model, MSG.model);
    assert.match(res.response.headers.get("x-distillguard-notice") ?? "", /reasoning withheld/);
    const o = await c.openai.chat.completions.create({
      model: "o4-mini",
      reasoning_effort: "high",
      messages: [{ role: "user", content: "think" }],
    });
    assert.ok(o.choices[0]);
    assert.equal(
      (JSON.parse(rt.mock!.lastRequest()!.body.toString("utf8")) as Record<string, unknown>).reasoning_effort,
      undefined,
    );
  });
});
