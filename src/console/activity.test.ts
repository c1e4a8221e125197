import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExchangeEvent } from "../events/types.js";
import { Activity, BUCKET_MS } from "./activity.js";

const T = Date.parse("2026-03-01T10:00:00.000Z");

function ev(account: string, ms: number, status = 200, extra: Partial<ExchangeEvent> = {}): ExchangeEvent {
  return {
    id: `${account}-${ms}`,
    time: new Date(ms).toISOString(),
    account_id: account,
    org_id: null,
    api: "anthropic.messages",
    request: { model: "m1", system: "S", messages: [{ role: "user", content: `prompt at ${ms}` }] },
    response: {
      status,
      input_tokens: 10,
      output_tokens: 20,
      ...(status === 403 ? { error_code: "DG_ACCOUNT_BLOCKED" } : {}),
    },
    client: { ip: "203.0.113.9", user_agent: "ua/1" },
    account: { payment_fingerprint: "pay-1" },
    ...extra,
  };
}

describe("console activity", () => {
  it("counts outcomes in 10-second buckets and merges them on request", () => {
    const a = new Activity({ keepSamples: false });
    a.onEvent(ev("x", T));
    a.onEvent(ev("x", T + 1000, 403));
    a.onEvent(ev("x", T + BUCKET_MS, 429));
    a.onEvent(ev("y", T + BUCKET_MS + 5, 400));
    a.onEvent(ev("y", T + 2 * BUCKET_MS + 5, 502));
    const s = a.series(T);
    assert.deepEqual(
      s.map((b) => [b.t - T, b.requests, b.ok, b.blocked, b.limited, b.client_errors, b.server_errors]),
      [
        [0, 2, 1, 1, 0, 0, 0],
        [BUCKET_MS, 2, 0, 0, 1, 1, 0],
        [2 * BUCKET_MS, 1, 0, 0, 0, 0, 1],
      ],
    );
    const merged = a.series(T, 3);
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.requests, 5);
    assert.equal(a.series(T + BUCKET_MS).length, 2, "older buckets are left out");
  });

  it("keeps a bounded ring and a bounded set of accounts (least recently active dropped)", () => {
    const a = new Activity({ keepSamples: false, ringSize: 3, maxAccounts: 2 });
    ["acct-0", "acct-1", "acct-0", "acct-2", "acct-2"].forEach((id, i) => {
      a.onEvent(ev(id, T + i * BUCKET_MS));
    });
    assert.equal(a.series(0).length, 3);
    assert.equal(a.stats.accounts, 2);
    assert.equal(a.account("acct-1"), null, "acct-1 was the least recently active");
    assert.ok(a.account("acct-0"));
    assert.ok(a.account("acct-2"));
  });

  it("profiles an account's link attributes, and keeps prompts only when retention allows", () => {
    const none = new Activity({ keepSamples: false });
    const full = new Activity({ keepSamples: true });
    for (let i = 0; i < 7; i++) {
      none.onEvent(ev("x", T + i));
      full.onEvent(ev("x", T + i));
    }
    const p = none.account("x")!;
    assert.equal(p.requests, 7);
    assert.deepEqual(p.attrs.payment, ["pay-1"]);
    assert.deepEqual(p.attrs.ip_prefix, ["203.0.113.0/24"]);
    assert.equal(p.attrs.template.length, 1);
    assert.deepEqual(p.series, [[T, 7, 0]]);
    assert.deepEqual(p.samples, []);
    const samples = full.account("x")!.samples;
    assert.equal(samples.length, 5, "the last five");
    assert.equal(samples.at(-1)!.text, `prompt at ${T + 6}`);
  });
});
