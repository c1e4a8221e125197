/**
 * Per-account behaviour profile, updated one request at a time with bounded memory (a few KB per
 * account whatever its volume): volume and rate, inter-arrival regularity, hour / weekday spread,
 * conversation depth, prompt diversity and template concentration, capability mix, reasoning
 * elicitation, address / ASN rotation, identity consistency, account age and verification, models.
 */
import type { Verdict } from "../events/report.js";
import { CAP_COUNT } from "./capabilities.js";
import type { RequestFeatures } from "./features.js";
import { hashString } from "./hash.js";
import type { Bucket } from "./keys.js";
import { BandSet, HeavyHitters, MinHash, RunningStats, SmallSet } from "./sketch.js";

const DAY = 86_400_000;
/** Width of a slot in the recent-activity ring. */
export const SLOT_MS = 10 * 60_000;
/** Slots in the recent-activity ring (2 hours). */
export const SLOTS = 12;
/** Distinct system prompts whose use an account profile counts. */
const SYS_KEYS = 4;

/** Bits of AccountProfile.netChanged. */
export const NetChange = { prefix: 1, asn: 2, stack: 4 } as const;

/** One account's streaming state, plus its current verdict. */
export class AccountProfile {
  readonly id: string;
  readonly index: number;
  orgId: string | null = null;
  firstMs = 0;
  lastMs = 0;
  n = 0;
  errors = 0;
  /** Event time of the first refusal that looks like an account ban (403), or 0. */
  bannedMs = 0;
  readonly gaps = new RunningStats();
  readonly hours = new Uint32Array(24);
  readonly weekdays = new Uint32Array(7);
  multiTurn = 0;
  turnsSum = 0;
  readonly caps = new Uint32Array(CAP_COUNT);
  cot = 0;
  readonly heads = new HeavyHitters(8);
  readonly tails = new HeavyHitters(8);
  /**
   * System prompts the account has sent (skeleton hashes, the first SYS_KEYS distinct ones) and how
   * many requests carried each: the share of its traffic a system-prompt template holds.
   */
  sysKeys: number[] | null = null;
  sysCounts: number[] | null = null;
  /** Requests whose head or tail template had already been seen in this account. */
  templated = 0;
  /** Requests whose template key is shared with at least one other account. */
  sharedTemplate = 0;
  readonly simBands = new BandSet(64);
  /** Distinct client IPs and user agents, held as 32-bit hashes: only their number is used. */
  readonly ips = new SmallSet<number>(64);
  readonly prefixes = new SmallSet<string>(32);
  readonly asns = new SmallSet<number>(16);
  readonly countries = new SmallSet<string>(8);
  readonly uas = new SmallSet<number>(16);
  readonly uaFamilies = new SmallSet<string>(8);
  readonly tlss = new SmallSet<string>(8);
  /**
   * Which of the prefix, ASN and client stack (TLS or user agent) the last request changed from the
   * one before (NetChange bits; all of them on the first request): the engine re-keys only those.
   */
  netChanged = 0;
  /** The last request's network and client values (update skips the sets when they repeat). */
  private readonly lastNet = {
    ip: "",
    prefix: "",
    asn: null as number | null,
    country: "",
    userAgent: "",
    uaFamily: "",
    tls: "",
  };
  netDatacenter = 0;
  netVpn = 0;
  restricted = 0;
  /**
   * Consecutive requests from residential networks in different countries, less than
   * `geoHopMinutes` apart: a rotating residential proxy (no one travels that fast).
   */
  geoHops = 0;
  /** Time and country of the last request from a residential network. */
  lastResidentialMs = 0;
  lastResidentialCountry = "";
  readonly models = new Map<string, number>();
  /** Requests on a model released (first seen) less than a day before the request. */
  newModel = 0;
  createdMs = Number.NaN;
  /** Whether the engine has counted this account in its cluster's fresh members (once its age is known). */
  ageCounted = false;
  verified: boolean | null = null;
  payment = "";
  emailDomain = "";
  tier = "";
  /** MinHash of (template, time window) tokens: synchronised activity across accounts. */
  readonly sync = new MinHash(16);
  /** Requests per 10-minute slot over the last two hours (ring indexed by slot number). */
  readonly recent = new Uint16Array(SLOTS);
  recentSlot = -1;
  /** Global index keys this account belongs to, with their key types (keys.ts). */
  readonly keys: number[] = [];
  readonly keyTypes: number[] = [];
  /** The index bucket of each key (same positions as `keys`). */
  readonly keyBuckets: Bucket[] = [];
  /**
   * The buckets' ids (same positions), in one contiguous array: linking scans a candidate's keys for
   * ones it shares, and reading ids from here costs one memory fetch instead of one per bucket.
   */
  keyIds = new Int32Array(8);
  /** Template keys held (capped). */
  templateKeys = 0;
  /** Key set changed since the last linking pass. */
  dirty = false;
  /** Last values turned into index keys (skip re-keying unchanged attributes); keyed after the first request. */
  readonly last = {
    keyed: false,
    /** The keys of the last prefix, ASN and TLS + user-agent pair (0: none). */
    prefixKey: 0,
    asnKey: 0,
    tlsUaKey: 0,
    payment: "",
    createdMs: Number.NaN,
    emailDomain: "",
    orgId: null as string | null,
  };
  lastSyncToken = 0;
  /** Distinct time windows of the synchrony tokens (counted as the window changes), and the last one. */
  syncWindows = 0;
  lastSyncWindow = -1;
  /** Whether the account was queued for linking once its synchrony became measurable. */
  syncLinked = false;
  /** Reasons at the moment the account was first enforced. */
  flagReasons: import("../events/report.js").Reason[] | null = null;
  /** Set by cross-account passes. */
  flags = {
    /** Other identities paying with this account's card. */
    paymentShared: 0,
    /**
     * ... of which were not established at their first request (fresh, in between or of unknown
     * age); 0 unless they are at least `paymentNewShare` of them.
     */
    paymentSharedNew: 0,
    creationBurst: 0,
    banCascade: 0,
    uaMismatch: 0,
    /**
     * 1 once the account was seen sending one runtime's user agents over a stack that runtime is
     * never seen with, for as long as it keeps to that stack and runtime and is not relayed.
     */
    forged: 0,
    relay: 0,
  };
  // verdict state
  verdict: Verdict = "allow";
  protect = false;
  score = 0;
  campaignId: string | null = null;
  /** Campaign joined through its signature (without a link of its own yet). */
  joined: string | null = null;
  /** Campaign this account was separated into when its cluster was split (communities.ts). */
  sub: string | null = null;
  firstFlaggedMs = 0;
  /** Coarse level of the account's own evidence at its last evaluation (see engine `evaluate`). */
  evidenceLevel = 0;
  /** n at the last evaluation. */
  evaluatedAt = 0;

