/**
 * The numbers that judge detection, computed in one streaming pass over a log with its ground truth:
 * for the detector's report and for each naive rate limit side by side.
 */
import type { DetectionReport } from "../events/report.js";
import { isEnforced } from "../events/report.js";
import type { TruthRecord } from "../events/truth.js";
import { type NaiveSpec, RollingLimit } from "./naive.js";

/** Results of one system (the detector or one naive limit). */
export interface SystemResult {
  name: string;
  kind: "detector" | "naive";
  attack_accounts: number;
  attack_enforced: number;
  /** Attack accounts enforced / attack accounts seen in the log. */
  recall: number;
  legit_accounts: number;
  legit_enforced: number;
  /** Legit accounts enforced / legit accounts seen. */
  legit_fpr: number;
  fpr_by_population: Record<string, number>;
  /** Accounts sent to review (not enforced) / all accounts; and per legit population. */
  review_rate: number;
  legit_review_rate: number;
  review_by_population: Record<string, number>;
  legit_exchanges_blocked: number;
  legit_exchanges_blocked_share: number;
  /** Share of each campaign's exchanges served before its accounts were enforced. */
  yield_by_campaign: Record<string, number>;
  /** All campaigns together. */
  attack_yield: number;
  /** Minutes from a campaign's first exchange to its first enforced account (null: never). */
  minutes_to_first_enforcement: Record<string, number | null>;
  /** Best-match Jaccard of each true campaign against the report's campaigns (detector only). */
  clustering: Record<string, { jaccard: number; matched: string | null }> | null;
}

export interface EvalResult {
  format: "distillguard.eval/v1";
  exchanges: number;
  unknown_accounts: number;
  unknown_exchanges: number;
  populations: Record<string, { kind: "legit" | "attack"; accounts: number; exchanges: number }>;
  campaigns: Record<string, { accounts: number; exchanges: number; first_seen: string }>;
  systems: SystemResult[];
}

interface AccountState {
  truth: TruthRecord;
  seen: number;
  exchanges: number;
  /** Per system: exchanges served before enforcement. */
  served: number[];
  /** Per system: enforcement time (Infinity: never; NaN: enforced without a time). */
  flagged: number[];
  reviewed: boolean;
}

/** Streaming evaluator: feed events in time order with `add`, then `finish`. */
export class Evaluator {
  private readonly accounts = new Map<string, AccountState>();
  private readonly index = new Map<string, number>();
  private readonly naive: RollingLimit[];
  private readonly names: string[];
  private readonly report: DetectionReport | null;
  private readonly detFlag = new Map<string, { at: number; review: boolean }>();
  private readonly campaignFirst = new Map<string, number>();
  private exchanges = 0;
  private unknownExchanges = 0;
  private readonly unknown = new Set<string>();

  constructor(truth: Iterable<TruthRecord>, report: DetectionReport | null, naive: readonly NaiveSpec[]) {
    this.report = report;
    this.naive = naive.map((s) => new RollingLimit(s));
    this.names = [...(report ? ["detector"] : []), ...naive.map((s) => `naive ${s.label}`)];
    const n = this.names.length;
    for (const t of truth) {
      this.accounts.set(t.account_id, {
        truth: t,
        seen: 0,
        exchanges: 0,
        served: new Array(n).fill(0),
        flagged: new Array(n).fill(Number.POSITIVE_INFINITY),
        reviewed: false,
      });
    }
    if (report) {
      for (const v of report.accounts ?? []) {
        const enforced = isEnforced(v.verdict) || v.first_flagged_at != null;
        const at = v.first_flagged_at
          ? Date.parse(v.first_flagged_at)
          : enforced
            ? Number.NaN
            : Number.POSITIVE_INFINITY;
        this.detFlag.set(v.account_id, { at, review: v.verdict === "review" && !enforced });
      }
      for (const [id, f] of this.detFlag) {
        const a = this.accounts.get(id);
        if (!a) continue;
        a.flagged[0] = f.at;
        a.reviewed = f.review;
      }
    }
  }

  /** Counts one exchange. */
  add(accountId: string, t: number): void {
    this.exchanges++;
    const a = this.accounts.get(accountId);
    if (!a) {
      this.unknownExchanges++;
      this.unknown.add(accountId);
      return;
    }
    let idx = this.index.get(accountId);
    if (idx === undefined) {
      idx = this.index.size;
      this.index.set(accountId, idx);
    }
    a.exchanges++;
    const cid = a.truth.campaign_id;
    if (cid && !((this.campaignFirst.get(cid) ?? Number.POSITIVE_INFINITY) <= t))
      this.campaignFirst.set(cid, t);
    const off = this.report ? 1 : 0;
    if (this.report) {
      const f = a.flagged[0] as number;
      if (!(t >= f)) a.served[0] = (a.served[0] as number) + 1;
    }
    for (let k = 0; k < this.naive.length; k++) {
      const j = off + k;
      if ((a.flagged[j] as number) <= t) continue;
      if (this.naive[k]!.hit(idx, t)) a.flagged[j] = t;
      else a.served[j] = (a.served[j] as number) + 1;
    }
  }

