import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Decision } from "../detect/index.js";
import { AlertManager } from "./manager.js";
import { type Alert, SIGNATURE_HEADER, signBody, verifySignature, WebhookDispatcher } from "./webhooks.js";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A local webhook receiver whose next answers are scripted. */
async function receiver(): Promise<{ url: string; server: Server; got: Received[]; answers: number[] }> {
  const got: Received[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server, got, answers };
}

function decision(over: Partial<Decision>): Decision {
  return {
    scope: "account",
    id: "a1",
    verdict: "block",
    previous: "allow",
    protect: false,
    timeMs: Date.parse("2026-02-01T00:00:00Z"),
    campaignId: "camp_1",
    reasons: [{ id: "campaign.shared_template", text: "shares a template with 20 accounts" }],
    ...over,
  };
}

const alert: Alert = {
  id: "alrt_1",
  kind: "campaign.detected",
  time: "2026-02-01T00:00:00.000Z",
  campaign_id: "camp_1",
  verdict: "block",
  previous_verdict: null,
  accounts: 3,
  reasons: ["shares a template"],
  link: null,
};

describe("webhook signatures", () => {
  it("verifies its own signatures and rejects tampering, wrong secrets and stale timestamps", () => {
    const now = 1_800_000_000;
    const h = signBody("s3cret", '{"a":1}', now);
    assert.ok(verifySignature("s3cret", '{"a":1}', h, now));
    assert.ok(!verifySignature("s3cret", '{"a":2}', h, now));
    assert.ok(!verifySignature("other", '{"a":1}', h, now));
    assert.ok(!verifySignature("s3cret", '{"a":1}', h, now + 3600));
    assert.ok(!verifySignature("s3cret", '{"a":1}', "garbage", now));
  });
});

describe("WebhookDispatcher", () => {
  let r: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    r = await receiver();
  });
  after(() => r.server.close());

  it("signs each delivery so the receiver can verify it", async () => {
    r.got.length = 0;
    const d = new WebhookDispatcher([{ url: r.url, secret: "hook-secret", format: "json" }]);
    d.send(alert);
    await d.idle();
    assert.equal(r.got.length, 1);
    const got = r.got[0]!;
    assert.deepEqual(JSON.parse(got.body), alert);
    assert.ok(
      verifySignature(
        "hook-secret",
        got.body,
        String(got.headers[SIGNATURE_HEADER]),
        Math.floor(Date.now() / 1000),
      ),
    );
    assert.equal(got.headers["x-distillguard-event-id"], "alrt_1");
  });

  it("retries 5xx and 429 with backoff, keeping the same event id, and stops at success", async () => {
    r.got.length = 0;
    r.answers.push(503, 429);
    const d = new WebhookDispatcher([{ url: r.url, secret: null, format: "json" }], {
      maxAttempts: 5,
      backoffMs: 20,
      timeoutMs: 2000,
    });
    d.send(alert);
    await d.idle();
    assert.equal(r.got.length, 3);
    assert.deepEqual(
      r.got.map((g) => g.headers["x-distillguard-attempt"]),
      ["1", "2", "3"],
    );
    assert.ok(r.got.every((g) => g.headers["x-distillguard-event-id"] === "alrt_1"));
    assert.deepEqual(
      { delivered: d.stats.delivered, retried: d.stats.retried, failed: d.stats.failed },
      {
        delivered: 1,
        retried: 2,
        failed: 0,
      },
    );
  });

  it("gives up on other 4xx at once and after max attempts on persistent failure", async () => {
    r.got.length = 0;
    r.answers.push(400);
    const d = new WebhookDispatcher([{ url: r.url, secret: null, format: "json" }], {
      maxAttempts: 3,
      backoffMs: 10,
      timeoutMs: 2000,
    });
    d.send(alert);
    await d.idle();
    assert.equal(r.got.length, 1);
    const dead = new WebhookDispatcher([{ url: "http://127.0.0.1:1/hook", secret: null, format: "json" }], {
      maxAttempts: 3,
      backoffMs: 10,
      timeoutMs: 500,
    });
    dead.send(alert);
    await dead.idle();
    assert.deepEqual({ sent: dead.stats.sent, failed: dead.stats.failed }, { sent: 3, failed: 1 });
  });

  it("posts Slack-compatible messages to slack targets", async () => {
    r.got.length = 0;
    const d = new WebhookDispatcher([{ url: r.url, secret: null, format: "slack" }]);
    d.send(alert);
    await d.idle();
    const body = JSON.parse(r.got[0]!.body) as { text: string };
    assert.match(body.text, /New distillation campaign camp_1/);
  });
});

describe("AlertManager", () => {
  it("announces a campaign once, then escalations and growth, never duplicates", () => {
    const out: Alert[] = [];
    const m = new AlertManager((a) => out.push(a), { minVerdict: "review", growthFactor: 2, growthMin: 2 });
    m.onDecision(decision({ id: "a1", verdict: "monitor" }));
    assert.equal(out.length, 0, "below the announce level");
    m.onDecision(decision({ id: "a2", verdict: "review" }));
    m.onDecision(decision({ id: "a2", verdict: "review" }));
    assert.deepEqual(
      out.map((a) => a.kind),
      ["campaign.detected"],
    );
    m.onDecision(decision({ id: "a3", verdict: "block" }));
    m.onDecision(decision({ id: "a3", verdict: "block" }));
    assert.deepEqual(
      out.map((a) => a.kind),
      ["campaign.detected", "campaign.escalated"],
    );
    assert.equal(out[1]!.previous_verdict, "review");
    for (const id of ["a4", "a5", "a6"]) m.onDecision(decision({ id, verdict: "block" }));
    assert.deepEqual(
      out.map((a) => a.kind),
      ["campaign.detected", "campaign.escalated", "campaign.grew"],
    );
    assert.equal(out[2]!.accounts, 4, "announced when membership doubled (2 → 4), not again at 5 or 6");
    // Flapping back down and up again does not repeat the escalation.
    m.onDecision(decision({ scope: "campaign", id: "camp_1", verdict: "throttle", campaignId: "camp_1" }));
    m.onDecision(decision({ scope: "campaign", id: "camp_1", verdict: "block", campaignId: "camp_1" }));
    assert.equal(out.length, 3);
  });
});
