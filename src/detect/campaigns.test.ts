import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assessCluster, type CampaignContext } from "./campaigns.js";
import { defaultConfig } from "./config.js";
import { extractFeatures } from "./features.js";
import { accountEvents, type FixtureAccount, hydraAccounts, rng, T0 } from "./fixtures.js";
import { AccountProfile } from "./profile.js";

const DAY = 86_400_000;

function context(): CampaignContext {
  const cfg = defaultConfig();
  return {
    cfg,
    abused: new Set(cfg.abusedTiers),
    globalNewModelShare: 0,
    refCotRate: 0.1,
    refTemplatedRate: 0.3,
    keyLabel: () => "",
    keyDf: () => 0,
    commonDf: 15,
  };
}

/** Profiles of eight accounts of distinct identities on one relay, created `ageDays` before use. */
function ring(seed: number, verified: boolean, ageDays: number): AccountProfile[] {
  const r = rng(seed);
  return hydraAccounts(8, r, "ring").map((a: FixtureAccount, i) => {
    const acct: FixtureAccount = {
      ...a,
      verified,
      payment: `pay-own-${i}`,
      tier: "build",
      createdAt: new Date(T0 - ageDays * DAY + i * 3_600_000).toISOString(),
    };
    const p = new AccountProfile(acct.id, i);
    for (const e of accountEvents(acct, T0 + DAY, 40, r)) p.update(extractFeatures(e), false, false);
    return p;
  });
}

function meanDeception(members: AccountProfile[]): number {
  const a = assessCluster(members, context(), { n: 0, cot: 0, templated: 0 }, { n: 0, cot: 0, templated: 0 });
  const r = a.reasons.find((x) => x.id === "campaign.member_deception");
  return r ? Number((r.evidence as { mean_member_deception: number }).mean_member_deception) : 0;
}

describe("assessCluster", () => {
  const w = defaultConfig().weights;
  for (const seed of [1, 2, 3]) {
    it(`gives the fresh members of a covert ring no trust for being verified (seed ${seed})`, () => {
      const verified = meanDeception(ring(seed, true, 2));
      const unverified = meanDeception(ring(seed, false, 2));
      // unverified members carry the `unverified` weight on top; verified ones lose nothing to trust
      assert.ok(verified > 0.3, String(verified));
      assert.ok(Math.abs(unverified - verified - w.unverified) < 0.01, `${verified} vs ${unverified}`);
    });

    it(`still counts verification for a ring of established accounts (seed ${seed})`, () => {
      const verified = meanDeception(ring(seed, true, 400));
      const unverified = meanDeception(ring(seed, false, 400));
      assert.ok(unverified - verified > w.unverified + 0.1, `${verified} vs ${unverified}`);
    });
  }
});