  /** Computes every system's figures. */
  finish(): EvalResult {
    const populations: EvalResult["populations"] = {};
    const campaigns: EvalResult["campaigns"] = {};
    const seen = [...this.accounts.values()].filter((a) => a.exchanges > 0);
    for (const a of seen) {
      const p = populations[a.truth.population] ?? { kind: a.truth.kind, accounts: 0, exchanges: 0 };
      populations[a.truth.population] = p;
      p.accounts++;
      p.exchanges += a.exchanges;
      const cid = a.truth.campaign_id;
      if (a.truth.kind === "attack" && cid) {
        const c = campaigns[cid] ?? {
          accounts: 0,
          exchanges: 0,
          first_seen: new Date(this.campaignFirst.get(cid) ?? 0).toISOString(),
        };
        campaigns[cid] = c;
        c.accounts++;
        c.exchanges += a.exchanges;
      }
    }
    const systems = this.names.map((name, j) => this.system(name, j, seen, populations, campaigns));
    return {
      format: "distillguard.eval/v1",
      exchanges: this.exchanges,
      unknown_accounts: this.unknown.size,
      unknown_exchanges: this.unknownExchanges,
      populations,
      campaigns,
      systems,
    };
  }

  private system(
    name: string,
    j: number,
    seen: AccountState[],
    populations: EvalResult["populations"],
    campaigns: EvalResult["campaigns"],
  ): SystemResult {
    const detector = this.report !== null && j === 0;
    const enforced = (a: AccountState): boolean => (a.flagged[j] as number) !== Number.POSITIVE_INFINITY;
    let attack = 0;
    let attackEnf = 0;
    let legit = 0;
    let legitEnf = 0;
    let reviewed = 0;
    let legitReviewed = 0;
    let legitEx = 0;
    let legitBlocked = 0;
    let attackEx = 0;
    let attackServed = 0;
    const popEnf: Record<string, number> = {};
    const popRev: Record<string, number> = {};
    const campServed: Record<string, number> = {};
    const campFirstFlag: Record<string, number> = {};
    for (const a of seen) {
      const e = enforced(a);
      const rev = detector && a.reviewed;
      if (rev) reviewed++;
      if (a.truth.kind === "attack") {
        attack++;
        if (e) attackEnf++;
        attackEx += a.exchanges;
        attackServed += a.served[j] as number;
        const cid = a.truth.campaign_id ?? "(none)";
        campServed[cid] = (campServed[cid] ?? 0) + (a.served[j] as number);
        const f = a.flagged[j] as number;
        if (Number.isFinite(f))
          campFirstFlag[cid] = Math.min(campFirstFlag[cid] ?? Number.POSITIVE_INFINITY, f);
      } else {
        legit++;
        legitEx += a.exchanges;
        legitBlocked += a.exchanges - (a.served[j] as number);
        if (e) {
          legitEnf++;
          popEnf[a.truth.population] = (popEnf[a.truth.population] ?? 0) + 1;
        }
        if (rev) {
          legitReviewed++;
          popRev[a.truth.population] = (popRev[a.truth.population] ?? 0) + 1;
        }
      }
    }
    const fpr: Record<string, number> = {};
    const review: Record<string, number> = {};
    for (const [p, s] of Object.entries(populations)) {
      if (s.kind !== "legit") continue;
      fpr[p] = (popEnf[p] ?? 0) / s.accounts;
      review[p] = (popRev[p] ?? 0) / s.accounts;
    }
    const yields: Record<string, number> = {};
    const minutes: Record<string, number | null> = {};
    for (const [cid, c] of Object.entries(campaigns)) {
      yields[cid] = c.exchanges > 0 ? (campServed[cid] ?? 0) / c.exchanges : 0;
      const f = campFirstFlag[cid];
      minutes[cid] = f === undefined ? null : Math.max(0, (f - Date.parse(c.first_seen)) / 60_000);
    }
    return {
      name,
      kind: detector ? "detector" : "naive",
      attack_accounts: attack,
      attack_enforced: attackEnf,
      recall: attack > 0 ? attackEnf / attack : 0,
      legit_accounts: legit,
      legit_enforced: legitEnf,
      legit_fpr: legit > 0 ? legitEnf / legit : 0,
      fpr_by_population: fpr,
      review_rate: seen.length > 0 ? reviewed / seen.length : 0,
      legit_review_rate: legit > 0 ? legitReviewed / legit : 0,
      review_by_population: review,
      legit_exchanges_blocked: legitBlocked,
      legit_exchanges_blocked_share: legitEx > 0 ? legitBlocked / legitEx : 0,
      yield_by_campaign: yields,
      attack_yield: attackEx > 0 ? attackServed / attackEx : 0,
      minutes_to_first_enforcement: minutes,
      clustering: detector ? this.clustering(seen) : null,
    };
  }

  private clustering(seen: AccountState[]): SystemResult["clustering"] {
    const truthSets = new Map<string, Set<string>>();
    for (const a of seen) {
      const cid = a.truth.campaign_id;
      if (a.truth.kind !== "attack" || !cid) continue;
      const s = truthSets.get(cid) ?? new Set<string>();
      truthSets.set(cid, s);
      s.add(a.truth.account_id);
    }
    const found = (this.report?.campaigns ?? []).map((c) => ({ id: c.id, set: new Set(c.accounts ?? []) }));
    const out: NonNullable<SystemResult["clustering"]> = {};
    for (const [cid, s] of truthSets) {
      let best = 0;
      let matched: string | null = null;
      for (const f of found) {
        let inter = 0;
        for (const x of f.set) if (s.has(x)) inter++;
        const j = inter / (s.size + f.set.size - inter);
        if (j > best) {
          best = j;
          matched = f.id;
        }
      }
      out[cid] = { jaccard: best, matched };
    }
    return out;
  }
}