  constructor(id: string, index: number) {
    this.id = id;
    this.index = index;
  }

  /** Folds one request into the profile. `restrictedCountry` and `newModel` are decided by the engine. */
  update(f: RequestFeatures, restrictedCountry: boolean, newModel: boolean, geoHopMs = 0): void {
    const t = f.timeMs;
    if (this.n === 0) {
      this.firstMs = t;
    } else {
      const gap = (t - this.lastMs) / 1000;
      if (gap >= 0 && gap < 3600) this.gaps.add(gap);
    }
    if (t > this.lastMs) this.lastMs = t;
    this.n++;
    if (f.orgId) this.orgId = f.orgId;
    if (f.status >= 400) this.errors++;
    if (f.banned && this.bannedMs === 0) this.bannedMs = t;
    // UTC hour and weekday without a Date per request (1970-01-01 was a Thursday)
    const hour = Math.floor(t / 3_600_000);
    this.hours[((hour % 24) + 24) % 24]!++;
    const day = Math.floor(hour / 24);
    this.weekdays[(((day + 4) % 7) + 7) % 7]!++;
    if (f.turns > 1) this.multiTurn++;
    this.turnsSum += f.turns;
    for (let i = 0, m = f.caps; m !== 0; i++, m >>>= 1) if (m & 1) this.caps[i]!++;
    if (f.cot) this.cot++;
    const h = this.heads.add(f.headKey);
    const tl = this.tails.add(f.tailKey);
    if (h > 1 || tl > 1) this.templated++;
    if (f.sysKey !== 0) this.countSystem(f.sysKey);
    this.simBands.add(f.simHi >>> 20);
    // A value equal to the last request's is in its set already (or was refused by the cap, which
    // the set has counted): most requests repeat their account's address and client, and skipping
    // the sets spares lookups that miss the cache on a large population.
    const seen = this.n > 1;
    const net = this.lastNet;
    if (!seen || f.ip !== net.ip) {
      net.ip = f.ip;
      if (f.ip) this.ips.add(hashString(f.ip));
    }
    let changed = 0;
    if (!seen || f.prefix !== net.prefix) {
      net.prefix = f.prefix;
      changed |= NetChange.prefix;
      if (f.prefix) this.prefixes.add(f.prefix);
    }
    if (!seen || f.asn !== net.asn) {
      net.asn = f.asn;
      changed |= NetChange.asn;
      if (f.asn !== null) this.asns.add(f.asn);
    }
    if (!seen || f.country !== net.country) {
      net.country = f.country;
      if (f.country) this.countries.add(f.country);
    }
    if (!seen || f.userAgent !== net.userAgent) {
      net.userAgent = f.userAgent;
      changed |= NetChange.stack;
      this.uas.add(hashString(f.userAgent));
    }
    if (!seen || f.uaFamily !== net.uaFamily) {
      net.uaFamily = f.uaFamily;
      this.uaFamilies.add(f.uaFamily);
    }
    if (!seen || f.tls !== net.tls) {
      net.tls = f.tls;
      changed |= NetChange.stack;
      this.tlss.add(f.tls);
    }
    this.netChanged = changed;
    if (f.netClass === "datacenter") this.netDatacenter++;
    else if (f.netClass === "vpn") this.netVpn++;
    else if (f.netClass === "residential" && f.country) {
      if (
        this.lastResidentialCountry !== "" &&
        f.country !== this.lastResidentialCountry &&
        Math.abs(t - this.lastResidentialMs) < geoHopMs
      ) {
        this.geoHops++;
      }
      this.lastResidentialMs = t;
      this.lastResidentialCountry = f.country;
    }
    if (restrictedCountry) this.restricted++;
    if (f.model) {
      const c = this.models.get(f.model);
      if (c !== undefined) this.models.set(f.model, c + 1);
      else if (this.models.size < 8) this.models.set(f.model, 1);
    }
    if (newModel) this.newModel++;
    if (!Number.isNaN(f.createdMs)) this.createdMs = f.createdMs;
    if (f.verified !== null) this.verified = f.verified;
    if (f.payment) this.payment = f.payment;
    if (f.emailDomain) this.emailDomain = f.emailDomain;
    if (f.tier) this.tier = f.tier;
    const slot = Math.floor(t / SLOT_MS);
    if (slot > this.recentSlot) {
      const from = Math.max(this.recentSlot + 1, slot - SLOTS + 1);
      for (let k = from; k <= slot; k++) this.recent[k % SLOTS] = 0;
      this.recentSlot = slot;
    }
    if (slot > this.recentSlot - SLOTS) {
      const r = slot % SLOTS;
      if (this.recent[r]! < 65535) this.recent[r]!++;
    }
  }

