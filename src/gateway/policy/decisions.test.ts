import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DecisionChange, type DecisionInput, DecisionTable } from "./decisions.js";

const det = (action: DecisionInput["action"], extra: Partial<DecisionInput> = {}): DecisionInput => ({
  action,
  reasonCode: `det_${action}`,
  ref: "REF-1",
  source: "detector",
  ...extra,
});
const ana = (action: DecisionInput["action"], extra: Partial<DecisionInput> = {}): DecisionInput => ({
  action,
  reasonCode: `analyst_${action}`,
  ref: "REF-2",
  source: "analyst",
  ...extra,
});

describe("DecisionTable", () => {
  it("returns null for an account with no decision", () => {
    assert.equal(new DecisionTable().get("a", 0), null);
  });

  it("applies a campaign decision to every linked account, fresh ones included", () => {
    const t = new DecisionTable();
    t.setCampaign("c1", det("block"));
    assert.equal(t.get("new-acct", 0), null);
    t.link("new-acct", "c1");
    const d = t.get("new-acct", 0);
    assert.equal(d?.action, "block");
    assert.equal(d?.scope, "campaign");
    assert.equal(d?.campaignId, "c1");
  });

  it("takes the more severe of the detector's account and campaign decisions", () => {
    const t = new DecisionTable();
    t.setAccount("a", det("throttle", { campaignId: "c1" }));
    t.setCampaign("c1", det("review"));
    assert.equal(t.get("a", 0)?.action, "throttle");
    t.setCampaign("c1", det("block"));
    assert.equal(t.get("a", 0)?.action, "block");
  });

  it("an analyst allow-list entry beats a detector block, on the account or its campaign", () => {
    const t = new DecisionTable();
    t.setAccount("a", det("block", { campaignId: "c1" }));
    t.setCampaign("c1", det("block"));
    t.setAccount("a", ana("allow"));
    assert.equal(t.get("a", 0)?.action, "allow");
    assert.equal(t.get("a", 0)?.source, "analyst");
    t.clearAccount("a", "analyst");
    assert.equal(t.get("a", 0)?.action, "block");
    t.setCampaign("c1", ana("monitor"));
    assert.equal(t.get("a", 0)?.action, "monitor", "an analyst campaign decision beats detector ones");
  });

  it("an analyst account decision beats an analyst campaign decision", () => {
    const t = new DecisionTable();
    t.link("a", "c1");
    t.setCampaign("c1", ana("block"));
    t.setAccount("a", ana("allow"));
    assert.equal(t.get("a", 0)?.action, "allow");
    assert.equal(t.get("b", 0), null);
  });

  it("ignores expired decisions and falls back to the next one", () => {
    const t = new DecisionTable();
    t.setAccount("a", det("throttle"));
    t.setAccount("a", ana("allow", { until: 1_000 }));
    assert.equal(t.get("a", 999)?.action, "allow");
    assert.equal(t.get("a", 1_000)?.action, "throttle");
    t.setAccount("b", det("block", { until: 500 }));
    assert.equal(t.get("b", 500), null);
    assert.equal(t.sweep(1_000), 2);
    assert.deepEqual(t.size, { accounts: 1, campaigns: 0, links: 0 });
  });

  it("counts versions and notifies listeners of every change", () => {
    const t = new DecisionTable();
    const seen: DecisionChange[] = [];
    const off = t.onChange((c) => seen.push(c));
    const d = t.setAccount("a", det("block"));
    assert.equal(d.version, 1);
    assert.equal(t.version, 1);
    t.link("a", "c1");
    t.link("a", "c1"); // no change, no notification
    t.clearAccount("a");
    assert.equal(t.clearAccount("a"), false);
    assert.deepEqual(
      seen.map((c) => [c.kind, c.id, c.source, c.version]),
      [
        ["account", "a", "detector", 1],
        ["link", "a", null, 2],
        ["account", "a", "detector", 3],
      ],
    );
    off();
    t.setCampaign("c1", det("block"));
    assert.equal(seen.length, 3);
    assert.equal(t.version, 4);
  });
});
