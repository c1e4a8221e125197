/**
 * Verdict history per account and per campaign, from the live detector's `onDecision` hook:
 * bounded per subject and in the number of subjects.
 */
import type { Decision } from "../detect/index.js";
import type { Reason } from "../events/report.js";

export interface VerdictChange {
  time: string;
  verdict: string;
  previous: string;
  protect: boolean;
  campaign_id: string | null;
  reasons: Reason[];
}

/** Bounded verdict histories. */
export class VerdictHistory {
  private readonly subjects = new Map<string, VerdictChange[]>();

  constructor(
    private readonly perSubject = 50,
    private readonly maxSubjects = 100_000,
  ) {}

  /** Records one verdict change (the detector's Decision). */
  add(d: Decision): void {
    const key = `${d.scope}:${d.id}`;
    let list = this.subjects.get(key);
    if (!list) {
      list = [];
      if (this.subjects.size >= this.maxSubjects) {
        const oldest = this.subjects.keys().next().value;
        if (oldest !== undefined) this.subjects.delete(oldest);
      }
      this.subjects.set(key, list);
    }
    list.push({
      time: new Date(d.timeMs).toISOString(),
      verdict: d.verdict,
      previous: d.previous,
      protect: d.protect,
      campaign_id: d.campaignId,
      reasons: d.reasons.slice(0, 12),
    });
    if (list.length > this.perSubject) list.shift();
  }

  /** Oldest first. */
  of(scope: "account" | "campaign", id: string): VerdictChange[] {
    return this.subjects.get(`${scope}:${id}`) ?? [];
  }
}
