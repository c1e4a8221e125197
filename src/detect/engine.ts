/**
 * The detection engine: one object used the same way in batch (`distillguard analyze`) and live (the
 * gateway). `ingest` folds one event into per-account state and returns the verdict changes it
 * causes; `tick` runs the periodic cross-account passes (linking, campaigns, ban cascades); `report`
 * writes the detection report. Time is event time in batch and wall time live; nothing ever looks
 * ahead, so a verdict's time is exactly when the gateway would have acted.
 */
import type { AccountVerdict, CampaignReport, DetectionReport, Reason, Verdict } from "../events/report.js";
import { isEnforced, VERDICT_ORDER } from "../events/report.js";
import type { ExchangeEvent } from "../events/types.js";
import {
  type Assessment,
  assessCluster,
  type CampaignContext,
  syncMeasured,
  type WindowState,
} from "./campaigns.js";
import { CAP_COUNT } from "./capabilities.js";
import { type Group, type Link, splitMembers } from "./communities.js";
import { type DetectorConfig, defaultConfig } from "./config.js";
import { extractFeatures, type RequestFeatures } from "./features.js";
import { mix2 } from "./hash.js";
import { type Bucket, KeyIndex, KeyType, type KeyTypeId, keyOfHash } from "./keys.js";
import { type NetworkLookup, RUNTIMES, uaRuntime } from "./network.js";
import { AccountProfile, NetChange, SLOT_MS } from "./profile.js";
import { type AccountEvidence, accountEvidence, individualVerdict, isRelayed } from "./scoring.js";
import {
  asnKey,
  creationKey,
  creationWindow,
  emailKey,
  forgedStackKey,
  joinsSignature,
  orgKey,
  paymentKey,
  prefixKey,
  tlsUaKey,
  typeWeight,
} from "./signature.js";

/** A verdict change, at account or campaign level. */
export interface Decision {
  scope: "account" | "campaign";
  /** Account id or campaign id. */
  id: string;
  verdict: Verdict;
  previous: Verdict;
  protect: boolean;
  timeMs: number;
  campaignId: string | null;
  reasons: Reason[];
}

interface CampaignState {
  id: string;
  root: number;
  firstSeenMs: number;
  detectedMs: number;
  assessment: Assessment | null;
  verdict: Verdict;
  window: WindowState;
  totals: WindowState;
  size: number;
  lastPass: number;
  /** The cluster's exchange count when it was last judged. */
  lastN: number;
  /** The cluster's count of member evidence changes when it was last judged. */
  lastEvidence: number;
  /** Identity / content keys owned by the campaign (see campaigns.ts). */
  core: Set<number>;
  /** For a campaign split off a cluster: the cluster's campaign, and the members (account indexes). */
  parent: string | null;
  members: number[];
  /** Cluster size at the last split attempt (a cluster's own campaign). */
  splitSize: number;
}

const MAX_KEYS = 64;
const MAX_TEMPLATE_KEYS = 12;
const MAX_PER_TYPE = 16;
const DAY = 86_400_000;
const rank = (v: Verdict) => VERDICT_ORDER.indexOf(v);
const BROWSER = /^browser-/;
const NO_JOIN = (): void => {};

/** Share of an account's requests on a template key (system-prompt keys count as all requests). */
/** What a judged cluster has gained since it was last judged (see `dueForJudging`). */
export interface SinceJudged {
  passesSince: number;
  enforced: boolean;
  members: number;
  judgedMembers: number;
  /** Exchanges of the cluster, now and when last judged. */
  exchanges: number;
  judgedExchanges: number;
  /** Count of member evidence-level changes, now and when last judged. */
  evidenceChanges: number;
  judgedEvidenceChanges: number;
}

/**
 * Whether a cluster judged before is judged again in this pass: at once when it gained a tenth more
 * members; an unenforced one every 5 passes once its traffic grew by a tenth or a member's own
 * evidence moved; otherwise every 60 passes.
 */
export function dueForJudging(s: SinceJudged): boolean {
  if (s.members >= s.judgedMembers * 1.1 + 2) return true;
  const changed =
    s.exchanges >= s.judgedExchanges * 1.1 + 10 || s.evidenceChanges !== s.judgedEvidenceChanges;
  return s.passesSince >= (s.enforced ? 60 : changed ? 5 : 60);
}

/**
 * Share of an account's traffic on a template key (head, tail or system prompt). A template the
 * account used only now and then has been evicted from its sketches and counts 0: reading it as the
 * account's whole traffic (as a system prompt once was) tied VPN users who sent a hydra's popular
 * prompt in their first requests to the hydra's bans (full preset, seed 2).
 */
function templateShare(p: AccountProfile, key: number): number {
  return p.templateCount(key % 0x100000000) / Math.max(1, p.n);
}

/**
 * Share of an account's ASNs (4 or more) inside a judged campaign's proxy footprint (4 or more ASNs
 * most of its members rotate over); 0 when either is too small to compare.
 */
function footprintShare(p: AccountProfile, c: CampaignState): number {
  const foot = c.assessment?.footprintAsns;
  const mine = p.asns.values;
  if (!foot || foot.length < 4 || mine.length < 4) return 0;
  let inFoot = 0;
  for (const a of mine) if (foot.includes(a)) inFoot++;
  return inFoot / mine.length;
}

/** Share of both accounts' traffic a template must carry to make them siblings in a ban cascade. */
const TEMPLATE_SIBLING_SHARE = 0.3;

/** Smallest k with P(X >= k) <= p for X ~ Poisson(lambda). */
export function poissonTail(lambda: number, p: number): number {
  let term = Math.exp(-lambda);
  if (term === 0) return Math.ceil(lambda + 8 * Math.sqrt(lambda)); // (normal tail, far past any p used)
  let cdf = term;
  let k = 0;
  while (1 - cdf > p && k < 10_000) {
    k++;
    term *= lambda / k;
    cdf += term;
  }
  return k + 1;
}

/**
 * Marks over dense ids (bucket ids, account indexes) cleared in constant time: each round has a
 * stamp of its own, and an id is marked in the round when its mark equals that stamp.
 */
class StampMarks {
  marks = new Int32Array(0);
  private stamp = 0;

