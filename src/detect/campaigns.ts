/**
 * Campaign assessment: given the members of a linked cluster, decide whether it is covert
 * coordination (many identities acting as one) carrying distillation-shaped traffic, and how strong
 * the evidence is. A cluster that is one declared, verified organisation is legitimate coordination:
 * it can go to review, never to enforcement.
 */
import type { Reason, Verdict } from "../events/report.js";
import { CAP_COUNT, CAPABILITIES } from "./capabilities.js";
import type { DetectorConfig } from "./config.js";
import { KEY_TYPE_NAMES, KeyType } from "./keys.js";
import { clamp01, round } from "./math.js";
import type { AccountProfile } from "./profile.js";
import { accountEvidence } from "./scoring.js";

/** What the engine needs to judge a cluster, beyond its members. */
export interface CampaignContext {
  cfg: DetectorConfig;
  abused: Set<string>;
  /** Share of all traffic on models released less than a day before each request. */
  globalNewModelShare: number;
  /** Benign reference proportions for the two-sample test. */
  refCotRate: number;
  refTemplatedRate: number;
  /** Labels of keys, for indicators. */
  keyLabel(key: number): string;
  /** Holders above which a commodity key (mail domain, ASN) is common. */
  commonDf: number;
  /** Document frequency of a key. */
  keyDf(key: number): number;
  /** Whether a key is a forged client stack (signature.forgedStackKey): the ring's tooling, part of its identity core. */
  isForged?(key: number): boolean;
}

/** Running window state of one campaign for the two-sample test. */
export interface WindowState {
  n: number;
  cot: number;
  templated: number;
}

/** Result of judging one cluster. */
export interface Assessment {
  covert: boolean;
  declared: boolean;
  score: number;
  verdict: Verdict;
  protect: boolean;
  reasons: Reason[];
  capabilities: string[];
  indicators: Record<string, unknown>[];
  exchanges: number;
  /** Keys held by many members: new accounts holding enough of them join at once. */
  signature: number[];
  /** Networks most members rotate over, when the cluster shares a proxy footprint. */
  footprintAsns: number[];
  footprintPrefixes: string[];
  /** Most common age class of members (0 fresh, 1 between, 2 established). */
  ageClass: number;
  /** Share of (sampled) members that were fresh at their first request. */
  freshShare: number;
  /** Identity and content keys among the signature (not shared network infrastructure). */
  core: number[];
  cotRate: number;
}

const MAX_SAMPLE = 200;

/**
 * How many sampled members hold each key, counted by the key's bucket id in first-seen order (the
 * order a Map from key to count iterates in) without hashing 53-bit keys: the counts were a large
 * part of judging a cluster. One tally per use below, reused from one call to the next.
 */
class KeyTally {
  private counts = new Int32Array(1024);
  readonly keys: number[] = [];
  private readonly ids: number[] = [];

  clear(): void {
    for (const id of this.ids) this.counts[id] = 0;
    this.keys.length = 0;
    this.ids.length = 0;
  }

  add(id: number, key: number): void {
    if (id >= this.counts.length) {
      const grown = new Int32Array(Math.max(2 * this.counts.length, id + 1));
      grown.set(this.counts);
      this.counts = grown;
    }
    if (this.counts[id]!++ === 0) {
      this.keys.push(key);
      this.ids.push(id);
    }
  }

  /** Count of the i-th key in first-seen order. */
  count(i: number): number {
    return this.counts[this.ids[i]!]!;
  }
}

const keyTally = new KeyTally();
const sigTally = new KeyTally();
/** (template, window) tokens an account needs before its synchrony is measured. */
export const MIN_SYNC_TOKENS = 6;
/**
 * Time windows those tokens must span: synchrony is acting together again and again, not once. In
 * one window, accounts sending the same popular templates look alike whatever their timing: on the
 * full preset (seed 7) eleven developers and organisation members who opened the log with a popular
 * system prompt were "synchronised" (Jaccard 1) at its first minute and their cluster throttled.
 */
export const MIN_SYNC_WINDOWS = 3;

/** Whether an account's synchrony signature holds enough to be compared. */
export function syncMeasured(p: AccountProfile): boolean {
  return p.sync.count >= MIN_SYNC_TOKENS && p.syncWindows >= MIN_SYNC_WINDOWS;
}

