/**
 * The detection report written by `distillguard analyze` and read by `distillguard eval` (BRIEF:
 * "Detection report"). Extra fields are allowed; these are the ones every consumer relies on.
 */

export type Verdict = "allow" | "monitor" | "review" | "throttle" | "block";

/** Verdicts ordered from mildest to strongest. */
export const VERDICT_ORDER: readonly Verdict[] = ["allow", "monitor", "review", "throttle", "block"];

/** throttle and block are enforcement; review sends the account to an analyst. */
export function isEnforced(verdict: Verdict): boolean {
  return verdict === "throttle" || verdict === "block";
}

/** One reason behind a verdict: which rule or feature fired, with its evidence values. */
export interface Reason {
  /** Stable id of the rule or feature, e.g. "campaign.shared_template". */
  id: string;
  /** One human sentence. */
  text: string;
  /** Evidence values (numbers, short strings, short excerpts; never whole prompts). */
  evidence?: Record<string, unknown>;
  /** Contribution to the score. */
  weight?: number;
}

export interface AccountVerdict {
  account_id: string;
  verdict: Verdict;
  /** Withhold or summarise reasoning for this account (may accompany throttle). */
  protect?: boolean;
  score: number;
  campaign_id: string | null;
  /** Event time at which the account first reached throttle or block, processed causally; null if never. */
  first_flagged_at: string | null;
  reasons: Reason[];
}

export interface CampaignReport {
  id: string;
  accounts: string[];
  /** Event time of the first request of any of its accounts. */
  first_seen: string;
  /** Event time at which it, or any of its accounts, was first enforced (throttle or block); null if never. */
  detected_at: string | null;
  exchanges: number;
  capabilities: string[];
  indicators: Record<string, unknown>[];
  [extra: string]: unknown;
}

export interface DetectionReport {
  accounts: AccountVerdict[];
  campaigns: CampaignReport[];
  [extra: string]: unknown;
}
