import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";
import { startTestGateway, type TestGateway } from "./helpers/gateway.js";

describe("admin API", () => {
  let mock: MockUpstream;
  let t: TestGateway;
  const admin = (path: string, init: RequestInit = {}, token = "admin-test-token") =>
    fetch(`${t.gw.url}/admin/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });

  before(async () => {
    mock = await startMockUpstream({});
    t = await startTestGateway({ upstreamUrl: mock.url });
  });
  after(async () => {
    await t.close();
    await mock.close();
  });

  it("refuses calls without the admin token", async () => {
    assert.equal((await admin("/orgs", {}, "wrong")).status, 401);
    assert.equal((await fetch(`${t.gw.url}/admin/v1/orgs`)).status, 401);
  });

  it("issues a key that works once, lists it without its secret, and revokes it", async () => {
    const org = (await (
      await admin("/orgs", { method: "POST", body: JSON.stringify({ name: "Acme" }) })
    ).json()) as { id: string };
    const acctRes = await admin("/accounts", {
      method: "POST",
      body: JSON.stringify({ org_id: org.id, tier: "scale", verified: true, payment_fingerprint: "pm_1" }),
    });
    assert.equal(acctRes.status, 201);
    const acct = (await acctRes.json()) as { id: string };
    const issued = (await (
      await admin(`/accounts/${acct.id}/keys`, { method: "POST", body: "{}" })
    ).json()) as {
      id: string;
      key: string;
    };
    assert.ok(issued.key.startsWith(issued.id));

    const call = () =>
      fetch(`${t.gw.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": issued.key },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 20,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
    assert.equal((await call()).status, 200);

    const listing = await (await admin("/keys")).text();
    assert.ok(listing.includes(issued.id));
    assert.ok(!listing.includes(issued.key), "secrets are never listed");
    assert.ok(!listing.includes('"hash"'), "hashes are never listed");
    const one = (await (await admin(`/accounts/${acct.id}`)).json()) as {
      keys: { id: string }[];
      org_id: string;
    };
    assert.equal(one.org_id, org.id);
    assert.deepEqual(
      one.keys.map((k) => k.id),
      [issued.id],
    );

    assert.equal((await admin(`/keys/${issued.id}`, { method: "DELETE" })).status, 200);
    assert.equal((await call()).status, 401);
  });

  it("rejects unknown fields and bad JSON with clear errors", async () => {
    const r = await admin("/accounts", { method: "POST", body: JSON.stringify({ tierr: "x" }) });
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { error: { message: string } }).error.message, /tierr/);
    assert.equal((await admin("/accounts", { method: "POST", body: "{" })).status, 400);
    assert.equal((await admin("/nope")).status, 404);
    const missing = await admin("/accounts", {
      method: "POST",
      body: JSON.stringify({ org_id: "org_missing" }),
    });
    assert.equal(missing.status, 400);
  });

  it("serves health and Prometheus metrics", async () => {
    const h = (await (await fetch(`${t.gw.url}/healthz`)).json()) as { status: string };
    assert.equal(h.status, "ok");
    const m = await (await fetch(`${t.gw.url}/metrics`)).text();
    assert.match(m, /^distillguard_requests_total \d+$/m);
    assert.match(m, /distillguard_exchange_duration_ms_bucket\{le="\+Inf"\} \d+/);
  });
});
