import type { Decision } from "../detect/index.js";
import { VERDICT_ORDER, type Verdict } from "../events/report.js";
import { type Alert, newAlertId } from "./webhooks.js";

export interface AlertPolicy {
  /** A campaign is announced once its verdict reaches this level. */
  minVerdict: Verdict;
  /** "grew" fires when membership reaches `growthFactor` × the size last announced… */
  growthFactor: number;
  /** …and at least this many accounts more. */
  growthMin: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { minVerdict: "review", growthFactor: 2, growthMin: 5 };

interface CampaignState {
  verdict: Verdict;
  announced: Verdict | null;
  members: Set<string>;
  announcedSize: number;
  reasons: string[];
}

const rank = (v: Verdict) => VERDICT_ORDER.indexOf(v);

/**
 * Turns the detector's verdict changes into campaign alerts: detected (first time at or above the
 * policy's level), escalated (a stronger verdict than the last one announced) and grew (membership
 * multiplied). Each (campaign, kind, level) is announced once: repeated or flapping verdicts do not
 * repeat alerts.
 */
export class AlertManager {
  private readonly campaigns = new Map<string, CampaignState>();
  private readonly sent = new Set<string>();

  constructor(
    private readonly emit: (a: Alert) => void,
    private readonly policy: AlertPolicy = DEFAULT_ALERT_POLICY,
    private readonly link: (campaignId: string) => string | null = () => null,
  ) {}

  /** Feed every detector decision here. */
  onDecision(d: Decision): void {
    const id = d.scope === "campaign" ? d.id : d.campaignId;
    if (!id) return;
    let c = this.campaigns.get(id);
    if (!c) {
      c = { verdict: "allow", announced: null, members: new Set(), announcedSize: 0, reasons: [] };
      this.campaigns.set(id, c);
    }
    if (d.scope === "account") c.members.add(d.id);
    if (d.reasons.length > 0) c.reasons = d.reasons.slice(0, 3).map((r) => r.text);
    if (d.scope === "campaign" || rank(d.verdict) > rank(c.verdict)) {
      if (rank(d.verdict) > rank(c.verdict) || d.scope === "campaign") c.verdict = d.verdict;
    }
    const time = new Date(d.timeMs).toISOString();
    if (rank(c.verdict) < rank(this.policy.minVerdict)) return;
    if (c.announced === null) {
      this.fire(id, c, "campaign.detected", c.verdict, null, time);
      c.announced = c.verdict;
      c.announcedSize = c.members.size;
      return;
    }
    if (rank(c.verdict) > rank(c.announced)) {
      this.fire(id, c, "campaign.escalated", c.verdict, c.announced, time);
      c.announced = c.verdict;
    }
    const size = c.members.size;
    if (
      size >= c.announcedSize * this.policy.growthFactor &&
      size >= c.announcedSize + this.policy.growthMin
    ) {
      this.fire(id, c, "campaign.grew", String(size), null, time);
      c.announcedSize = size;
    }
  }

  private fire(
    id: string,
    c: CampaignState,
    kind: Alert["kind"],
    level: string,
    previous: Verdict | null,
    time: string,
  ) {
    const key = `${id}|${kind}|${level}`;
    if (this.sent.has(key)) return;
    this.sent.add(key);
    this.emit({
      id: newAlertId(),
      kind,
      time,
      campaign_id: id,
      verdict: c.verdict,
      previous_verdict: previous,
      accounts: c.members.size,
      reasons: c.reasons,
      link: this.link(id),
    });
  }
}
