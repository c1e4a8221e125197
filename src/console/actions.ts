/**
 * Analyst actions on accounts and campaigns, mapped onto analyst decisions in the gateway's
 * DecisionTable (which win over the detector's), each one audited with the decision before and
 * after. Every action is reversible: `clear` removes the analyst decision and hands the subject back
 * to the detector, and is itself audited.
 */
import type { Action, Decision, DecisionInput, DecisionTable } from "../gateway/policy/index.js";
import { supportRef } from "../live/live-detector.js";
import type { AuditEntry, AuditLog, DecisionSnapshot } from "./audit.js";
import type { Role } from "./users.js";

export type SubjectKind = "account" | "campaign";

/** What an analyst can do; `clear` is the reversal of any of the others. */
export type ActionName = "block" | "throttle" | "protect" | "warn" | "allow" | "monitor" | "clear";

export const ACTIONS_BY_KIND: Readonly<Record<SubjectKind, readonly ActionName[]>> = {
  // allow on a campaign = unblock: an analyst override that lifts the detector's campaign decision
  campaign: ["block", "throttle", "protect", "warn", "allow", "clear"],
  // allow on an account = allow-list (beats every campaign decision); monitor = reviewed, keep watching
  account: ["block", "throttle", "protect", "warn", "allow", "monitor", "clear"],
};

export interface ActionRequest {
  kind: SubjectKind;
  id: string;
  action: ActionName;
  reason: string;
  /** For throttle: factor of the normal limits (0 < f ≤ 1). */
  rateFactor?: number;
  /** Expiry of the decision, minutes from now (absent = until cleared). */
  minutes?: number;
}

export interface Actor {
  username: string;
  role: Role;
}

/**
 * The decision-table action behind an analyst action. `warn` is "review" in the table: requests are
 * served normally with an `x-distillguard-warning` header and a notice to the account owner.
 */
function tableAction(a: Exclude<ActionName, "clear">): Action {
  return a === "warn" ? "review" : a;
}

/** A validation failure (400). */
export class ActionError extends Error {}

/** Snapshot of a decision for the audit log and the API. */
export function snapshot(d: Decision | null | undefined): DecisionSnapshot | null {
  if (!d) return null;
  return {
    action: d.action,
    source: d.source,
    reason_code: d.reasonCode,
    ref: d.ref,
    until: d.until === undefined ? null : new Date(d.until).toISOString(),
    rate_factor: d.rateFactor ?? null,
    protect: d.protect === true,
  };
}

/**
 * Applies analyst actions. The DecisionTable has no read access to one source's decision, so the
 * analyst decisions set here are mirrored (the console is the only writer of analyst decisions).
 */
export class ConsoleActions {
  private readonly mirror = new Map<string, Decision>();

  constructor(
    private readonly decisions: DecisionTable,
    private readonly audit: AuditLog,
    /** The decision table's clock (expiry). */
    private readonly now: () => number = Date.now,
    /** The wall clock (audit times). */
    private readonly wallNow: () => number = now,
  ) {}

  /** The analyst decision in force on a subject, or null. */
  override(kind: SubjectKind, id: string): Decision | null {
    const d = this.mirror.get(`${kind}:${id}`);
    if (!d) return null;
    if (d.until !== undefined && d.until <= this.now()) return null;
    return d;
  }

  /** Every analyst decision in force. */
  overrides(): Decision[] {
    const t = this.now();
    return [...this.mirror.values()].filter((d) => d.until === undefined || d.until > t);
  }

  /** Validates, applies and audits one action. */
  apply(actor: Actor, req: ActionRequest): AuditEntry {
    if (actor.role === "viewer") throw new ActionError("viewers cannot act");
    if (req.kind !== "account" && req.kind !== "campaign")
      throw new ActionError("kind must be account or campaign");
    if (typeof req.id !== "string" || !req.id || req.id.length > 200) throw new ActionError("id is required");
    if (!ACTIONS_BY_KIND[req.kind].includes(req.action))
      throw new ActionError(
        `action must be one of ${ACTIONS_BY_KIND[req.kind].join(", ")} for a ${req.kind}`,
      );
    const reason = typeof req.reason === "string" ? req.reason.trim().slice(0, 1000) : "";
    if (!reason) throw new ActionError("a reason is required (it goes to the audit log)");
    if (req.rateFactor !== undefined && !(req.rateFactor > 0 && req.rateFactor <= 1))
      throw new ActionError("rateFactor must be in (0, 1]");
    if (req.minutes !== undefined && !(req.minutes > 0 && req.minutes <= 525_600))
      throw new ActionError("minutes must be in (0, 525600]");
    const key = `${req.kind}:${req.id}`;
    const before = this.override(req.kind, req.id);
    const t = this.now();
    let after: Decision | null = null;
    if (req.action === "clear") {
      if (req.kind === "account") this.decisions.clearAccount(req.id, "analyst");
      else this.decisions.clearCampaign(req.id, "analyst");
      this.mirror.delete(key);
    } else {
      const input: DecisionInput = {
        action: tableAction(req.action),
        reasonCode: `analyst_${req.action}`,
        ref: supportRef(`${key}:${actor.username}`, t),
        source: "analyst",
        ...(req.minutes !== undefined ? { until: t + req.minutes * 60_000 } : {}),
        ...(req.action === "throttle" && req.rateFactor !== undefined ? { rateFactor: req.rateFactor } : {}),
        ...(req.action === "protect" ? { protect: true } : {}),
      };
      after =
        req.kind === "account"
          ? this.decisions.setAccount(req.id, input)
          : this.decisions.setCampaign(req.id, input);
      this.mirror.set(key, after);
    }
    return this.audit.append({
      actor: actor.username,
      role: actor.role,
      action: `${req.kind}.${req.action}`,
      subject: { kind: req.kind, id: req.id },
      before: snapshot(before),
      after: snapshot(after),
      reason,
      time: new Date(this.wallNow()).toISOString(),
    });
  }
}