  /** Starts a round in which nothing below `n` is marked, and returns its stamp. */
  round(n: number): number {
    if (this.marks.length < n) {
      const grown = new Int32Array(Math.max(1024, 2 * n));
      grown.set(this.marks);
      this.marks = grown;
    }
    if (this.stamp === 0x7fffffff) {
      this.marks.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/** Rarest buckets first. */
function byDf(x: Bucket, y: Bucket): number {
  return x.df - y.df;
}

/**
 * Whether the account's card pays for other identities, mostly established ones (crossFlags): a
 * business paying for several accounts (a reseller for its customers), not a sign-up-fraud ring.
 */
function paysForBusiness(p: AccountProfile): boolean {
  return p.flags.paymentShared > 0 && p.flags.paymentSharedNew === 0;
}

function isNetwork(t: number): boolean {
  return t === KeyType.asn || t === KeyType.prefix;
}

/** Jaccard similarity of two sets of distinct values. */
function setJaccard<T>(a: ReadonlySet<T>, b: readonly T[]): number {
  let both = 0;
  for (const x of b) if (a.has(x)) both++;
  const union = a.size + b.length - both;
  return union === 0 ? 0 : both / union;
}

/**
 * One account's side of linkWeight, built once and compared with many candidates: its buckets are
 * marked with `stamp` in the engine's probe marks; its network sets are kept when it rotates.
 */
interface Probe {
  stamp: number;
  asns: ReadonlySet<number> | null;
  prefixes: ReadonlySet<string> | null;
}

/** Weighted Jaccard similarity of two histograms, each normalised to a distribution. */
function weightedJaccard<K>(a: Map<K, number>, b: Map<K, number>): number {
  let ta = 0;
  let tb = 0;
  for (const v of a.values()) ta += v;
  for (const v of b.values()) tb += v;
  if (ta === 0 || tb === 0) return 0;
  let lo = 0;
  let hi = 0;
  for (const [k, v] of a) {
    const w = (b.get(k) ?? 0) / tb;
    lo += Math.min(v / ta, w);
    hi += Math.max(v / ta, w);
  }
  for (const [k, v] of b) if (!a.has(k)) hi += v / tb;
  return hi === 0 ? 0 : lo / hi;
}

/** Engine options that are not detection thresholds. */
export interface EngineOptions {
  /** Resolves ASN / network class for events that lack them. */
  lookup?: NetworkLookup | null;
  /** Run passes automatically from event time inside ingest (batch); default true. */
  autoTick?: boolean;
  /** Keep the keys added to enforced campaigns' signatures for `drainSignature` (live); default false. */
  exportSignature?: boolean;
}

/**
 * What `alike` compares: a group's capability counts and its members' ASNs and TLS stacks. The
 * network and stack histograms are built only when the capability mixes agree (most pairs differ
 * there, and the histograms were most of the comparison's cost).
 */
interface OperationMix {
  caps: Float64Array;
  /** Total of `caps`. */
  total: number;
  members: readonly AccountProfile[];
  asns: Map<number, number> | null;
  tls: Map<string, number> | null;
}

/** A group's mix, its histograms not built yet. */
function operationMix(members: readonly AccountProfile[]): OperationMix {
  const caps = new Float64Array(CAP_COUNT);
  for (const p of members) for (let i = 0; i < CAP_COUNT; i++) caps[i]! += p.caps[i]!;
  let total = 0;
  for (let i = 0; i < CAP_COUNT; i++) total += caps[i]!;
  return { caps, total, members, asns: null, tls: null };
}

/** Builds a mix's network and stack histograms (each member weighs 1). */
function histograms(mix: OperationMix): { asns: Map<number, number>; tls: Map<string, number> } {
  if (mix.asns === null || mix.tls === null) {
    const asns = new Map<number, number>();
    const tls = new Map<string, number>();
    for (const p of mix.members) {
      for (const x of p.asns.values) asns.set(x, (asns.get(x) ?? 0) + 1 / p.asns.values.length);
      for (const x of p.tlss.values) tls.set(x, (tls.get(x) ?? 0) + 1 / p.tlss.values.length);
    }
    mix.asns = asns;
    mix.tls = tls;
  }
  return { asns: mix.asns, tls: mix.tls };
}

/** The same capability mix (total variation below 0.15) and mostly the same networks and stacks (weighted Jaccard ≥ 0.5). */
function mixesAlike(x: OperationMix, y: OperationMix): boolean {
  const tx = x.total;
  const ty = y.total;
  let tv = 0;
  for (let i = 0; i < CAP_COUNT; i++)
    tv += Math.abs(x.caps[i]! / Math.max(1, tx) - y.caps[i]! / Math.max(1, ty));
  tv /= 2;
  if (!(tv < 0.15)) return false;
  // a side without any network or stack data (no ASN resolved, no TLS fingerprint) is no difference
  const same = <K>(p: Map<K, number>, q: Map<K, number>) =>
    (p.size === 0 && q.size === 0) || weightedJaccard(p, q) >= 0.5;
  const hx = histograms(x);
  const hy = histograms(y);
  return same(hx.asns, hy.asns) && same(hx.tls, hy.tls);
}

/** Burst siblings in one enforced campaign, and the networks they send from (burstCampaign). */
interface BurstVote {
  n: number;
  asns: Set<number>;
  prefixes: Set<string>;
}

/** Whether an account sends mostly from hosting networks (a relay's egress, a cloud job). */
function fromHosting(p: AccountProfile): boolean {
  return p.n > 0 && p.netDatacenter >= 0.5 * p.n;
}

/** Whether an account shares its card or its creation burst with other identities (it belongs to a group by identity). */
function boundByIdentity(p: AccountProfile): boolean {
  return p.flags.paymentShared > 0 || p.flags.creationBurst > 0;
}

export class DetectionEngine {
  readonly cfg: DetectorConfig;
  private readonly lookup: NetworkLookup | null;
  private readonly autoTick: boolean;
  private readonly exportSignature: boolean;
  private signatureLog: [key: number, campaignId: string][] = [];
  private readonly profiles: AccountProfile[] = [];
  private readonly byId = new Map<string, AccountProfile>();
  private readonly index = new KeyIndex();
  private readonly parent: number[] = [];
  /** Exchanges per union-find root (the cluster's traffic so far), kept up to date on union. */
  private readonly clusterN: number[] = [];
  /** Per cluster root: how often a member's own evidence moved to another level (see evaluate). */
  private readonly clusterEvidence: number[] = [];
  /** Per cluster root: members that were fresh at their first request (see ageClass). */
  private readonly clusterFresh: number[] = [];
  private readonly clusterMembers = new Map<number, number[]>();
  private readonly campaigns = new Map<string, CampaignState>();
  private readonly rootCampaign = new Map<number, CampaignState>();
  private readonly signature = new Map<number, CampaignState>();
  private readonly aliases = new Map<string, string>();
  /** Campaigns split off a cluster (splitClusters); while 0, no member filtering is needed. */
  private subCount = 0;
  private readonly modelFirstSeen = new Map<string, number>();
  private readonly restricted: Set<string>;
  private readonly abused: Set<string>;
  /** Keys of forged stacks (signature.forgedStackKey): identity evidence in linkWeight and campaign cores. */
  private readonly forgedKeys = new Set<number>();
  /**
   * Per TLS stack: the user agents seen over it (one count per account and user agent), browser or
   * not, and by the runtime their family implies (RUNTIMES; families that imply none are left out).
   */
  private readonly tlsStats = new Map<string, { browser: number; other: number; runtimes: Uint32Array }>();
  private dirty: number[] = [];
  /**
   * Accounts whose cluster merged into a judged cluster that is not allowed, since the last pass:
   * they are attached to its campaign at the end of the pass, without waiting for the cluster's next
   * judging (which a few new members of a large enforced cluster do not trigger).
   */
  private recruits: number[] = [];
  private readonly dirtyMark: Uint8Array[] = [];
  private bans: { idx: number; t: number }[] = [];
  private touchedCreation = new Set<number>();
  /** Creation-window number of each creation key; the burst size of the windows judged this pass. */
  private creationWin = new Map<number, number>();
  private burstMin = new Map<number, number>();
  private startMs = Number.NaN;
  private nowMs = 0;
  private lastPassMs = 0;
  private passes = 0;
  /** Probe marks by bucket id (see Probe). */
  private readonly probeMarks = new StampMarks();
  /** linkWeight's best evidence per key type (reused: linkWeight runs for every candidate pair). */
  private readonly best = new Float64Array(8);
  /** Whether the last linkWeight call found network infrastructure only (no identity evidence). */
  private infraOnly = false;
  /** link's buckets and candidates (reused), and marks that keep each candidate once. */
  private readonly linkBuckets: Bucket[] = [];
  private readonly linkCands: number[] = [];
  private readonly candMarks = new StampMarks();
  /** Organisations counted by identities() and crossFlags (reused). */
  private readonly orgScratch: string[] = [];
  /** sampleHolders' sample, enforcedHolders' holders in enforced campaigns, and toolingCampaign's
   * tallies (none is re-entered). */
  private readonly holderSample: number[] = [];
  private readonly holderTally: CampaignState[] = [];
  private readonly toolVotes = new Map<CampaignState, number>();
  private readonly toolSending = new Map<CampaignState, number>();
  /** The account addKeys is keying, and whether one of its new keys joined it to a campaign. */
  private keying: AccountProfile | null = null;
  private keyingJoined = false;
  private campaignSeq = 0;
  private events = 0;
  private newModelEvents = 0;
  private refN = 0;
  private refCot = 0;
  private refTemplated = 0;
  private readonly geoHopMs: number;

  constructor(config?: DetectorConfig, options: EngineOptions = {}) {
    this.cfg = config ?? defaultConfig();
    this.lookup = options.lookup ?? null;
    this.autoTick = options.autoTick ?? true;
    this.exportSignature = options.exportSignature ?? false;
    this.restricted = new Set(this.cfg.restrictedCountries.map((c) => c.toUpperCase()));
    this.abused = new Set(this.cfg.abusedTiers.map((t) => t.toLowerCase()));
    this.geoHopMs = this.cfg.geoHopMinutes * 60_000;
  }

  /** Folds one event in; returns the verdict changes it caused (account and campaign level). */
  ingest(event: ExchangeEvent): Decision[] {
    return this.ingestFeatures(extractFeatures(event, this.lookup));
  }

  /** Same as ingest, for features already extracted (e.g. in a worker). */
  ingestFeatures(f: RequestFeatures): Decision[] {
    const out: Decision[] = [];
    const t = f.timeMs;
    if (Number.isNaN(this.startMs)) {
      this.startMs = t;
      this.lastPassMs = t;
    }
    if (t > this.nowMs) this.nowMs = t;
    if (this.autoTick && this.nowMs - this.lastPassMs >= this.cfg.passIntervalSec * 1000) {
      for (const d of this.tick(this.nowMs)) out.push(d);
    }
    this.events++;
    let p = this.byId.get(f.accountId);
    if (!p) {
      p = new AccountProfile(f.accountId, this.profiles.length);
      this.profiles.push(p);
      this.byId.set(f.accountId, p);
      this.parent.push(p.index);
      this.clusterN.push(0);
      this.clusterEvidence.push(0);
      this.clusterFresh.push(0);
    }
    this.clusterN[this.find(p.index)]!++;
    let first = this.modelFirstSeen.get(f.model);
    if (first === undefined) {
      first = t;
      this.modelFirstSeen.set(f.model, t);
    }
    const newModel = first - this.startMs > 6 * 3_600_000 && t - first < DAY;
    if (newModel) this.newModelEvents++;
    const wasBanned = p.bannedMs !== 0;
    p.update(f, f.country !== "" && this.restricted.has(f.country), newModel, this.geoHopMs);
    if (!p.ageCounted && !Number.isNaN(p.createdMs)) {
      p.ageCounted = true;
      if (this.ageClass(p) === 0) this.clusterFresh[this.find(p.index)]!++;
    }
    if (!wasBanned && p.bannedMs !== 0) this.bans.push({ idx: p.index, t });
    const keysBefore = p.keys.length;
    const joined = this.addKeys(p, f);
    if (p.verdict === "allow" && p.campaignId === null) {
      this.refN++;
      if (f.cot) this.refCot++;
      if (p.heads.topCount() > 1 || p.tails.topCount() > 1) this.refTemplated++;
    }
    const n = p.n;
    if (joined || n <= 12 || (n & 15) === 0 || p.keys.length !== keysBefore) this.evaluate(p, t, out);
    return out;
  }

  /**
   * Keys added to enforced campaigns' signatures since the last call, with the campaign id (needs
   * `exportSignature`): the gateway matches new accounts against them before serving a request.
   */
  drainSignature(): [key: number, campaignId: string][] {
    const out = this.signatureLog;
    this.signatureLog = [];
    return out;
  }

  /** Periodic work driven by time: runs a pass when the pass interval has elapsed. */
  tick(nowMs: number): Decision[] {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    if (this.nowMs - this.lastPassMs < this.cfg.passIntervalSec * 1000) return [];
    this.lastPassMs = this.nowMs;
    return this.pass(this.nowMs);
  }

  /** Runs a pass now whatever the interval (end of a batch log). */
  flush(): Decision[] {
    this.lastPassMs = this.nowMs;
    return this.pass(this.nowMs);
  }

  // ---------------------------------------------------------------- keys

  private addKeys(p: AccountProfile, f: RequestFeatures): boolean {
    this.keying = p;
    this.keyingJoined = false;
    const join = this.joinOnKey;
    // templates (the prompt's head and tail skeletons, and the system prompt on its own): promoted
    // when repeated inside the account, or joined when already shared. A system prompt is promoted
    // like the others: a hydra that varies its user content still sends one fixed system prompt
    // (popular ones, shared by many apps, pass maxKeyShare and are not linked on).
    let shared = false;
    for (let i = 0, n = f.sysKey ? 3 : 2; i < n; i++) {
      const template = i === 0 ? f.headKey : i === 1 ? f.tailKey : f.sysKey;
      const key = keyOfHash(KeyType.template, template);
      // a template the account holds already (most requests) is found among its own keys
      const at = p.keys.indexOf(key);
      const b = at >= 0 ? p.keyBuckets[at] : this.index.buckets.get(key);
      // share of this account's traffic on the template
      const count = p.templateCount(template);
      const concentrated = p.n <= 3 || count / p.n >= 0.1;
      if (b) {
        if (concentrated && p.templateKeys < MAX_TEMPLATE_KEYS && at < 0) {
          this.addKey(p, key, KeyType.template, "", join);
          p.templateKeys++;
        }
        if (b.df >= 2) shared = true;
      } else if (
        count >= this.cfg.templatePromoteCount &&
        concentrated &&
        p.templateKeys < MAX_TEMPLATE_KEYS
      ) {
        this.addKey(p, key, KeyType.template, "", join);
        p.templateKeys++;
      }
    }
    if (shared) {
      p.sharedTemplate++;
      const win = Math.floor(f.timeMs / (this.cfg.syncWindowMin * 60_000));
      if (win !== p.lastSyncWindow) {
        p.lastSyncWindow = win;
        p.syncWindows++;
      }
      const token = mix2(f.headKey ^ f.tailKey, win);
      if (token !== p.lastSyncToken) {
        p.lastSyncToken = token;
        p.sync.add(token);
      }
      // its synchrony can now be compared: link it again, though its keys did not change
      if (!p.syncLinked && syncMeasured(p)) {
        p.syncLinked = true;
        this.markDirty(p.index);
      }
    }
    const last = p.last;
    const changed = p.netChanged;
    if (changed !== 0) {
      // each key is computed again only when its own attribute changed (profile.update says which)
      if (changed & NetChange.prefix) last.prefixKey = f.prefix ? prefixKey(f.prefix) : 0;
      if (changed & NetChange.asn) last.asnKey = f.asn !== null ? asnKey(f.asn) : 0;
      if (changed & NetChange.stack) last.tlsUaKey = f.tls || f.userAgent ? tlsUaKey(f.tls, f.userAgent) : 0;
      if (f.prefix) this.addKey(p, last.prefixKey, KeyType.prefix, f.prefix, join);
      if (f.asn !== null && !p.keys.includes(last.asnKey))
        this.addKey(p, last.asnKey, KeyType.asn, `AS${f.asn}`, join);
      if (f.tls || f.userAgent) {
        const k = last.tlsUaKey;
        if (!p.keys.includes(k)) {
          this.addKey(p, k, KeyType.tlsUa, `${f.tls}|${f.userAgent.slice(0, 60)}`, join);
          let s = this.tlsStats.get(f.tls);
          if (!s) {
            s = { browser: 0, other: 0, runtimes: new Uint32Array(RUNTIMES.length) };
            this.tlsStats.set(f.tls, s);
          }
          if (BROWSER.test(f.uaFamily)) s.browser++;
          else s.other++;
          const rt = uaRuntime(f.uaFamily);
          if (rt >= 0) s.runtimes[rt]!++;
        }
      }
    }
    if (
      !last.keyed ||
      f.payment !== last.payment ||
      !Object.is(f.createdMs, last.createdMs) ||
      f.emailDomain !== last.emailDomain ||
      f.orgId !== last.orgId
    ) {
      last.payment = f.payment;
      last.createdMs = f.createdMs;
      last.emailDomain = f.emailDomain;
      last.orgId = f.orgId;
      if (f.payment) this.addKey(p, paymentKey(f.payment), KeyType.payment, f.payment, join);
      if (!Number.isNaN(f.createdMs)) {
        const win = creationWindow(f.createdMs, this.cfg.creationWindowMin);
        const k = creationKey(win);
        const before = this.index.buckets.get(k);
        if (!before) this.creationWin.set(k, win);
        if (!p.keys.includes(k)) {
          this.addKey(
            p,
            k,
            KeyType.creation,
            new Date(win * this.cfg.creationWindowMin * 60_000).toISOString(),
            join,
          );
          this.touchedCreation.add(k);
        }
      }
      if (f.emailDomain) this.addKey(p, emailKey(f.emailDomain), KeyType.email, f.emailDomain, join);
      if (f.orgId) this.addKey(p, orgKey(f.orgId), KeyType.org, f.orgId, join);
    }
    last.keyed = true;
    this.keying = null;
    return this.keyingJoined;
  }

  /** addKeys' callback for each key it adds: the account being keyed joins an enforced campaign on a signature hit. */
  private readonly joinOnKey = (k: number): void => {
    const p = this.keying;
    if (p !== null && p.campaignId === null && this.signatureHit(p, k)) this.keyingJoined = true;
  };

  private addKey(
    p: AccountProfile,
    key: number,
    type: KeyTypeId,
    label: string,
    onAdd: (k: number) => void,
  ): void {
    if (p.keys.length >= MAX_KEYS || p.keys.includes(key)) return;
    if (type !== KeyType.template) {
      let same = 0;
      for (const t of p.keyTypes) if (t === type) same++;
      if (same >= MAX_PER_TYPE) return;
    }
    const b = this.index.add(key, p.index, label);
    p.holdKey(key, type, b);
    this.markDirty(p.index);
    if (b.df === 2 && b.members[0] !== undefined) this.markDirty(b.members[0]);
    onAdd(key);
  }

  private markDirty(idx: number): void {
    const page = idx >>> 16;
    let arr = this.dirtyMark[page];
    if (!arr) {
      arr = new Uint8Array(65536);
      this.dirtyMark[page] = arr;
    }
    if (arr[idx & 0xffff] === 0) {
      arr[idx & 0xffff] = 1;
      this.dirty.push(idx);
    }
  }

  /** Checks whether a new key ties the account to an enforced campaign's signature; joins it if enough. */
  private signatureHit(p: AccountProfile, key: number): boolean {
    const c = this.signature.get(key);
    if (!c) return false;
    // Same rule as a link: identity evidence plus infrastructure, or a whole shared network pool.
    const ok = joinsSignature(p.keys, p.keyTypes, (k) => this.signature.get(k) === c, this.cfg);
    if (!ok) return false;
    // attach without merging clusters: the joiner's own links decide its cluster later
    p.campaignId = c.id;
    p.joined = c.id;
    return true;
  }

  // ---------------------------------------------------------------- union-find

  private find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    let x = i;
    while (this.parent[x] !== r) {
      const nx = this.parent[x]!;
      this.parent[x] = r;
      x = nx;
    }
    return r;
  }

  private union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    const ma = this.clusterMembers.get(ra) ?? [ra];
    const mb = this.clusterMembers.get(rb) ?? [rb];
    if (ma.length < mb.length) {
      [ra, rb] = [rb, ra];
    }
    const big = ra === this.find(a) ? ma : mb;
    const small = big === ma ? mb : ma;
    this.parent[rb] = ra;
    this.clusterN[ra]! += this.clusterN[rb]!;
    this.clusterN[rb] = 0;
    this.clusterEvidence[ra]! += this.clusterEvidence[rb]!;
    this.clusterEvidence[rb] = 0;
    this.clusterFresh[ra]! += this.clusterFresh[rb]!;
    this.clusterFresh[rb] = 0;
    for (const x of small) big.push(x);
    this.clusterMembers.set(ra, big);
    this.clusterMembers.delete(rb);
    // campaigns: keep the older one
    const ca = this.rootCampaign.get(ra);
    const cb = this.rootCampaign.get(rb);
    this.rootCampaign.delete(rb);
    if (cb && (!ca || cb.firstSeenMs < ca.firstSeenMs)) {
      this.rootCampaign.set(ra, cb);
      cb.root = ra;
      if (ca) this.retire(ca, cb);
    } else {
      if (ca && cb) this.retire(cb, ca);
      // the smaller side joins the larger side's campaign (the other way round, the members are new
      // to the kept campaign in such numbers that its next pass judges it again)
      if (ca && ca.assessment !== null && ca.verdict !== "allow")
        for (const x of small) this.recruits.push(x);
    }
    return ra;
  }

  private aliasOf(id: string): CampaignState | null {
    let cur = this.aliases.get(id);
    for (let i = 0; cur && i < 16; i++) {
      const c = this.campaigns.get(cur);
      if (c) return c;
      cur = this.aliases.get(cur);
    }
    return null;
  }

  private retire(old: CampaignState, into: CampaignState): void {
    this.campaigns.delete(old.id);
    this.aliases.set(old.id, into.id);
    for (const [k, c] of this.signature) if (c === old) this.signature.set(k, into);
  }

  private clusterOf(root: number): number[] {
    return this.clusterMembers.get(root) ?? [root];
  }

  // ---------------------------------------------------------------- passes

  private pass(now: number): Decision[] {
    const out: Decision[] = [];
    this.passes++;
    this.burstMin.clear();
    const dirty = this.dirty;
    this.dirty = [];
    for (const idx of dirty) this.dirtyMark[idx >>> 16]![idx & 0xffff] = 0;
    const touched = new Set<number>();
    this.creationBursts();
    for (const idx of dirty) {
      const p = this.profiles[idx]!;
      this.crossFlags(p);
      this.link(p, touched);
    }
    this.banCascades(now, touched);
    if (this.passes % 10 === 0) for (const c of this.campaigns.values()) touched.add(this.find(c.root));
    const roots = new Set<number>();
    for (const root of touched) roots.add(this.find(root));
    for (const root of roots) this.assess(root, now, out);
    if (this.passes % this.cfg.splitEveryPasses === 0) {
      this.consolidate();
      this.splitClusters(now, out);
    }
    for (const idx of dirty) {
      const p = this.profiles[idx]!;
      if (!this.attach(p) && this.mayJoinFootprint(p)) {
        this.joinFootprint(p);
        if (p.joined === null) this.joinBurst(p);
        if (p.joined === null) this.joinTooling(p);
      }
      this.evaluate(p, now, out);
    }
    const recruits = this.recruits;
    this.recruits = [];
    for (const idx of recruits) {
      const p = this.profiles[idx]!;
      if (this.attach(p)) this.evaluate(p, now, out);
    }
    return out;
  }

  /**
   * Whether an account may still join a campaign by its footprint: it is in no campaign, or in an
   * allowed cluster of its own, or joined on a signature to a campaign that has not enforced it
   * (an aged account on a ring of new accounts' stack and networks cannot inherit that ring's
   * verdict).
   */
  private mayJoinFootprint(p: AccountProfile): boolean {
    if (p.campaignId === null) return true;
    if (isEnforced(p.verdict)) return false;
    const c = this.campaignFor(p);
    return c === null || c.verdict === "allow" || c.id === p.joined;
  }

  /**
   * An account that may still join (mayJoinFootprint) whose client stack lies (`lyingStack`: user
   * agents rotating over one TLS stack, ones that stack never sends) while it rotates over an
   * enforced campaign's proxy footprint joins that campaign, as a signature hit does, before any
   * link ties it to a member: a pool of residential exits and real user agents drawn per request
   * makes keys too diverse for the signature, and links take tens of minutes to form. Whether it
   * inherits the verdict is coreMember's decision (the same footprint test, not for older accounts
   * of a ring of new ones).
   */
  private joinFootprint(p: AccountProfile): void {
    if (p.asns.values.length < 4 || p.uas.size < 3) return;
    const e = accountEvidence(p, this.cfg, this.abused, false);
    if (e.stackDeception < this.cfg.lyingStack) return;
    let best: CampaignState | null = null;
    let bestShare = 0;
    for (const c of this.campaigns.values()) {
      if (!isEnforced(c.verdict)) continue;
      if (this.olderForRing(p, c)) continue;
      const share = footprintShare(p, c);
      if (share >= 0.5 && share > bestShare) {
        best = c;
        bestShare = share;
      }
    }
    if (!best || best.id === p.joined) return;
    p.campaignId = best.id;
    p.joined = best.id;
  }

  /**
   * An account flagged a member of a creation burst (made in a burst window, on the burst's client
   * stack: creationBursts) whose window's other members are mostly in one enforced campaign joins
   * that campaign, as a signature hit does, before a link ties it to them: accounts of a ring
   * made in one sitting that share neither a card nor an owned network link only after tens of
   * minutes (quick seed 16: the cot-grader's cardless academic accounts were served 4-9 requests
   * each while their burst siblings were blocked). Not an older account into a ring of new ones.
   * Whether it inherits the verdict is coreMember's decision.
   */
  private joinBurst(p: AccountProfile): void {
    const best = this.burstCampaign(p);
    if (!best || best.id === p.joined) return;
    if (this.olderForRing(p, best)) return;
    p.campaignId = best.id;
    p.joined = best.id;
  }

  /**
   * An account that may still join (mayJoinFootprint) and runs an enforced campaign's tooling from
   * its networks (toolingCampaign) joins that campaign, as a signature hit does, whatever its age:
   * bought, aged accounts of a ring that sends from its own hosting addresses or from VPN exits
   * link to its new accounts only through keys they do not share (infrastructure alone never links
   * an aged account to new ones), and their verification and age cancel their own deception
   * (quick preset, agentic-vision moved to datacenter or VPN egress: its aged half was served
   * 70-170 requests each for a day after its new half was blocked).
   */
  private joinTooling(p: AccountProfile): void {
    if (p.uas.size < 3) return;
    const best = this.toolingCampaign(p, accountEvidence(p, this.cfg, this.abused, false));
    if (!best || best.id === p.joined) return;
    p.campaignId = best.id;
    p.joined = best.id;
  }

  /**
   * The enforced campaign whose tooling the account runs, or null. Its client stack lies
   * (`lyingStack`: user agents rotating over one TLS stack, ones that stack never sends) and not as
   * a multi-tenant relay's does (`relayed`: a relay's stack and addresses are its other customers'
   * too); most of its TLS + user-agent combinations that six or more accounts hold are held mostly
   * by members of enforced campaigns; and members of this campaign send from at least half of its
   * address prefixes (of such campaigns, the one holding most of those combinations). A legitimate
   * account behind a TLS-terminating proxy (a company's inspection gateway forwards its users'
   * agents over one stack) may hold a ring's combinations when both run one library, but not from
   * the ring's addresses. Reads up to 32 holders of each key.
   */
  private toolingCampaign(p: AccountProfile, e: AccountEvidence): CampaignState | null {
    if (e.relayed || e.stackDeception < this.cfg.lyingStack) return null;
    // A card that pays for other identities, mostly established ones, is a business paying for
    // several accounts: a reseller's, whose customers' traffic comes through the relay a ring
    // rents, on the relay's stack and addresses, before `relayed` can tell (it needs three
    // prefixes; quick seeds 5 and 8: one reseller customer each was joined to the hydra at its
    // fifth request without this test)
    if (paysForBusiness(p)) return null;
    let stacks = 0;
    let ringStacks = 0;
    const votes = this.toolVotes;
    votes.clear();
    const held = this.holderTally;
    for (let i = 0; i < p.keys.length; i++) {
      if (p.keyTypes[i] !== KeyType.tlsUa) continue;
      const holders = p.keyBuckets[i]!.members;
      if (holders.length < 6) continue;
      stacks++;
      const seen = this.enforcedHolders(holders, p.index);
      if (seen < 5 || held.length < 0.5 * seen) continue;
      ringStacks++;
      for (const c of held) votes.set(c, (votes.get(c) ?? 0) + 1);
    }
    if (stacks === 0 || ringStacks < 0.5 * stacks) return null;
    // the campaigns whose members send from the account's prefixes, each counted once per prefix
    let prefixes = 0;
    const sending = this.toolSending;
    sending.clear();
    for (let i = 0; i < p.keys.length; i++) {
      if (p.keyTypes[i] !== KeyType.prefix) continue;
      prefixes++;
      this.enforcedHolders(p.keyBuckets[i]!.members, p.index);
      for (let k = 0; k < held.length; k++) {
        const c = held[k]!;
        if (held.indexOf(c) === k) sending.set(c, (sending.get(c) ?? 0) + 1);
      }
    }
    // of those sending from at least half of them, the one holding most of its stacks: a ring's
    // stack may be another ring's too (agentic-vision and the hydra both run Go), its addresses less so
    let best: CampaignState | null = null;
    let bestVotes = 0;
    for (const [c, v] of votes) {
      if (v > bestVotes && (sending.get(c) ?? 0) >= 0.5 * prefixes) {
        best = c;
        bestVotes = v;
      }
    }
    return prefixes > 0 ? best : null;
  }

  /**
   * Up to 32 holders spread over a key's holder list, the account itself left out (reused array,
   * valid until the next call).
   */
  private sampleHolders(holders: readonly number[], self: number): readonly number[] {
    const out = this.holderSample;
    out.length = 0;
    const step = Math.max(1, Math.floor(holders.length / 32));
    for (let j = 0; j < holders.length && out.length < 32; j += step) {
      if (holders[j] !== self) out.push(holders[j]!);
    }
    return out;
  }

  /**
   * Reads a key's holders (sampleHolders) and leaves in `holderTally` the campaign of each that is
   * in an enforced campaign; returns how many were read.
   */
  private enforcedHolders(holders: readonly number[], self: number): number {
    const sample = this.sampleHolders(holders, self);
    const tally = this.holderTally;
    tally.length = 0;
    for (const m of sample) {
      const q = this.profiles[m]!;
      if (q.campaignId === null) continue;
      const c = this.campaignFor(q);
      if (c && isEnforced(c.verdict)) tally.push(c);
    }
    return sample.length;
  }

  /** Whether the campaign is a ring of new accounts and the account was not new at its first request. */
  private olderForRing(p: AccountProfile, c: CampaignState): boolean {
    return (c.assessment?.freshShare ?? 0) >= this.cfg.verdict.ringFreshShare && this.ageClass(p) !== 0;
  }

  /**
   * The enforced campaign that holds most of an account's burst siblings (the other flagged
   * members of its creation window: at least three, and at least half of those in any campaign),
   * when the account has sent only from networks those siblings use (ASNs for VPN and hosting
   * networks, address prefixes for others); otherwise null. Only siblings that do not send from
   * hosting networks count, and only for such an account: a hydra that rents a relay makes its
   * accounts on the relay's client stack, which the relay's customers and every other client of
   * that library share (medium seeds 4-7: six developers, a VPN user and an organisation's member
   * made in the hydra's burst windows were joined to it and blocked); `isRelayed` needs three
   * requests to tell, hosting shows at the first.
   */
  private burstCampaign(p: AccountProfile): CampaignState | null {
    if (p.flags.creationBurst === 0 || isRelayed(p) || fromHosting(p)) return null;
    let bucket: Bucket | null = null;
    for (let i = 0; i < p.keys.length; i++) {
      if (p.keyTypes[i] === KeyType.creation) {
        bucket = p.keyBuckets[i]!;
        break;
      }
    }
    if (!bucket) return null;
    const mine = p.asns.values;
    if (mine.length === 0) return null;
    const votes = new Map<CampaignState, BurstVote>();
    let placed = 0;
    for (const m of bucket.members) {
      if (m === p.index) continue;
      const q = this.profiles[m]!;
      if (q.flags.creationBurst === 0 || q.campaignId === null || fromHosting(q) || isRelayed(q)) continue;
      placed++;
      if (!isEnforced(q.verdict)) continue;
      const c = this.campaignFor(q);
      if (!c || !isEnforced(c.verdict)) continue;
      let v = votes.get(c);
      if (!v) {
        v = { n: 0, asns: new Set(), prefixes: new Set() };
        votes.set(c, v);
      }
      v.n++;
      for (const a of q.asns.values) v.asns.add(a);
      for (const x of q.prefixes.values) v.prefixes.add(x);
    }
    let best: CampaignState | null = null;
    let bestVote: BurstVote = { n: 0, asns: new Set(), prefixes: new Set() };
    for (const [c, v] of votes) {
      if (v.n > bestVote.n) {
        best = c;
        bestVote = v;
      }
    }
    if (!best || bestVote.n < 3 || bestVote.n < 0.5 * placed) return null;
    // ... and the account sends only from networks those siblings send from: made in the same
    // minutes on the same popular client stack, a developer at home is not on the ring's exits
    // (full seed 1: a developer made in one of the cot-grader's windows, on its Python stack, and
    // one in a hydra's were blocked without this test). A consumer ISP's ASN is shared by
    // millions, and a residential proxy pool exits through the same ISPs as a developer at home
    // (full seed 2: two developers made in agentic-vision's windows, on its Go stack, sending from
    // an ISP its pool uses, were blocked on the ASN test): an account with any request from other
    // than a VPN or hosting network must have sent only from the siblings' address prefixes.
    if (p.n - p.netVpn - p.netDatacenter > 0) {
      if (p.prefixes.values.length === 0) return null;
      for (const x of p.prefixes.values) if (!bestVote.prefixes.has(x)) return null;
    } else {
      for (const a of mine) if (!bestVote.asns.has(a)) return null;
    }
    return best;
  }

  /**
   * Attaches an account to the judged campaign of its cluster when that campaign is not allowed and
   * the account is not in it yet (it linked in since the cluster was last judged); whether it
   * inherits the verdict is `evaluate`'s decision. True when the account's campaign changed.
   */
  private attach(p: AccountProfile): boolean {
    if (p.sub !== null) return false;
    const c = this.rootCampaign.get(this.find(p.index));
    if (!c || c.assessment === null || c.verdict === "allow" || p.campaignId === c.id) return false;
    p.campaignId = c.id;
    return true;
  }

  private npop(): number {
    return Math.max(this.profiles.length, this.cfg.idfMinPopulation);
  }

  /**
   * Accounts a creation window must hold to be a burst: creationBurstMin, or fewer that are more
   * than chance allows given the windows around it (Poisson at their mean over
   * creationBurstSpanHours each side, tail probability creationBurstP), and at least
   * creationBurstFloor. Computed once per pass per window (counts do
   * not change within a pass).
   */
  private windowBurstMin(key: number): number {
    const win = this.creationWin.get(key);
    if (win === undefined) return Number.POSITIVE_INFINITY; // (every creation key is made in addKeys)
    const cached = this.burstMin.get(key);
    if (cached !== undefined) return cached;
    const span = Math.max(1, Math.round((this.cfg.creationBurstSpanHours * 60) / this.cfg.creationWindowMin));
    // the background rate: the mean of the windows around, less the busiest tenth (other bursts)
    const around: number[] = [];
    for (let j = -span; j <= span; j++) {
      if (j !== 0) around.push(this.index.buckets.get(creationKey(win + j))?.df ?? 0);
    }
    around.sort((a, b) => a - b);
    const kept = around.length - Math.floor(around.length / 10);
    let sum = 0;
    for (let j = 0; j < kept; j++) sum += around[j]!;
    const min = Math.max(
      this.cfg.creationBurstFloor,
      Math.min(this.cfg.creationBurstMin, poissonTail(sum / kept, this.cfg.creationBurstP)),
    );
    this.burstMin.set(key, min);
    return min;
  }

  private creationBursts(): void {
    if (this.touchedCreation.size === 0) return;
    for (const k of this.touchedCreation) {
      const b = this.index.buckets.get(k);
      if (!b || b.df < this.cfg.creationBurstFloor || b.df < this.windowBurstMin(k)) continue;
      if (this.identities(b.members) < 3) continue;
      const stack = this.burstStack(b);
      for (const m of b.members) {
        const q = this.profiles[m]!;
        const flag = stack !== null && !q.tlss.has(stack) ? 0 : b.df;
        if (q.flags.creationBurst !== flag) {
          q.flags.creationBurst = flag;
          this.markDirty(m);
        }
      }
    }
    this.touchedCreation.clear();
  }

  /**
   * The TLS stack most members of a creation burst send from, when at least `creationBurstStackShare`
   * of them do: the operator's tooling. An account made in the same half hour that never uses it is a bystander
   * (the public creates accounts every half hour too): full preset, seed 7, blocked four VPN users
   * created in a burst window of the cot-grader, which runs one Python TLS stack, on the ring's VPN
   * exits, with the honest stacks of their own SDKs. A burst without a dominant stack marks all.
   */
  private burstStack(b: Bucket): string | null {
    const counts = new Map<string, number>();
    let seen = 0;
    for (const m of b.members) {
      const tls = this.profiles[m]!.tlss.values[0];
      if (!tls) continue;
      seen++;
      counts.set(tls, (counts.get(tls) ?? 0) + 1);
    }
    let top: string | null = null;
    let topN = 0;
    for (const [tls, n] of counts) {
      if (n > topN) {
        top = tls;
        topN = n;
      }
    }
    return top !== null && seen >= 3 && topN >= this.cfg.creationBurstStackShare * seen ? top : null;
  }

  /** Distinct identities among accounts: an organisation counts once, an account without one on its own. */
  private identities(members: readonly number[]): number {
    // an account without an organisation is an identity of its own (a bucket holds an account
    // once); organisations are few, and counted in a reused array
    const orgs = this.orgScratch;
    orgs.length = 0;
    let own = 0;
    for (const m of members) {
      const org = this.profiles[m]!.orgId;
      if (org === null) own++;
      else if (!orgs.includes(org)) orgs.push(org);
    }
    return own + orgs.length;
  }

  /** Cross-account flags that only need the account's own buckets. */
  private crossFlags(p: AccountProfile): void {
    for (let i = 0; i < p.keys.length; i++) {
      const t = p.keyTypes[i]!;
      if (t === KeyType.payment) {
        const b = p.keyBuckets[i]!;
        if (b.df >= 2) {
          p.flags.paymentShared = this.identities(b.members) - 1;
          // a card that pays mostly for established accounts is a business paying for several (a
          // reseller, which also opens a new account now and then); one that pays mostly for new
          // identities is what sign-up fraud looks like
          const own = p.orgId ?? p.index;
          const orgs = this.orgScratch;
          orgs.length = 0;
          let fresh = 0;
          const span = this.cfg.paymentNewSpanDays * DAY;
          for (const m of b.members) {
            const q = this.profiles[m]!;
            const id = q.orgId ?? m;
            if (id === own || this.ageClass(q) === 2) continue;
            // made within weeks of this account (when both creation times are known)
            if (Math.abs(q.createdMs - p.createdMs) > span) continue;
            // distinct identities: accounts without an organisation, and organisations once each
            if (q.orgId === null) fresh++;
            else if (!orgs.includes(q.orgId)) orgs.push(q.orgId);
          }
          fresh += orgs.length;
          const others = p.flags.paymentShared;
          p.flags.paymentSharedNew = fresh >= this.cfg.paymentNewShare * others ? fresh : 0;
        }
      } else if (t === KeyType.creation) {
        const b = p.keyBuckets[i]!;
        if (
          p.flags.creationBurst === 0 &&
          b.df >= this.cfg.creationBurstFloor &&
          b.df >= this.windowBurstMin(p.keys[i]!)
        ) {
          if (this.identities(b.members) >= 3) {
            const stack = this.burstStack(b);
            if (stack === null || p.tlss.has(stack)) p.flags.creationBurst = b.df;
          }
        }
      }
    }
    // A forged stack counts while the account keeps to one stack and one runtime off a relay: one
    // that later claims several runtimes or a second stack, or turns out to be relayed, keeps the
    // key but not its weight. It stays forged when the stack's statistics move (a ring that grows to
    // 5 % of its stack's clients makes its own runtime look less rare; that hides nothing it did).
    if (p.tlss.values.length !== 1) p.flags.forged = 0;
    if (p.tlss.values.length === 1) {
      const s = this.tlsStats.get(p.tlss.values[0]!);
      if (s && s.browser + s.other >= 20) {
        // The runtime check is for a client that claims one runtime throughout: one that rotates
        // across runtimes is already counted by the rotation, and a relay forwarding its customers'
        // user agents over its own stack claims many
        let claimed = 0;
        for (const fam of p.uaFamilies.values) {
          const rt = uaRuntime(fam);
          if (rt >= 0) claimed |= 1 << rt;
        }
        const oneRuntime = claimed !== 0 && (claimed & (claimed - 1)) === 0;
        const relayed = isRelayed(p);
        if (!oneRuntime || relayed) p.flags.forged = 0;
        let mismatch = 0;
        let forged = false;
        for (const fam of p.uaFamilies.values) {
          const browser = BROWSER.test(fam);
          const share = (browser ? s.browser : s.other) / (s.browser + s.other);
          const foreign = !browser && oneRuntime && this.runtimeMismatch(s.runtimes, uaRuntime(fam));
          if (share < 0.1 || foreign) mismatch++;
          if (foreign) forged = true;
        }
        p.flags.uaMismatch = mismatch > 0 ? mismatch / p.uaFamilies.values.length : 0;
        // Accounts that forge the same runtime's user agent over the same stack share one tool: the
        // stack with "a foreign runtime" is a key of its own, rare where the stack's own clients
        // are the many. Behind a relay the stack is the relay's and the user agents its customers'
        // (a relay's stack usually has no dominant runtime; where it has one — quick seed 8's
        // reseller relays over the Python stack most Python clients use — its customers soon claim
        // several runtimes, and only accounts new at their first request count the key: linkWeight)
        if (forged && !relayed) {
          p.flags.forged = 1;
          const tls = p.tlss.values[0]!;
          const k = forgedStackKey(tls);
          this.forgedKeys.add(k);
          this.addKey(p, k, KeyType.tlsUa, `${tls}|(user agents of another runtime)`, NO_JOIN);
        }
      }
    }
  }

  /**
   * Whether a client family's runtime contradicts the stack it is sent over: the stack is seen with
   * one runtime's clients (`runtimeDominance` of 30+ user agents whose family names a runtime) and
   * almost never with this one's (under `runtimeRare`) — a Node SDK's user agent over the TLS stack
   * of Python's clients is a header set by hand. A stack shared by many runtimes (a relay, a proxy
   * pool's tooling) has no dominant runtime and contradicts none.
   */
  private runtimeMismatch(runtimes: Uint32Array, rt: number): boolean {
    if (rt < 0) return false;
    let total = 0;
    let top = 0;
    let topRt = -1;
    for (let i = 0; i < runtimes.length; i++) {
      total += runtimes[i]!;
      if (runtimes[i]! > top) {
        top = runtimes[i]!;
        topRt = i;
      }
    }
    return (
      total >= 30 &&
      topRt !== rt &&
      top >= this.cfg.runtimeDominance * total &&
      runtimes[rt]! < this.cfg.runtimeRare * total
    );
  }

  /** Links an account to sampled candidates from its rarest shared buckets. */
  private link(p: AccountProfile, touched: Set<number>): void {
    const npop = this.npop();
    const maxDf = this.cfg.maxKeyShare * npop;
    const buckets = this.linkBuckets;
    buckets.length = 0;
    const rotating = p.asns.size >= 4 || p.prefixes.size >= 4;
    for (let i = 0; i < p.keyBuckets.length; i++) {
      const b = p.keyBuckets[i]!;
      if (b.df >= 2 && (b.df <= maxDf || (rotating && isNetwork(p.keyTypes[i]!)))) buckets.push(b);
    }
    if (buckets.length === 0) return;
    buckets.sort(byDf);
    const cands = this.linkCands;
    cands.length = 0;
    const want = this.cfg.candidatesPerAccount;
    for (const b of buckets) {
      if (cands.length >= want) break;
      this.index.sample(b, Math.min(6, want - cands.length), p.index, cands);
    }
    const mine = this.probe(p);
    let root = this.find(p.index);
    // each candidate once, in the order drawn
    const drawn = this.candMarks.round(this.profiles.length);
    const seen = this.candMarks.marks;
    for (const c of cands) {
      if (seen[c] === drawn) continue;
      seen[c] = drawn;
      const other = this.find(c);
      if (other === root) continue;
      const q = this.profiles[c]!;
      if (this.linkWeight(mine, p, q, npop, maxDf) < this.cfg.linkThreshold) continue;
      // One operator provisions its accounts alike, and so do the groups its accounts already form:
      // network infrastructure alone never joins a group of new accounts to a group of established
      // ones through an account bound to its group by identity (a relay carries a reseller's
      // established customers and a hydra's new accounts; one new account of the reseller's, paid
      // with its card, bridged the two on quick seed 6). An operator that mixes bought, aged
      // accounts (cards of their own) with new ones still links them (full preset, seed 1: 118
      // agentic-vision accounts stayed unenforced without the identity condition, 42 with it).
      if (
        this.infraOnly &&
        (boundByIdentity(p) || boundByIdentity(q)) &&
        Math.abs(this.freshShare(root) - this.freshShare(other)) > this.cfg.infraOnlyFreshGap
      )
        continue;
      root = this.union(p.index, c);
    }
    if (this.clusterOf(root).length >= 2) touched.add(root);
  }

  /** Evidence that two accounts are run together: rare shared keys by type, plus synchrony. */
  private linkWeight(mine: Probe, p: AccountProfile, q: AccountProfile, npop: number, maxDf: number): number {
    const w = this.cfg.linkWeights;
    const best = this.best.fill(0);
    let forged = 0;
    let creationDf = 0;
    const mark = this.probeMarks.marks;
    const ids = q.keyIds;
    for (let i = 0, n = q.keys.length; i < n; i++) {
      if (mark[ids[i]!] !== mine.stamp) continue;
      const b = q.keyBuckets[i]!;
      if (b.df > maxDf) continue;
      const k = q.keys[i]!;
      const t = q.keyTypes[i]!;
      // Commodity attributes (SDK stacks, networks, mail domains, prompts) count by rarity; a shared
      // card or a creation burst is evidence however many accounts share it.
      const idf = t === KeyType.payment || t === KeyType.creation ? this.cfg.idfFull : Math.log(npop / b.df);
      let v = typeWeight(t, w) * Math.min(1, idf / this.cfg.idfFull);
      if (t === KeyType.template) v *= Math.min(1, Math.min(templateShare(p, k), templateShare(q, k)) / 0.3);
      // several rare shared stacks, prefixes or networks (a proxy pool, a UA pool) add up, to 3x the weight
      if (t === KeyType.tlsUa && this.forgedKeys.has(k)) {
        if (p.flags.forged && q.flags.forged)
          forged = Math.max(forged, w.forgedStack * Math.min(1, idf / this.cfg.idfFull));
      } else if (t === KeyType.tlsUa || t === KeyType.prefix || t === KeyType.asn) {
        best[t] = Math.min(3 * typeWeight(t, w), best[t]! + v);
      } else if (v > best[t]!) best[t] = v;
      if (t === KeyType.creation) creationDf = b.df;
    }
    // A forged stack is a ring's tooling, and counts between new accounts only: older accounts
    // behind one TLS-terminating proxy (a company's inspection gateway forwards its users' user
    // agents over its own stack, and so does a relay) look the same
    if (forged > 0 && (this.ageClass(p) !== 0 || this.ageClass(q) !== 0)) forged = 0;
    // Paid with one card and created within one window's width of each other across a window
    // boundary (the half-hour grid splits a quarter-hour burst about half the time): the same
    // evidence as a shared window. Without the card, nearness in time says less than the window
    // (a relay's new customer made beside a hydra's burst was linked to it: quick seed 6)
    if (
      best[KeyType.creation] === 0 &&
      best[KeyType.payment]! > 0 &&
      Math.abs(p.createdMs - q.createdMs) < this.cfg.creationWindowMin * 60_000
    )
      best[KeyType.creation] = typeWeight(KeyType.creation, w);
    // A creation window both accounts were flagged members of a burst in counts double while it
    // holds under creationBurstMin accounts: a small ring made within minutes links on its first
    // requests (the quick cot-grader's first accounts share only that, VPN exits the public uses
    // and a popular template). Not behind a relay: a reseller's new customer made in the hydra's
    // first burst window, on the relay's stack, was linked into the hydra's campaign (quick seed 6).
    if (
      best[KeyType.creation]! > 0 &&
      creationDf < this.cfg.creationBurstMin &&
      p.flags.creationBurst > 0 &&
      q.flags.creationBurst > 0 &&
      !isRelayed(p) &&
      !isRelayed(q)
    )
      best[KeyType.creation] = 2 * typeWeight(KeyType.creation, w);
    let identity = best[KeyType.template]! + best[KeyType.payment]! + best[KeyType.creation]!;
    identity += best[KeyType.email]! + best[KeyType.org]! + forged;
    const j = syncMeasured(p) && syncMeasured(q) ? p.sync.jaccard(q.sync) : 0;
    if (j > 0.1) identity += w.sync * Math.min(1, (j - 0.1) / 0.4);
    let infra = best[KeyType.prefix]! + best[KeyType.asn]! + best[KeyType.tlsUa]!;
    // Both rotate over many networks or prefixes, and over the same ones: one proxy pool.
    let pool = 0;
    if (p.asns.size >= 4 && q.asns.size >= 4) pool = setJaccard(mine.asns!, q.asns.values);
    if (p.prefixes.size >= 4 && q.prefixes.size >= 4) {
      pool = Math.max(pool, setJaccard(mine.prefixes!, q.prefixes.values));
    }
    infra += w.rotation * Math.min(1, Math.max(0, (pool - 0.2) / 0.5));
    // Without identity evidence (a card, a creation burst, a mail domain, an org, synchrony; a shared
    // template alone is not enough) network infrastructure (a relay, a VPN exit, a NAT) links only
    // when it is a whole shared pool: several rare prefixes and several rare client stacks.
    // An operator provisions its accounts alike: infrastructure alone links two accounts only when
    // both are fresh or both are established (a relay may carry an old reseller and a new hydra).
    this.infraOnly = identity < this.cfg.identityMinLink;
    if (this.infraOnly) {
      return infra >= this.cfg.infraOnlyLink && this.ageClass(p) === this.ageClass(q) ? infra : 0;
    }
    return identity + infra;
  }

  /** Marks an account's buckets for linkWeight (see Probe); the previous probe is forgotten. */
  private probe(p: AccountProfile): Probe {
    const stamp = this.probeMarks.round(this.index.buckets.size);
    const marks = this.probeMarks.marks;
    for (let i = 0, n = p.keys.length; i < n; i++) marks[p.keyIds[i]!] = stamp;
    return {
      stamp,
      asns: p.asns.size >= 4 ? new Set(p.asns.values) : null,
      prefixes: p.prefixes.size >= 4 ? new Set(p.prefixes.values) : null,
    };
  }

  /** Share of a cluster's members that were fresh at their first request. */
  private freshShare(root: number): number {
    return this.clusterFresh[root]! / this.clusterOf(root).length;
  }

  /** 0 fresh, 1 in between or unknown, 2 established (account age at first use). */
  private ageClass(p: AccountProfile): number {
    const age = p.ageAtFirstUseDays();
    if (Number.isNaN(age)) return 1;
    return age < this.cfg.freshDays ? 0 : age >= this.cfg.establishedDays ? 2 : 1;
  }

  private banCascades(now: number, touched: Set<number>): void {
    if (this.bans.length === 0) return;
    const keep: { idx: number; t: number }[] = [];
    for (const ban of this.bans) {
      if (now - ban.t < 30 * 60_000) {
        keep.push(ban);
        continue;
      }
      const banned = this.profiles[ban.idx]!;
      const slot = Math.floor(ban.t / SLOT_MS);
      const sampled: number[] = [];
      for (let i = 0; i < banned.keys.length; i++) {
        // Siblings by identity (card, creation burst, template), not by a shared network or client
        // stack: a relay or a VPN exit also carries the public. A creation window counts only when
        // both accounts are marked members of a burst there (not bystanders, creationBursts):
        // accounts are created every half hour, and a legitimate account made in the same half hour
        // as a banned one, starting a session after the ban, is no sibling. A template counts only
        // where it is a large share of both accounts' traffic (as for links): prompts drawn from
        // public collections are shared by unrelated accounts, and an account that used the hydra's
        // popular prompt now and then is no sibling. (Full preset, seed 7: 3-7 VPN users per run
        // were throttled as siblings through such ties.)
        const kt = banned.keyTypes[i]!;
        if (kt !== KeyType.payment && kt !== KeyType.creation && kt !== KeyType.template) continue;
        if (kt === KeyType.creation && banned.flags.creationBurst === 0) continue;
        const k = banned.keys[i]!;
        const concentrated = (q: AccountProfile) => templateShare(q, k) >= TEMPLATE_SIBLING_SHARE;
        const b = banned.keyBuckets[i]!;
        if (b.df >= 2 && b.df <= this.cfg.maxKeyShare * this.npop()) {
          const from = sampled.length;
          // (sampled before the template test: the measured figures were taken in this order, and
          // the sample draws from the random stream that link sampling shares)
          this.index.sample(b, 32, ban.idx, sampled);
          if (kt === KeyType.template && !concentrated(banned)) {
            sampled.length = from;
            continue;
          }
          if (kt === KeyType.creation || kt === KeyType.template) {
            let w = from;
            for (let j = from; j < sampled.length; j++) {
              const q = this.profiles[sampled[j]!]!;
              if (kt === KeyType.creation ? q.flags.creationBurst > 0 : concentrated(q))
                sampled[w++] = sampled[j]!;
            }
            sampled.length = w;
          }
        }
      }
      for (const s of new Set(sampled)) {
        const q = this.profiles[s]!;
        if (q.bannedMs !== 0) continue;
        const before = q.recentCount(slot - 3, slot - 1);
        const after = q.recentCount(slot + 1, slot + 3);
        if (after >= 5 && after >= this.cfg.banCascadeJump * Math.max(1, before)) {
          q.flags.banCascade = after / Math.max(1, before);
          this.markDirty(s);
          touched.add(this.find(s));
        }
      }
    }
    this.bans = keep;
  }

  private context(): CampaignContext {
    return {
      cfg: this.cfg,
      abused: this.abused,
      globalNewModelShare: this.newModelEvents / Math.max(1, this.events),
      refCotRate: this.refN ? this.refCot / this.refN : 0.1,
      refTemplatedRate: this.refN ? this.refTemplated / this.refN : 0.3,
      keyLabel: (k) => this.index.buckets.get(k)?.label ?? "",
      keyDf: (k) => this.index.buckets.get(k)?.df ?? 0,
      commonDf: this.cfg.maxKeyShare * this.npop(),
      isForged: (k) => this.forgedKeys.has(k),
    };
  }

  private assess(root: number, now: number, out: Decision[]): void {
    let members = this.clusterOf(root);
    if (members.length < this.cfg.campaignMinAccounts) return;
    // members separated into campaigns of their own (splitClusters) are judged there
    if (this.subCount > 0) members = members.filter((m) => this.profiles[m]!.sub === null);
    if (members.length < this.cfg.campaignMinAccounts) return;
    let c = this.rootCampaign.get(root);
    if (!c) {
      let firstSeen = Number.POSITIVE_INFINITY;
      for (const m of members) firstSeen = Math.min(firstSeen, this.profiles[m]!.firstMs);
      c = this.newCampaign(root, firstSeen, null);
      this.rootCampaign.set(root, c);
    }
    // Re-judge a known cluster when it gained members or traffic noticeably, and now and then. A
    // cluster that is not enforced yet is re-judged more often, but only once its traffic has grown
    // or a member's own evidence has moved (a ring's deception ripens as its members rotate and
    // fail over, with little traffic): judging an unchanged cluster again cannot change its verdict
    // (most such clusters are small and legitimate, and were most of the engine's time).
    const n = this.clusterN[root]!;
    const evidence = this.clusterEvidence[root]!;
    if (
      c.assessment &&
      !dueForJudging({
        passesSince: this.passes - c.lastPass,
        enforced: isEnforced(c.verdict),
        members: members.length,
        judgedMembers: c.size,
        exchanges: n,
        judgedExchanges: c.lastN,
        evidenceChanges: evidence,
        judgedEvidenceChanges: c.lastEvidence,
      })
    )
      return;
    c.lastPass = this.passes;
    c.lastN = n;
    c.lastEvidence = evidence;
    this.judge(
      c,
      members.map((m) => this.profiles[m]!),
      now,
      out,
    );
  }

  /** A new campaign, not judged yet; `parent` is the cluster's campaign for one split off it. */
  private newCampaign(root: number, firstSeenMs: number, parent: string | null): CampaignState {
    const c: CampaignState = {
      id: `campaign-${++this.campaignSeq}`,
      root,
      firstSeenMs,
      detectedMs: 0,
      assessment: null,
      verdict: "allow",
      window: { n: 0, cot: 0, templated: 0 },
      totals: { n: 0, cot: 0, templated: 0 },
      size: 0,
      lastPass: 0,
      lastN: 0,
      lastEvidence: 0,
      core: new Set(),
      parent,
      members: [],
      splitSize: 0,
    };
    this.campaigns.set(c.id, c);
    return c;
  }

  /** Judges a campaign's members as a whole and passes a verdict change on to them. */
  private judge(c: CampaignState, profiles: AccountProfile[], now: number, out: Decision[]): void {
    const a = assessCluster(profiles, this.context(), c.window, c.totals);
    c.assessment = a;
    for (const k of a.core) c.core.add(k);
    const previous = c.verdict;
    let verdict = a.verdict;
    if (isEnforced(previous) && rank(verdict) < rank(previous)) verdict = previous;
    c.verdict = verdict;
    const grew = profiles.length !== c.size;
    c.size = profiles.length;
    if (verdict !== previous) {
      if (isEnforced(verdict) && c.detectedMs === 0) c.detectedMs = now;
      out.push({
        scope: "campaign",
        id: c.id,
        verdict,
        previous,
        protect: a.protect,
        timeMs: now,
        campaignId: c.id,
        reasons: a.reasons,
      });
    }
    if (isEnforced(verdict)) {
      for (const k of a.signature) {
        if (this.signature.has(k)) continue;
        this.signature.set(k, c);
        if (this.exportSignature) this.signatureLog.push([k, c.id]);
      }
    }
    if (verdict !== previous || grew) {
      for (const p of profiles) {
        if (p.campaignId !== c.id || verdict !== previous) {
          p.campaignId = c.id;
          this.evaluate(p, now, out);
        }
      }
    }
  }

  // ---------------------------------------------------------------- verdicts

  private campaignFor(p: AccountProfile): CampaignState | null {
    if (p.sub !== null) {
      const s = this.campaigns.get(p.sub) ?? this.aliasOf(p.sub);
      if (s) return s;
    }
    const c = this.rootCampaign.get(this.find(p.index));
    if (c && (c.verdict !== "allow" || p.joined === null)) return c;
    // an allowed cluster the account sits in does not hide the enforced campaign it joined
    const j = p.joined !== null ? (this.campaigns.get(p.joined) ?? this.aliasOf(p.joined)) : null;
    return j ?? c ?? null;
  }

  /**
   * Whether a cluster member shares the campaign's identity core (its cards, creation windows, mail
   * domains, templates), or carries strong deception itself. Accounts that only share network
   * infrastructure with a campaign (a reseller relay, a VPN exit) do not inherit its verdict.
   */
  private coreMember(p: AccountProfile, c: CampaignState, e: AccountEvidence): boolean {
    // A ring of new accounts (sign-up fraud) recruits new accounts: an account that was not fresh at
    // its first request joins such a campaign only through its identity core (cards, creation
    // windows, templates), never on deception or shared networks alone. Established customers of a
    // reseller whose relay a hydra rents rotate user agents and networks and share the reseller's
    // card too (full preset, seed 2: 56 of them inherited the hydra's block, through its core).
    const freshRing = (c.assessment?.freshShare ?? 0) >= this.cfg.verdict.ringFreshShare;
    const ring = freshRing && this.ageClass(p) !== 0;
    // An account minted for such a ring (first used within a day of its creation, on the client
    // stack the ring's enforced accounts run) came verified the way its siblings did (verification
    // is bought or farmed with the account): for it, verification is no evidence of good faith.
    // Fresh VPN users on a ring's exits keep it: medium seed 1 blocked two of them (7.7 and 12 days
    // old, one on the ring's SDK version) when any fresh account on any stack counted.
    const recruit =
      freshRing &&
      p.verified === true &&
      p.ageAtFirstUseDays() < this.cfg.verdict.recruitMaxAgeDays &&
      this.onEnforcedStack(p);
    const trust = recruit ? e.trust - this.cfg.weights.verified : e.trust;
    // An account running the campaign's tooling from its networks is its member, bought and aged
    // or not (toolingCampaign; never behind a multi-tenant relay)
    if (this.toolingCampaign(p, e) === c) return true;
    // ... and only when it asks for distillation-shaped content itself: the reseller's card, relayed
    // through the same egress, can end up among the ring's identity keys
    if (ring && e.contentShape < this.cfg.verdict.ringOlderShape) return false;
    // Deception must include some the account acted out (a lying client stack, a shared card, a
    // creation burst; or being minted for the ring on its stack), or come with distillation-shaped
    // requests: a new, unverified account on a VPN carries 1.5-2.5 of priors and network alone
    // (medium seed 3 blocked one such VPN user, asking ordinary questions, on a ring's exits).
    const acted = e.activeDeception > 0 || recruit || e.contentShape >= this.cfg.verdict.ringOlderShape;
    if (!ring && acted && e.deception + trust >= this.cfg.verdict.campaignStrongDeception) return true;
    // Sharing the campaign's proxy pool is not enough on its own (VPN exits are shared with the
    // public): the member must also carry net deception of its own, or distillation-shaped use from
    // a client stack that lies about itself. Shape alone is not enough: at scale, many established,
    // verified VPN users who ask for step-by-step answers through honest SDKs rotate over the same
    // commercial exits as a campaign (full preset, seed 1: 87 of them were blocked that way).
    const ownEvidence =
      (acted && e.deception + trust >= this.cfg.verdict.campaignDeception) ||
      (e.shape >= 0.5 && e.stackDeception > 0 && !e.relayed);
    // A client stack that lies (`lyingStack`: by default five or more user agents over one TLS
    // stack) rotating over the campaign's residential footprint is the campaign's tooling, whatever
    // the account's age and verification: bought accounts come aged and verified, and their trust
    // would otherwise cancel their deception.
    // Behind a multi-tenant relay the lying stack and the footprint are the relay's, shared with
    // whoever else rents it (quick seed 5: a new customer of the reseller whose relay a hydra rents
    // inherited the hydra's block this way).
    const lyingStack = e.stackDeception >= this.cfg.lyingStack && !e.relayed;
    if (!ring && (ownEvidence || lyingStack) && footprintShare(p, c) >= 0.5) return true;
    const pfx = c.assessment?.footprintPrefixes;
    if (
      ownEvidence &&
      pfx &&
      pfx.length >= 4 &&
      p.prefixes.values.length >= 4 &&
      this.ageClass(p) === c.assessment?.ageClass
    ) {
      let inFoot = 0;
      for (const a of p.prefixes.values) if (pfx.includes(a)) inFoot++;
      if (inFoot / p.prefixes.values.length >= 0.5) return true;
    }
    const core = c.core;
    if (core.size === 0) return false;
    const w = this.cfg.linkWeights;
    // (whether the account's burst siblings sit in this campaign: computed on the first core window)
    let burst: boolean | null = p.flags.creationBurst > 0 ? null : false;
    let score = 0;
    let types = 0;
    for (let i = 0; i < p.keys.length; i++) {
      if (!core.has(p.keys[i]!)) continue;
      const t = p.keyTypes[i]!;
      // a card that pays mostly for established accounts is a business's (a reseller pays for its
      // customers' accounts with one), not the card of a ring of new accounts, even where the
      // ring's cluster took in enough of the business's accounts to own it (quick seed 5: a
      // reseller's new customer inherited the block of the hydra renting its relay through the
      // reseller's card). A ring of aged accounts may well share cards among them: for it the
      // card counts.
      if (freshRing && t === KeyType.payment && paysForBusiness(p)) continue;
      // (the only client-stack keys of a core are forged stacks; one counts for a new account that
      // still forges it, as for links)
      if (t === KeyType.tlsUa && (!p.flags.forged || this.ageClass(p) !== 0)) continue;
      if (types & (1 << t)) continue;
      types |= 1 << t;
      // a core creation window the account was flagged a member of a burst in (made in that
      // sitting, on the burst's client stack) counts double, as it does in a link (linkWeight),
      // where the burst's other members are mostly this campaign's (burstCampaign)
      if (t === KeyType.creation && burst === null) burst = this.burstCampaign(p) === c;
      if (t === KeyType.creation && burst) score += 2 * typeWeight(t, w);
      else score += t === KeyType.tlsUa ? w.forgedStack : typeWeight(t, w);
    }
    return score >= this.cfg.verdict.coreMatch;
  }

  /**
   * Whether the account's client stack (TLS + user agent) is mostly seen on enforced accounts: the
   * stack a ring runs on, not a popular SDK (whose holders are mostly customers in good standing).
   * Looks at up to 32 holders spread over the key's holder list.
   */
  private onEnforcedStack(p: AccountProfile): boolean {
    for (let i = 0; i < p.keys.length; i++) {
      if (p.keyTypes[i] !== KeyType.tlsUa) continue;
      const holders = this.index.buckets.get(p.keys[i]!)?.members;
      if (!holders || holders.length < 6) continue;
      const sample = this.sampleHolders(holders, p.index);
      let enforced = 0;
      for (const m of sample) if (isEnforced(this.profiles[m]!.verdict)) enforced++;
      if (sample.length >= 5 && enforced >= 0.5 * sample.length) return true;
    }
    return false;
  }

  private evaluate(p: AccountProfile, now: number, out: Decision[]): void {
    let e = accountEvidence(p, this.cfg, this.abused, false);
    // a quarter-point step in the account's deception or shape marks its cluster for re-judging
    const level =
      Math.min(255, Math.floor(4 * Math.max(0, e.deception + e.trust))) * 256 +
      Math.min(255, Math.floor(4 * e.shape));
    if (level !== p.evidenceLevel) {
      p.evidenceLevel = level;
      this.clusterEvidence[this.find(p.index)]!++;
    }
    // a blocked account stays blocked (enforcement is sticky, below): nothing more to decide
    if (p.verdict === "block") return;
    let verdict = individualVerdict(e, p.n, this.cfg);
    let protect = isEnforced(verdict) && p.cot / Math.max(1, p.n) >= this.cfg.verdict.protectCotRate;
    const c = p.campaignId !== null ? this.campaignFor(p) : null;
    const inherits = c !== null && c.assessment !== null && c.verdict !== "allow" && this.coreMember(p, c, e);
    const campaignVerdict = inherits ? c.verdict : "allow";
    const candidate = rank(campaignVerdict) > rank(verdict) ? campaignVerdict : verdict;
    if (isEnforced(p.verdict) && rank(candidate) <= rank(p.verdict)) return; // enforcement is sticky
    const candidateProtect =
      isEnforced(candidate) &&
      (protect || (candidate === campaignVerdict && c?.assessment?.protect === true) || p.protect);
    // the score is what the verdict rests on: the account's own evidence, plus its campaign's score
    // only where it inherits the campaign's verdict (not a cluster it merely sits in)
    const campaignScore = inherits ? (c?.assessment?.score ?? 0) : 0;
    p.score = Math.round((e.shape + Math.max(0, e.deception + e.trust) + campaignScore) * 1000) / 1000;
    if (candidate === p.verdict && candidateProtect === p.protect) return;
    e = accountEvidence(p, this.cfg, this.abused, true);
    let reasons = e.reasons;
    if (inherits && c?.assessment && rank(c.verdict) >= rank(verdict)) {
      verdict = c.verdict;
      protect = protect || c.assessment.protect;
      reasons = [
        {
          id: "campaign.member",
          text: `Member of ${c.id}`,
          evidence: { campaign_id: c.id, campaign_score: c.assessment.score },
        },
        ...c.assessment.reasons,
        ...e.reasons,
      ];
    }
    if (isEnforced(p.verdict) && rank(verdict) < rank(p.verdict)) verdict = p.verdict;
    if (verdict === p.verdict && protect === p.protect) return;
    const previous = p.verdict;
    p.verdict = verdict;
    p.protect = protect;
    if (isEnforced(verdict) && p.firstFlaggedMs === 0) {
      p.firstFlaggedMs = now;
      p.flagReasons = reasons;
    }
    out.push({
      scope: "account",
      id: p.id,
      verdict,
      previous,
      protect,
      timeMs: now,
      campaignId: inherits && c ? c.id : null,
      reasons,
    });
  }

  // ---------------------------------------------------------------- report

  /** Counters for progress and the report. */
  stats(): { events: number; accounts: number; campaigns: number; passes: number } {
    return {
      events: this.events,
      accounts: this.profiles.length,
      campaigns: this.campaigns.size,
      passes: this.passes,
    };
  }

  /**
   * The detection report: every account seen (allow included, with the evidence that kept it there)
   * and every campaign that reached monitor or stronger, is not a declared organisation and has at
   * least one account of its own.
   */
  report(): DetectionReport {
    const iso = (ms: number) => (ms ? new Date(ms).toISOString() : null);
    const reported = new Map<string, CampaignState>();
    for (const c of this.campaigns.values()) {
      if (rank(c.verdict) >= rank("monitor") && c.assessment && !c.assessment.declared) reported.set(c.id, c);
    }
    // members of each reported campaign (accounts that share only its network do not count)
    const cidOf: (string | null)[] = new Array(this.profiles.length).fill(null);
    const campaignMembers = new Map<string, number[]>();
    for (const p of this.profiles) {
      const c = this.campaignFor(p);
      let cid = c && reported.has(c.id) ? c.id : null;
      if (c && cid && !this.coreMember(p, c, accountEvidence(p, this.cfg, this.abused, false))) cid = null;
      if (!cid) continue;
      cidOf[p.index] = cid;
      let list = campaignMembers.get(cid);
      if (!list) {
        list = [];
        campaignMembers.set(cid, list);
      }
      list.push(p.index);
    }
    const campaigns: CampaignReport[] = [];
    for (const c of reported.values()) {
      // a cluster none of whose accounts belongs to it (they share only its network) names no one
      if (!campaignMembers.has(c.id)) continue;
      const a = c.assessment!;
      const reasons: Reason[] = c.parent
        ? [
            {
              id: "campaign.split",
              text: `Separated from the cluster of ${c.parent}: its members link to the rest far less than chance would, and act differently`,
              evidence: { cluster: c.parent },
            },
            ...a.reasons,
          ]
        : a.reasons;
      // Times of the accounts it names: a campaign split off a cluster, or one that kept an older
      // cluster's id, also counted accounts that share only its network (VPN users seen at the
      // log's first second) and was enforced under its parent's id before (full preset, seed 7).
      const members = campaignMembers.get(c.id) ?? [];
      let firstSeen = Number.POSITIVE_INFINITY;
      let detected = c.detectedMs || Number.POSITIVE_INFINITY;
      for (const m of members) {
        const p = this.profiles[m]!;
        if (p.firstMs < firstSeen) firstSeen = p.firstMs;
        if (p.firstFlaggedMs && p.firstFlaggedMs < detected) detected = p.firstFlaggedMs;
      }
      campaigns.push({
        id: c.id,
        accounts: members.map((m) => this.profiles[m]!.id),
        first_seen: new Date(Number.isFinite(firstSeen) ? firstSeen : c.firstSeenMs).toISOString(),
        detected_at: Number.isFinite(detected) ? iso(detected) : null,
        exchanges: a.exchanges,
        capabilities: a.capabilities,
        indicators: a.indicators,
        verdict: c.verdict,
        score: a.score,
        protect: a.protect,
        reasons,
      });
    }
    const accounts: AccountVerdict[] = [];
    for (const p of this.profiles) {
      // Enforced accounts keep the reasons they had when first enforced; others show their evidence
      // now (an allowed account's reasons say why it was allowed: trust, weak shape).
      let reasons: Reason[] = p.flagReasons ?? accountEvidence(p, this.cfg, this.abused).reasons;
      // the campaign it was enforced with may since have been merged or split: name the one it is in now
      const was = reasons[0]?.id === "campaign.member" ? reasons[0].evidence?.campaign_id : undefined;
      const now = cidOf[p.index];
      if (typeof was === "string" && now && was !== now) {
        const first = reasons[0]!;
        reasons = [
          {
            ...first,
            text: `Member of ${now} (enforced as a member of ${was})`,
            evidence: { ...first.evidence, campaign_id: now, enforced_as: was },
          },
          ...reasons.slice(1),
        ];
      }
      const v: AccountVerdict = {
        account_id: p.id,
        verdict: p.verdict,
        score: p.score,
        campaign_id: cidOf[p.index] ?? null,
        first_flagged_at: iso(p.firstFlaggedMs),
        reasons,
      };
      if (p.protect) v.protect = true;
      accounts.push(v);
    }
    return {
      accounts,
      campaigns,
      engine: { events: this.events, accounts: this.profiles.length, passes: this.passes },
    };
  }

  /**
   * Enforced campaigns of separate clusters that act like one operation (the same capability mix,
   * mostly the same networks and client stacks: `alike`) are one campaign: an operator that mixes
   * bought, aged accounts with new ones gets two clusters, because network infrastructure alone
   * never links an aged account to a new one (quick seed 6: agentic-vision's 35 aged and 25 new
   * accounts were two enforced campaigns). Their clusters are joined; the older campaign stays.
   */
  private consolidate(): void {
    const groups: { root: number; mix: OperationMix }[] = [];
    for (const c of this.campaigns.values()) {
      if (c.parent !== null || !isEnforced(c.verdict)) continue;
      const root = this.find(c.root);
      if (this.rootCampaign.get(root) !== c) continue;
      const members = this.clusterOf(root).filter((m) => this.profiles[m]!.sub === null);
      if (members.length >= this.cfg.splitMinAccounts)
        groups.push({ root, mix: operationMix(members.map((m) => this.profiles[m]!)) });
    }
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const a = groups[i]!;
        const b = groups[j]!;
        if (this.find(a.root) === this.find(b.root)) continue;
        if (mixesAlike(a.mix, b.mix)) this.union(a.root, b.root);
      }
    }
  }

  /**
   * Separates the campaigns a cluster holds (see communities.ts). Union-find links clusters for
   * good, so two operations that share a bridge (a template both use, an HTTP client stack) end up
   * in one cluster; every few passes a cluster that grew is re-partitioned, and a group that is
   * weakly tied to the rest and acts differently becomes a campaign of its own, judged on its own
   * evidence from then on. The group holding most of the members the cluster's campaign was judged
   * on keeps that campaign.
   */
  private splitClusters(now: number, out: Decision[]): void {
    const min = this.cfg.splitMinAccounts;
    for (const c of [...this.campaigns.values()]) {
      if (c.parent !== null || this.rootCampaign.get(this.find(c.root)) !== c) continue;
      const members = this.clusterOf(this.find(c.root));
      if (members.length < 2 * min || Math.abs(members.length - c.splitSize) < 0.1 * c.splitSize) continue;
      c.splitSize = members.length;
      const groups = this.partition(members);
      if (groups.length === 1 && this.subCount === 0) continue;
      // The cluster's campaign stays with the group holding most of the members it was judged on
      // (after a union that may not be the largest group: an enforced campaign can be merged into
      // an older cluster of legitimate accounts, which must not inherit its verdict).
      let main = 0;
      let best = -1;
      for (let g = 0; g < groups.length; g++) {
        let own = 0;
        for (const m of groups[g]!.members) {
          const p = this.profiles[m]!;
          if (p.sub === null && p.campaignId === c.id) own++;
        }
        if (own > best) {
          best = own;
          main = g;
        }
      }
      for (const m of groups[main]!.members) this.profiles[m]!.sub = null;
      const claimed = new Set<string>();
      for (let g = 0; g < groups.length; g++) {
        if (g === main) continue;
        const group = groups[g]!.members;
        // a group holding most of a campaign split off earlier keeps that campaign
        const votes = new Map<string, number>();
        for (const m of group) {
          const id = this.profiles[m]!.sub;
          if (id !== null) votes.set(id, (votes.get(id) ?? 0) + 1);
        }
        let sub: CampaignState | undefined;
        let top = 0;
        for (const [id, v] of votes) {
          const cand = this.campaigns.get(id);
          if (!cand || claimed.has(id) || v <= top) continue;
          if (v >= group.length / 2 || v >= cand.members.length / 2) {
            sub = cand;
            top = v;
          }
        }
        if (sub) claimed.add(sub.id);
        if (!sub) {
          let firstSeen = Number.POSITIVE_INFINITY;
          for (const m of group) firstSeen = Math.min(firstSeen, this.profiles[m]!.firstMs);
          sub = this.newCampaign(c.root, firstSeen, c.id);
          this.subCount++;
        }
        sub.members = group;
        for (const m of group) this.profiles[m]!.sub = sub.id;
      }
      // the cluster's campaign is judged again on the members it kept
      c.lastPass = this.passes;
      c.lastN = this.clusterN[this.find(c.root)]!;
      c.lastEvidence = this.clusterEvidence[this.find(c.root)]!;
      this.judge(
        c,
        groups[main]!.members.map((m) => this.profiles[m]!),
        now,
        out,
      );
    }
    // judge the split-off campaigns (members that left are judged with their new campaign); one
    // that lost all its members is retired into the campaign most of them went to
    for (const c of [...this.campaigns.values()]) {
      if (c.parent === null) continue;
      const members = c.members.filter((m) => this.profiles[m]!.sub === c.id);
      if (members.length === 0) {
        const went = new Map<CampaignState, number>();
        for (const m of c.members) {
          const into = this.campaignFor(this.profiles[m]!);
          if (into && into !== c) went.set(into, (went.get(into) ?? 0) + 1);
        }
        let into: CampaignState | null = null;
        for (const [k, v] of went) if (!into || v > went.get(into)!) into = k;
        if (into) this.retire(c, into);
        else this.campaigns.delete(c.id);
        this.subCount--;
        continue;
      }
      c.members = members;
      c.lastPass = this.passes;
      this.judge(
        c,
        members.map((m) => this.profiles[m]!),
        now,
        out,
      );
      for (const m of members) {
        const p = this.profiles[m]!;
        if (p.campaignId !== c.id) {
          p.campaignId = c.id;
          this.evaluate(p, now, out);
        }
      }
    }
  }

  /** Partitions a cluster's members: their links among themselves, recomputed, then Louvain. */
  private partition(members: number[]): Group[] {
    const min = this.cfg.splitMinAccounts;
    const npop = this.npop();
    const maxDf = this.cfg.maxKeyShare * npop;
    const holders = new Map<number, number[]>();
    for (let i = 0; i < members.length; i++) {
      for (const b of this.profiles[members[i]!]!.keyBuckets) {
        let list = holders.get(b.id);
        if (!list) {
          list = [];
          holders.set(b.id, list);
        }
        list.push(i);
      }
    }
    let rng = 0x2545f491 ^ members.length;
    const random = () => {
      rng ^= rng << 13;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      return (rng >>> 0) / 4294967296;
    };
    const links: Link[] = [];
    const want = this.cfg.candidatesPerAccount;
    for (let i = 0; i < members.length; i++) {
      const p = this.profiles[members[i]!]!;
      const rotating = p.asns.size >= 4 || p.prefixes.size >= 4;
      const lists: number[][] = [];
      const dfs: number[] = [];
      for (let j = 0; j < p.keyBuckets.length; j++) {
        const b = p.keyBuckets[j]!;
        const df = b.df;
        const list = holders.get(b.id);
        if (!list || list.length < 2) continue;
        if (df > maxDf && !(rotating && isNetwork(p.keyTypes[j]!))) continue;
        lists.push(list);
        dfs.push(df);
      }
      const order = dfs.map((_, j) => j).sort((x, y) => dfs[x]! - dfs[y]!);
      const cands = new Set<number>();
      for (const j of order) {
        if (cands.size >= want) break;
        const list = lists[j]!;
        const take = Math.min(6, want - cands.size, list.length - 1);
        for (let t = 0, tries = 0; t < take && tries < 4 * take; tries++) {
          const q = list[Math.floor(random() * list.length)]!;
          if (q === i || cands.has(q)) continue;
          cands.add(q);
          t++;
        }
      }
      if (cands.size === 0) continue;
      const mine = this.probe(p);
      for (const q of cands) {
        const w = this.linkWeight(mine, p, this.profiles[members[q]!]!, npop, maxDf);
        if (w >= this.cfg.linkThreshold) links.push({ a: i, b: q, w });
      }
    }
    // splitMembers compares every pair of groups; each group's mix is computed once
    const mixes = new Map<readonly number[], OperationMix>();
    const mixOf = (group: readonly number[]) => {
      let mix = mixes.get(group);
      if (!mix) {
        mix = operationMix(group.map((i) => this.profiles[members[i]!]!));
        mixes.set(group, mix);
      }
      return mix;
    };
    const parts = splitMembers(members.length, links, {
      mergeRatio: this.cfg.splitMergeRatio,
      minGroup: min,
      seed: members.length,
      alike: (a, b) => mixesAlike(mixOf(a), mixOf(b)),
    });
    return parts.map((g) => ({ members: g.members.map((i) => members[i]!), tie: g.tie }));
  }
}
