/**
 * Enforcement decisions the gateway consults on every request: per account and per campaign, from
 * the detector or from an analyst. Lookups are a few Map reads; nothing here does I/O.
 *
 * ## Resolution for `get(accountId, now)` (expired decisions are ignored)
 * 1. an analyst decision on the account (an analyst "allow" is an allow-list entry and beats all);
 * 2. else an analyst decision on the account's campaign;
 * 3. else the more severe of the detector's account decision and the detector's campaign
 *    decision (severity: allow < monitor < review < protect < throttle < block);
 * 4. else null: no decision, the request goes through normally.
 * A campaign decision reaches every account linked to the campaign (`link`), so fresh accounts of
 * a known campaign are caught the moment the detector links them.
 */

/** What the gateway does with an account's requests. */
export type Action = "allow" | "monitor" | "review" | "protect" | "throttle" | "block";

/** Who took a decision; analyst decisions override detector ones. */
export type DecisionSource = "detector" | "analyst";

/** Severity rank of each action (higher is stricter). */
export const ACTION_SEVERITY: Readonly<Record<Action, number>> = {
  allow: 0,
  monitor: 1,
  review: 2,
  protect: 3,
  throttle: 4,
  block: 5,
};

/** One enforcement decision as set by the detector or an analyst. */
export interface DecisionInput {
  action: Action;
  /** Stable machine-readable reason, e.g. "campaign_template_reuse". */
  reasonCode: string;
  /** Support reference shown to the customer (e.g. in a block message). */
  ref: string;
  /** Expiry, ms since epoch; absent = until cleared. */
  until?: number;
  source: DecisionSource;
  campaignId?: string;
  /** For "throttle": the factor (0 < f ≤ 1) applied to the account's rate limits. */
  rateFactor?: number;
  /** For "protect" or alongside "throttle": serve responses with provenance protection. */
  protect?: boolean;
}

/** A stored decision: the input plus where it applies and when it was set. */
export interface Decision extends DecisionInput {
  scope: "account" | "campaign";
  /** The account id or campaign id the decision is attached to. */
  subject: string;
  /** The table version at which it was set. */
  version: number;
}

/** A change notification; `version` is the table version after the change. */
export interface DecisionChange {
  kind: "account" | "campaign" | "link";
  id: string;
  source: DecisionSource | null;
  version: number;
}

/** Receives every change, synchronously, after it is applied. */
export type DecisionListener = (change: DecisionChange) => void;

interface Slot {
  detector?: Decision;
  analyst?: Decision;
}

/** The in-memory table of decisions. */
export class DecisionTable {
  private readonly accounts = new Map<string, Slot>();
  private readonly campaigns = new Map<string, Slot>();
  private readonly membership = new Map<string, string>();
  private readonly listeners = new Set<DecisionListener>();
  private ver = 0;

  /** Increments on every change; the gateway can compare it to know whether anything changed. */
  get version(): number {
    return this.ver;
  }

  /** The decision in force for `accountId` at `now` (ms), or null. See the module comment. */
  get(accountId: string, now: number): Decision | null {
    const own = this.accounts.get(accountId);
    const a = own?.analyst;
    if (a !== undefined && live(a, now)) return a;
    const campaignId = this.membership.get(accountId);
    const camp = campaignId === undefined ? undefined : this.campaigns.get(campaignId);
    const ca = camp?.analyst;
    if (ca !== undefined && live(ca, now)) return ca;
    let d = own?.detector;
    if (d !== undefined && !live(d, now)) d = undefined;
    let cd = camp?.detector;
    if (cd !== undefined && !live(cd, now)) cd = undefined;
    if (d === undefined) return cd ?? null;
    if (cd === undefined) return d;
    return ACTION_SEVERITY[cd.action] > ACTION_SEVERITY[d.action] ? cd : d;
  }

  /** The campaign an account is linked to, if any. */
  campaignOf(accountId: string): string | undefined {
    return this.membership.get(accountId);
  }

  /**
   * Sets (replaces) the account decision of `input.source`; with `input.campaignId` it also links
   * the account to that campaign. Returns the stored decision.
   */
  setAccount(accountId: string, input: DecisionInput): Decision {
    const d = this.store(this.accounts, "account", accountId, input);
    if (input.campaignId !== undefined) this.membership.set(accountId, input.campaignId);
    return d;
  }

  /** Sets (replaces) the campaign decision of `input.source`. Returns the stored decision. */
  setCampaign(campaignId: string, input: DecisionInput): Decision {
    return this.store(this.campaigns, "campaign", campaignId, { ...input, campaignId });
  }

  /** Links an account to a campaign (replacing any earlier link), so campaign decisions reach it. */
  link(accountId: string, campaignId: string): void {
    if (this.membership.get(accountId) === campaignId) return;
    this.membership.set(accountId, campaignId);
    this.emit("link", accountId, null);
  }

  /** Removes an account's link to its campaign. */
  unlink(accountId: string): void {
    if (this.membership.delete(accountId)) this.emit("link", accountId, null);
  }

  /** Clears an account decision of one source (or both when `source` is omitted). True if any was removed. */
  clearAccount(accountId: string, source?: DecisionSource): boolean {
    return this.clear(this.accounts, "account", accountId, source);
  }

  /** Clears a campaign decision of one source (or both). True if any was removed. */
  clearCampaign(campaignId: string, source?: DecisionSource): boolean {
    return this.clear(this.campaigns, "campaign", campaignId, source);
  }

  /** Deletes every decision that expired at `now`; notifies once per removal. Returns the count. */
  sweep(now: number): number {
    let removed = 0;
    for (const [map, kind] of [
      [this.accounts, "account"],
      [this.campaigns, "campaign"],
    ] as const) {
      for (const [id, slot] of map) {
        for (const source of ["detector", "analyst"] as const) {
          const d = slot[source];
          if (d !== undefined && !live(d, now)) {
            this.clear(map, kind, id, source);
            removed++;
          }
        }
      }
    }
    return removed;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: DecisionListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Number of accounts and campaigns holding at least one decision. */
  get size(): { accounts: number; campaigns: number; links: number } {
    return { accounts: this.accounts.size, campaigns: this.campaigns.size, links: this.membership.size };
  }

  private store(
    map: Map<string, Slot>,
    scope: "account" | "campaign",
    subject: string,
    input: DecisionInput,
  ): Decision {
    const decision: Decision = { ...input, scope, subject, version: this.ver + 1 };
    let slot = map.get(subject);
    if (slot === undefined) {
      slot = {};
      map.set(subject, slot);
    }
    slot[input.source] = decision;
    this.emit(scope, subject, input.source);
    return decision;
  }

  private clear(
    map: Map<string, Slot>,
    kind: "account" | "campaign",
    id: string,
    source: DecisionSource | undefined,
  ): boolean {
    const slot = map.get(id);
    if (slot === undefined) return false;
    let removed = false;
    for (const s of ["detector", "analyst"] as const) {
      if ((source === undefined || source === s) && slot[s] !== undefined) {
        slot[s] = undefined;
        removed = true;
        this.emit(kind, id, s);
      }
    }
    if (slot.detector === undefined && slot.analyst === undefined) map.delete(id);
    return removed;
  }

  private emit(kind: DecisionChange["kind"], id: string, source: DecisionSource | null): void {
    this.ver++;
    if (this.listeners.size === 0) return;
    const change: DecisionChange = { kind, id, source, version: this.ver };
    for (const l of this.listeners) l(change);
  }
}

function live(d: Decision, now: number): boolean {
  return d.until === undefined || d.until > now;
}