  /** Records that the account holds an index key (the caller checks it is new and within the caps). */
  holdKey(key: number, type: number, bucket: Bucket): void {
    const i = this.keys.length;
    if (i === this.keyIds.length) {
      const grown = new Int32Array(2 * i);
      grown.set(this.keyIds);
      this.keyIds = grown;
    }
    this.keyIds[i] = bucket.id;
    this.keys.push(key);
    this.keyTypes.push(type);
    this.keyBuckets.push(bucket);
  }

  private countSystem(key: number): void {
    if (this.sysKeys === null || this.sysCounts === null) {
      this.sysKeys = [key];
      this.sysCounts = [1];
      return;
    }
    const i = this.sysKeys.indexOf(key);
    if (i >= 0) this.sysCounts[i]!++;
    else if (this.sysKeys.length < SYS_KEYS) {
      this.sysKeys.push(key);
      this.sysCounts.push(1);
    }
  }

  /**
   * Requests that carried a template (head, tail or system-prompt hash), as far as the sketches
   * still hold it; 0 once a rare template has been evicted from them.
   */
  templateCount(hash: number): number {
    let c = 0;
    const i = this.heads.keys.indexOf(hash);
    if (i >= 0) c = this.heads.counts[i]!;
    const j = this.tails.keys.indexOf(hash);
    if (j >= 0) c = Math.max(c, this.tails.counts[j]!);
    const k = this.sysKeys === null ? -1 : this.sysKeys.indexOf(hash);
    if (k >= 0) c = Math.max(c, this.sysCounts![k]!);
    return c;
  }

  /** Requests in the slots [fromSlot, toSlot] still held in the recent ring. */
  recentCount(fromSlot: number, toSlot: number): number {
    let s = 0;
    for (
      let k = Math.max(fromSlot, this.recentSlot - SLOTS + 1);
      k <= Math.min(toSlot, this.recentSlot);
      k++
    ) {
      s += this.recent[k % SLOTS]!;
    }
    return s;
  }

  /** Account age (days) at its first request here; NaN when the creation time is unknown. */
  ageAtFirstUseDays(): number {
    return (this.firstMs - this.createdMs) / DAY;
  }

  /** Share of requests on the account's most repeated head or tail template (0..1). */
  templateConcentration(): number {
    if (this.n === 0) return 0;
    return Math.max(this.heads.topCount(), this.tails.topCount()) / this.n;
  }

  /** Distinct prompt SimHash bands per request (1 = every prompt different), over the first 64. */
  diversity(): number {
    return this.n === 0 ? 1 : this.simBands.size / Math.min(this.n, 64);
  }

  /** Share of requests carrying the most frequent capability tag (0 when none are tagged). */
  capabilityConcentration(): { share: number; index: number } {
    let best = 0;
    let index = -1;
    for (let i = 0; i < this.caps.length; i++) {
      if (this.caps[i]! > best) {
        best = this.caps[i]!;
        index = i;
      }
    }
    return { share: this.n ? best / this.n : 0, index };
  }

  /** Number of hours of the day with activity. */
  activeHours(): number {
    let k = 0;
    for (const c of this.hours) if (c > 0) k++;
    return k;
  }

  /** Requests per active hour over the account's life. */
  ratePerHour(): number {
    const spanH = Math.max(1, (this.lastMs - this.firstMs) / 3_600_000);
    return this.n / spanH;
  }
}
