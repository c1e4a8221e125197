import type { Decision } from "./policy/index.js";

/** A notice to an account's owner, readable with the account's own API key. */
export interface Notice {
  time: string;
  kind: "usage_review" | "throttled" | "reasoning_withheld";
  message: string;
  /** Support reference to quote. */
  ref: string;
}

const MESSAGES: Record<Notice["kind"], string> = {
  usage_review:
    "Your recent usage resembles bulk extraction of model outputs (distillation). If this is a legitimate workload " +
    "(evaluation, batch processing), contact support with the reference so it can be confirmed.",
  throttled:
    "Your rate limits have been reduced because your usage resembles coordinated bulk extraction of model outputs. " +
    "Contact support with the reference to have this reviewed.",
  reasoning_withheld:
    "Extended thinking / reasoning output is withheld for this account while its usage is reviewed. " +
    "Contact support with the reference.",
};

const MAX_PER_ACCOUNT = 20;

/**
 * Notices to account owners when the detector or an analyst warns, throttles or protects their
 * account: one per decision (never the evidence), newest first, bounded per account.
 */
export class NoticeBoard {
  private readonly byAccount = new Map<string, { version: number; notices: Notice[] }>();

  /** Posts the notice that `decision` implies, once per decision version. Returns the kind posted, if any. */
  post(accountId: string, decision: Decision, nowMs: number): Notice["kind"] | null {
    const kind: Notice["kind"] | null =
      decision.action === "throttle"
        ? "throttled"
        : decision.action === "review"
          ? "usage_review"
          : decision.action === "protect" || decision.protect
            ? "reasoning_withheld"
            : null;
    if (kind === null) return null;
    let entry = this.byAccount.get(accountId);
    if (entry?.version === decision.version) return kind;
    if (!entry) {
      entry = { version: decision.version, notices: [] };
      this.byAccount.set(accountId, entry);
    }
    entry.version = decision.version;
    entry.notices.unshift({
      time: new Date(nowMs).toISOString(),
      kind,
      message: MESSAGES[kind],
      ref: decision.ref,
    });
    if (entry.notices.length > MAX_PER_ACCOUNT) entry.notices.length = MAX_PER_ACCOUNT;
    return kind;
  }

  list(accountId: string): Notice[] {
    return this.byAccount.get(accountId)?.notices ?? [];
  }
}
