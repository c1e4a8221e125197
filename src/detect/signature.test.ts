import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultConfig } from "./config.js";
import { DetectionEngine } from "./engine.js";
import { accountEvents, byTime, hydraAccounts, legitAccounts, rng, T0 } from "./fixtures.js";
import { KeyType } from "./keys.js";
import { joinsSignature, paymentKey, prefixKey, requestKeys, tlsUaKey } from "./signature.js";

const cfg = defaultConfig();

describe("signature rule", () => {
  const owned = (set: number[]) => (k: number) => set.includes(k);
  const card = paymentKey("pm_1");
  const stack = tlsUaKey("t13d", "Mozilla/5.0");
  const net = [prefixKey("203.0.1.0/24"), prefixKey("203.0.2.0/24"), prefixKey("203.0.3.0/24")];

  it("needs identity plus infrastructure, or a whole network pool without identity", () => {
    const types = [KeyType.payment, KeyType.tlsUa];
    assert.equal(joinsSignature([card, stack], types, owned([card, stack]), cfg), true, "card + stack");
    assert.equal(joinsSignature([card, stack], types, owned([card]), cfg), false, "a card alone");
    assert.equal(joinsSignature([card, stack], types, owned([stack]), cfg), false, "a client stack alone");
    const pool = [...net, stack];
    const poolTypes = [KeyType.prefix, KeyType.prefix, KeyType.prefix, KeyType.tlsUa];
    assert.equal(
      joinsSignature(pool, poolTypes, owned(pool), cfg),
      true,
      "three owned prefixes and the stack",
    );
    assert.equal(joinsSignature(pool.slice(0, 1), poolTypes.slice(0, 1), owned(pool), cfg), false);
  });

  it("builds a request's keys as the engine builds them from the same event", () => {
    const k = requestKeys(
      {
        ip: "203.0.113.9",
        asn: 64500,
        tlsFingerprint: "t13d",
        userAgent: "Mozilla/5.0",
        paymentFingerprint: "pm_1",
        createdAt: "2026-02-01T00:10:00.000Z",
        emailDomain: "Mail.Example",
        orgId: null,
      },
      cfg,
    );
    assert.deepEqual(k.types, [
      KeyType.prefix,
      KeyType.asn,
      KeyType.tlsUa,
      KeyType.payment,
      KeyType.creation,
      KeyType.email,
    ]);
    assert.equal(k.keys[0], prefixKey("203.0.113.0/24"));
    assert.equal(k.keys[2], stack);
    assert.equal(k.keys[3], card);
    assert.deepEqual(requestKeys({}, cfg), { keys: [], types: [] });
  });

  it("matches a fresh account at the gateway only where the engine joins it too; card + client stack is enough", () => {
    const r = rng(21);
    const hydra = hydraAccounts(20, r);
    const start = T0 + 3_600_000;
    const engine = new DetectionEngine(cfg, { exportSignature: true });
    // enough customers that the hydra's shared keys are rare (under maxKeyShare of accounts), as in
    // a deployment: in a population of 60 its stack and template are too common to link on, and its
    // card groups are linked only by synchrony measured in its first window (no longer counted)
    for (const e of byTime([
      ...legitAccounts(700, r).map((a) => accountEvents(a, T0, 10, r)),
      ...hydra.map((a) => accountEvents(a, start, 150, r)),
    ]))
      engine.ingest(e);
    const owners = new Map(engine.drainSignature());
    assert.ok(owners.size > 0, "the hydra campaign is enforced and has a signature");
    assert.equal(engine.drainSignature().length, 0, "drained once");

    const last = Date.parse(
      engine
        .report()
        .accounts.map((a) => a.first_flagged_at ?? "")
        .sort()
        .at(-1)!,
    );
    // a hydra account whose card and client stack belong to the same enforced campaign (the fixture's
    // cluster can be enforced as two campaigns that later merge; each key has one owner)
    const base = hydra.find((h) => {
      const card = owners.get(paymentKey(h.payment));
      return card !== undefined && card === owners.get(tlsUaKey(h.tls, h.uas[0]!));
    });
    assert.ok(base, "some hydra card and client stack share an owner");
    const variants = [
      { id: "joiner", payment: base.payment, uas: base.uas, ips: base.ips }, // card + client stack
      { id: "card-only", payment: base.payment, uas: ["curl/8.5.0"], ips: ["198.51.100.7"] },
      { id: "stack-only", payment: "pay-someone-else", uas: base.uas, ips: ["198.51.100.8"] },
      { id: "stranger", payment: "pay-stranger", uas: ["curl/8.5.0"], ips: ["198.51.100.9"] },
    ];
    for (const v of variants) {
      const fresh = {
        ...base,
        ...v,
        createdAt: new Date(last - 600_000).toISOString(),
        email: "new.example",
      };
      const event = accountEvents(fresh, last + 60_000, 1, r)[0]!;
      const decisions = engine.ingest(event);
      const engineJoined = decisions.some(
        (d) => d.scope === "account" && d.id === v.id && d.verdict === "block",
      );
      const { keys, types } = requestKeys(
        {
          ip: event.client?.ip,
          tlsFingerprint: event.client?.tls_fingerprint,
          userAgent: event.client?.user_agent,
          paymentFingerprint: event.account?.payment_fingerprint,
          createdAt: event.account?.created_at,
          emailDomain: event.account?.email_domain,
          orgId: event.org_id,
        },
        cfg,
      );
      const gatewayJoined = keys.some(
        (k) => owners.has(k) && joinsSignature(keys, types, (x) => owners.get(x) === owners.get(k), cfg),
      );
      // the gateway sees a subset of the engine's keys (no prompt templates): it may miss a joiner
      // the engine catches, never the other way round
      if (gatewayJoined)
        assert.ok(engineJoined, `${v.id}: the gateway never joins what the engine would not`);
      assert.equal(
        gatewayJoined,
        v.id === "joiner",
        `${v.id}: joined at the gateway only with card and client stack`,
      );
      if (v.id === "joiner") assert.ok(engineJoined, "the engine joins it too");
    }
  });
});