/** Judges a cluster. `window` carries the test window between passes and is updated in place. */
export function assessCluster(
  members: AccountProfile[],
  ctx: CampaignContext,
  window: WindowState,
  prevTotals: WindowState,
): Assessment {
  const cfg = ctx.cfg;
  const w = cfg.weights;
  const size = members.length;
  const step = Math.max(1, Math.floor(size / MAX_SAMPLE));
  const sample: AccountProfile[] = [];
  for (let i = 0; i < size; i += step) sample.push(members[i]!);
  const m = sample.length;
  // identities and trust
  const orgCounts = new Map<string, number>();
  let verified = 0;
  let fresh = 0;
  let deceptionSum = 0;
  let freshVerifiedGain = 0;
  const keyCounts = keyTally;
  const sigCounts = sigTally;
  keyCounts.clear();
  sigCounts.clear();
  let sigMembers = 0;
  const caps = new Float64Array(CAP_COUNT);
  let newModel = 0;
  let sampleN = 0;
  let cascade = 0;
  const creation = new Map<number, number>();
  for (const p of sample) {
    const org = p.orgId ?? `acct:${p.id}`;
    orgCounts.set(org, (orgCounts.get(org) ?? 0) + 1);
    if (p.verified === true) verified++;
    const age = p.ageAtFirstUseDays();
    const isFresh = !Number.isNaN(age) && age < cfg.freshDays;
    if (isFresh) fresh++;
    const ev = accountEvidence(p, cfg, ctx.abused, false);
    const net = Math.max(0, ev.deception + ev.trust);
    deceptionSum += net;
    // what verification earned a fresh member (taken back below if the cluster is a fresh ring)
    if (isFresh && p.verified === true) {
      freshVerifiedGain += Math.max(0, ev.deception + ev.trust - cfg.weights.verified) - net;
    }
    // members of a declared, verified organisation never lend their keys to a signature
    const lends = !(p.orgId && p.verified === true);
    if (lends) sigMembers++;
    for (let i = 0; i < p.keys.length; i++) {
      const k = p.keys[i]!;
      if (p.keyTypes[i] === KeyType.org) continue;
      const id = p.keyIds[i]!;
      keyCounts.add(id, k);
      if (lends) sigCounts.add(id, k);
    }
    for (let i = 0; i < CAP_COUNT; i++) caps[i]! += p.caps[i]!;
    newModel += p.newModel;
    sampleN += p.n;
    if (p.flags.banCascade > 0) cascade++;
    if (!Number.isNaN(p.createdMs)) {
      const win = Math.floor(p.createdMs / (cfg.creationWindowMin * 60_000));
      creation.set(win, (creation.get(win) ?? 0) + 1);
    }
  }
  let totalN = 0;
  let totalCot = 0;
  let totalTemplated = 0;
  let totalShared = 0;
  for (const p of members) {
    totalN += p.n;
    totalCot += p.cot;
    totalTemplated += p.templated;
    totalShared += p.sharedTemplate;
  }
  let dominantOrg = 0;
  for (const c of orgCounts.values()) if (c > dominantOrg) dominantOrg = c;
  const identities = Math.round((orgCounts.size / m) * size);
  const declared = dominantOrg / m >= 0.8 && verified / m >= 0.8;
  const covert = !declared && identities >= 3 && dominantOrg / m < 0.5;
  // shared keys by type: best share of members per type
  const bestByType = new Array<{ key: number; share: number }>(KEY_TYPE_NAMES.length);
  for (let i = 0; i < keyCounts.keys.length; i++) {
    const k = keyCounts.keys[i]!;
    const c = keyCounts.count(i);
    const t = Math.floor(k / 2 ** 50);
    const share = c / m;
    const cur = bestByType[t];
    if (!cur || share > cur.share) bestByType[t] = { key: k, share };
  }
  const reasons: Reason[] = [];
  let score = 0;
  const add = (id: string, text: string, weight: number, ev: Record<string, unknown>) => {
    if (weight <= 0) return;
    score += weight;
    reasons.push({ id, text, weight: round(weight), evidence: ev });
  };
  if (covert) {
    add("campaign.covert_coordination", "Accounts of unrelated identities act as one cluster", 1, {
      accounts: size,
      identities,
    });
  }
  const sharedTemplate = totalShared / Math.max(1, totalN);
  const tpl = bestByType[KeyType.template];
  if (tpl && tpl.share >= 0.3) {
    add("campaign.shared_template", "Members send the same prompt template", 0.8 * tpl.share, {
      member_share: round(tpl.share),
      request_share: round(sharedTemplate),
      accounts_on_template: ctx.keyDf(tpl.key),
    });
  }
  // synchrony: MinHash agreement of (template, window) tokens between sampled members
  let syncSum = 0;
  let syncPairs = 0;
  for (let i = 0; i + 1 < m && syncPairs < 64; i++) {
    const a = sample[i]!.sync;
    const b = sample[i + 1]!.sync;
    if (!syncMeasured(sample[i]!) || !syncMeasured(sample[i + 1]!)) continue;
    syncSum += a.jaccard(b);
    syncPairs++;
  }
  const sync = syncPairs ? syncSum / syncPairs : 0;
  // shared proxy footprint: members rotate over many networks, and over the same ones
  let footSum = 0;
  let footPairs = 0;
  const jac = (a: readonly (string | number)[], b: readonly (string | number)[]) => {
    let both = 0;
    for (const x of a) if (b.includes(x)) both++;
    return both / (a.length + b.length - both);
  };
  for (let i = 0; i + 1 < m && footPairs < 64; i++) {
    const p = sample[i]!;
    const q = sample[i + 1]!;
    let j = -1;
    if (p.asns.values.length >= 4 && q.asns.values.length >= 4) j = jac(p.asns.values, q.asns.values);
    if (p.prefixes.values.length >= 4 && q.prefixes.values.length >= 4) {
      j = Math.max(j, jac(p.prefixes.values, q.prefixes.values));
    }
    if (j < 0) continue;
    footSum += j;
    footPairs++;
  }
  const footprint = footPairs >= Math.min(5, m / 2) ? footSum / footPairs : 0;
  const footprintAsns: number[] = [];
  const footprintPrefixes: string[] = [];
  const ages = [0, 0, 0];
  if (footprint >= 0.4) {
    const asnCount = new Map<number, number>();
    const pfxCount = new Map<string, number>();
    for (const p of sample) {
      for (const a of p.asns.values) asnCount.set(a, (asnCount.get(a) ?? 0) + 1);
      for (const a of p.prefixes.values) pfxCount.set(a, (pfxCount.get(a) ?? 0) + 1);
      const age = p.ageAtFirstUseDays();
      ages[Number.isNaN(age) ? 1 : age < cfg.freshDays ? 0 : age >= cfg.establishedDays ? 2 : 1]!++;
    }
    for (const [a, c] of asnCount) if (c / m >= 0.2) footprintAsns.push(a);
    for (const [a, c] of pfxCount) if (c / m >= 0.2) footprintPrefixes.push(a);
  }
  const ageClass = ages[0]! >= ages[2]! ? (ages[0]! >= ages[1]! ? 0 : 1) : ages[2]! >= ages[1]! ? 2 : 1;
  if (footprint >= 0.4) {
    add(
      "campaign.proxy_footprint",
      "Members rotate over the same set of networks",
      0.8 * clamp01((footprint - 0.2) / 0.5),
      {
        mean_asn_jaccard: round(footprint),
      },
    );
  }
  if (sync >= 0.15) {
    add(
      "campaign.synchronised",
      "Members act on the same templates in the same time windows",
      cfg.linkWeights.sync * clamp01((sync - 0.1) / 0.4),
      {
        mean_jaccard: round(sync),
      },
    );
  }
  const infra: Record<string, unknown> = {};
  let infraShare = 0;
  for (const t of [KeyType.tlsUa, KeyType.prefix, KeyType.payment, KeyType.asn, KeyType.email] as const) {
    const b = bestByType[t];
    if (b && b.share >= 0.3) {
      const df = ctx.keyDf(b.key);
      infra[KEY_TYPE_NAMES[t]] = {
        value: ctx.keyLabel(b.key),
        member_share: round(b.share),
        accounts_with_key: df,
      };
      // "owned" infrastructure: most holders of the key are in this cluster
      if (t !== KeyType.asn && t !== KeyType.email && df <= 2 * size + 5)
        infraShare = Math.max(infraShare, b.share);
    }
  }
  if (infraShare >= 0.3)
    add(
      "campaign.shared_infrastructure",
      "Members share network or payment infrastructure",
      0.5 * infraShare,
      infra,
    );
  let burst = 0;
  for (const c of creation.values()) if (c > burst) burst = c;
  const burstAccounts = Math.round((burst / m) * size);
  if (burstAccounts >= cfg.creationBurstMin && burst / m >= 0.2) {
    add(
      "campaign.creation_burst",
      "Members were created in a burst",
      w.creationBurst * clamp01(burst / m / 0.5),
      {
        accounts_in_window: burstAccounts,
        window_min: cfg.creationWindowMin,
      },
    );
  }
  // In a ring of new accounts of distinct identities, verification came with the accounts (bought or
  // farmed at scale): it earns its fresh members no trust.
  const ring = covert && fresh / m >= cfg.verdict.ringFreshShare;
  const meanDeception = (deceptionSum + (ring ? freshVerifiedGain : 0)) / m;
  if (meanDeception > 0.3) {
    add("campaign.member_deception", "Members carry deception evidence", Math.min(1.5, meanDeception), {
      mean_member_deception: round(meanDeception),
      fresh_share: round(fresh / m),
      verified_share: round(verified / m),
    });
  }
  const cotRate = totalCot / Math.max(1, totalN);
  const templatedRate = totalTemplated / Math.max(1, totalN);
  let shapeScore = 0;
  if (cotRate >= 0.3) shapeScore += w.cot * clamp01((cotRate - 0.2) / 0.5);
  if (templatedRate >= 0.4) shapeScore += w.templated * clamp01((templatedRate - 0.3) / 0.5);
  if (shapeScore > 0) {
    add("campaign.distillation_shape", "Cluster traffic is templated and elicits reasoning", shapeScore, {
      cot_rate: round(cotRate),
      templated_rate: round(templatedRate),
    });
  }
  // windowed two-sample test against the benign reference (mixed relays)
  window.n += totalN - prevTotals.n;
  window.cot += totalCot - prevTotals.cot;
  window.templated += totalTemplated - prevTotals.templated;
  prevTotals.n = totalN;
  prevTotals.cot = totalCot;
  prevTotals.templated = totalTemplated;
  let relay = false;
  if (window.n >= cfg.relayMinRequests) {
    const z = (rate: number, ref: number) => {
      const p0 = Math.min(0.99, Math.max(0.01, ref));
      return (rate - p0) / Math.sqrt((p0 * (1 - p0)) / window.n);
    };
    const zc = z(window.cot / window.n, ctx.refCotRate);
    const zt = z(window.templated / window.n, ctx.refTemplatedRate);
    const zmax = Math.max(zc, zt);
    const effect = Math.max(
      window.cot / window.n - ctx.refCotRate,
      window.templated / window.n - ctx.refTemplatedRate,
    );
    if (zmax >= cfg.relayZ && effect >= 0.15) {
      relay = true;
      add(
        "campaign.relay_two_sample",
        "Cluster traffic as a whole differs from benign reference traffic",
        w.relay * 0.5,
        {
          window_requests: window.n,
          z: round(zmax, 1),
          cot_rate: round(window.cot / window.n),
          ref_cot_rate: round(ctx.refCotRate),
          templated_rate: round(window.templated / window.n),
          ref_templated_rate: round(ctx.refTemplatedRate),
        },
      );
    }
    if (window.n >= 5000) {
      window.n = 0;
      window.cot = 0;
      window.templated = 0;
    }
  }
  const pivotShare = newModel / Math.max(1, sampleN);
  const pivot = pivotShare >= 0.15 && pivotShare >= cfg.releasePivotRatio * ctx.globalNewModelShare;
  if (pivot) {
    add(
      "campaign.release_pivot",
      "Cluster moved its traffic to a newly released model within a day",
      w.releasePivot,
      {
        new_model_share: round(pivotShare),
        population_share: round(ctx.globalNewModelShare),
      },
    );
  }
  if (cascade > 0) {
    add("campaign.ban_cascade", "Siblings' volume jumped after a member was banned", w.banCascade, {
      accounts_with_jump: Math.round((cascade / m) * size),
    });
  }
  const capabilities: string[] = [];
  for (let i = 0; i < CAP_COUNT; i++)
    if (caps[i]! / Math.max(1, sampleN) >= 0.2) capabilities.push(CAPABILITIES[i]!);
  // verdict
  const v = cfg.verdict;
  // Distillation-shaped traffic: reasoning / templated shape, the relay test against benign
  // reference traffic, synchrony on shared templates, or a release-day pivot. (A ban cascade is
  // coordination evidence, not content: a legitimate reseller's failover shows it too.)
  const ownedTemplate = tpl !== undefined && tpl.share >= 0.5 && ctx.keyDf(tpl.key) <= 2 * size + 5;
  const distillation =
    shapeScore > 0.5 || relay || (ownedTemplate && templatedRate >= 0.5) || sync >= 0.3 || pivot;
  // Enforcement needs coordination beyond a shared template (synchrony, owned infrastructure, a
  // creation burst, a ban cascade) or members' own deception; blocking needs both.
  const coordinated =
    sync >= 0.2 ||
    infraShare >= 0.5 ||
    footprint >= 0.4 ||
    burstAccounts >= cfg.creationBurstMin ||
    cascade > 0;
  const deceptive = meanDeception >= v.campaignDeception;
  // A ring of fresh or disguised identities with strong deception is enforceable whatever it asks;
  // otherwise the traffic itself must look like distillation.
  // Sign-up fraud: most members are fresh or were created in a burst. Rings of aged accounts (bought
  // accounts, or a reseller's pool) are judged by their traffic instead.
  const newIdentities = fresh / m >= 0.5 || burstAccounts >= cfg.creationBurstMin;
  const fraudRing = coordinated && newIdentities && meanDeception >= v.campaignStrongDeception;
  let verdict: Verdict = "allow";
  if (covert && coordinated && deceptive && (distillation || fraudRing) && score >= v.campaignBlock) {
    verdict = "block";
  } else if (
    covert &&
    // trusted members sharing networks (VPN exits) need deception or content coordination
    (deceptive || (coordinated && (sync >= 0.3 || ownedTemplate))) &&
    (distillation || fraudRing) &&
    score >= v.campaignThrottle
  ) {
    verdict = "throttle";
  } else if (declared) {
    if (shapeScore >= 1) verdict = "review";
  } else if (distillation && score >= v.campaignThrottle - 0.6) {
    verdict = "monitor";
  }
  if (declared) {
    reasons.push({
      id: "campaign.declared_org",
      text: "Cluster is one declared, verified organisation: coordination is open, not covert",
      evidence: { org_share: round(dominantOrg / m), verified_share: round(verified / m) },
    });
  }
  // signature: keys this cluster "owns" (held by several members, and most of their holders are
  // members); identity keys among them (cards, creation windows, mail domains, templates, a forged
  // client stack) form the core
  const signature: number[] = [];
  const core: number[] = [];
  const minHolders = Math.max(2, 0.02 * m);
  for (let i = 0; i < sigCounts.keys.length; i++) {
    const k = sigCounts.keys[i]!;
    const c = sigCounts.count(i);
    if (sigMembers < m / 2) break;
    if (c < minHolders) continue;
    const df = ctx.keyDf(k);
    if (df === 0 || ((c / m) * size) / df < 0.5) continue;
    // commodity keys (mail domains, networks) are never a signature, however many members hold them
    const kt = Math.floor(k / 2 ** 50);
    if ((kt === KeyType.email || kt === KeyType.asn) && df > ctx.commonDf) continue;
    signature.push(k);
    const t = Math.floor(k / 2 ** 50);
    if (
      t === KeyType.payment ||
      t === KeyType.creation ||
      t === KeyType.email ||
      t === KeyType.template ||
      (t === KeyType.tlsUa && ctx.isForged?.(k) === true)
    )
      core.push(k);
  }
  const indicators: Record<string, unknown>[] = [];
  for (const [name, val] of Object.entries(infra)) indicators.push({ type: name, ...(val as object) });
  if (tpl && tpl.share >= 0.3)
    indicators.push({ type: "template", value: ctx.keyLabel(tpl.key), member_share: round(tpl.share) });
  return {
    covert,
    declared,
    score: round(score),
    verdict,
    protect: (verdict === "block" || verdict === "throttle") && cotRate >= v.protectCotRate,
    reasons,
    capabilities,
    indicators,
    exchanges: totalN,
    signature,
    core,
    footprintAsns,
    footprintPrefixes,
    ageClass,
    freshShare: fresh / m,
    cotRate,
  };
}
