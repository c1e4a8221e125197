/**
 * Ground truth written by `distillguard simulate` beside its log: one JSON object per line, one
 * line per account. Read by `distillguard eval`; never by the detector.
 */
export interface TruthRecord {
  account_id: string;
  org_id: string | null;
  /** "legit" for a legitimate customer, "attack" for an account run by a distillation campaign. */
  kind: "legit" | "attack";
  /** Population name for legitimate accounts (e.g. "batch_job", "eval_harness"), adversary profile for attackers. */
  population: string;
  /** Campaign id for attack accounts (accounts of one campaign share it); null for legitimate ones. */
  campaign_id: string | null;
}
