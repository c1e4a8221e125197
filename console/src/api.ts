/** The console API client: same-origin fetch with the session cookie and the CSRF header. */

export type Role = "viewer" | "analyst" | "admin";

export interface SessionInfo {
  user: { username: string; role: Role };
  csrf: string;
  can_act: boolean;
  retention: "none" | "full";
  actions: { account: string[]; campaign: string[] };
}

export interface DecisionSnapshot {
  action: string;
  source: string;
  reason_code: string;
  ref: string;
  until: string | null;
  rate_factor: number | null;
  protect: boolean;
}

export interface Reason {
  id: string;
  text: string;
  evidence?: Record<string, unknown>;
  weight?: number;
}

export interface AuditEntry {
  id: string;
  time: string;
  actor: string;
  role: Role;
  action: string;
  subject: { kind: "account" | "campaign"; id: string };
  before: DecisionSnapshot | null;
  after: DecisionSnapshot | null;
  reason: string;
}

export interface Bucket {
  t: number;
  requests: number;
  ok: number;
  client_errors: number;
  blocked: number;
  limited: number;
  server_errors: number;
  verdicts: Record<string, number>;
}

export interface CampaignSummary {
  id: string;
  members: number;
  first_seen: string;
  detected_at: string | null;
  exchanges: number;
  capabilities: string[];
  verdict: string | null;
  score: number | null;
  protect: boolean;
  override: DecisionSnapshot | null;
  enforcement: string | null;
  blocked_requests: number;
  top_reasons: string[];
}

export interface Overview {
  now: string;
  bucket_ms: number;
  series: Bucket[];
  verdicts: Record<string, number>;
  accounts_seen: number;
  requests_seen: number;
  campaigns: CampaignSummary[];
  review_count: number;
  overrides: number;
  queue: {
    detector: {
      received: number;
      processed: number;
      dropped: number;
      queued: number;
      lagMs: number;
      decisions: number;
      errors: number;
    } | null;
    recorder: { queued: number; written: number; dropped: number } | null;
  };
}

export interface GraphData {
  nodes: { id: string; verdict: string; requests: number }[];
  edges: { source: string; target: string; types: string[]; type: string }[];
  omitted: number;
  edge_source: string;
}

export interface CampaignDetail {
  campaign: CampaignSummary & { indicators: Record<string, unknown>[]; reasons: Reason[] };
  members: {
    account_id: string;
    verdict: string;
    score: number;
    requests: number;
    first_seen: string | null;
    last_seen: string | null;
    effective: DecisionSnapshot | null;
  }[];
  graph: GraphData;
  timeline: { t: number; requests: number; blocked: number }[];
  bucket_ms: number;
  models: Record<string, number>;
  release_behaviour: Reason[];
  history: VerdictChange[];
  audit: AuditEntry[];
  actions: string[];
}

export interface VerdictChange {
  time: string;
  verdict: string;
  previous: string;
  protect: boolean;
  campaign_id: string | null;
  reasons: Reason[];
}

export interface AccountDetail {
  account: {
    account_id: string;
    org_id: string | null;
    org_name: string | null;
    created_at: string | null;
    verified: boolean | null;
    tier: string | null;
    email_domain: string | null;
    payment_fingerprint: string | null;
    keys: { id: string; name: string | null; created_at: string; revoked_at: string | null }[];
  };
  verdict: {
    verdict: string;
    score: number;
    protect: boolean;
    first_flagged_at: string | null;
    reasons: Reason[];
  } | null;
  campaign_id: string | null;
  effective: DecisionSnapshot | null;
  override: DecisionSnapshot | null;
  campaign_override: DecisionSnapshot | null;
  activity: {
    requests: number;
    first_seen: string;
    last_seen: string;
    statuses: Record<string, number>;
    models: Record<string, number>;
    apis: Record<string, number>;
    input_tokens: number;
    output_tokens: number;
    series: [number, number, number][];
    user_agents: string[];
    countries: string[];
    ip_prefixes: string[];
    templates: string[];
  } | null;
  bucket_ms: number;
  samples: { time: string; text: string }[] | null;
  retention: string;
  history: VerdictChange[];
  audit: AuditEntry[];
  actions: string[];
}

export interface ReviewItem {
  account_id: string;
  score: number;
  campaign_id: string | null;
  requests: number;
  reasons: Reason[];
  effective: DecisionSnapshot | null;
}

export interface AccountRow {
  account_id: string;
  verdict: string;
  score: number;
  campaign_id: string | null;
  requests: number;
  effective: DecisionSnapshot | null;
}

/** An API failure with the server's code. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = "";

/** Remembers the CSRF token of the current session. */
export function setCsrf(token: string): void {
  csrf = token;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = csrf;
  const res = await fetch(`/console/api${path}`, {
    method,
    headers,
    credentials: "same-origin",
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok)
    throw new ApiFailure(res.status, data.error?.code ?? "error", data.error?.message ?? res.statusText);
  return data as T;
}

export const api = {
  session: () => call<SessionInfo>("GET", "/session"),
  login: (username: string, password: string) => call<SessionInfo>("POST", "/login", { username, password }),
  logout: () => call<{ ok: true }>("POST", "/logout", {}),
  overview: (minutes: number) => call<Overview>("GET", `/overview?minutes=${minutes}`),
  campaigns: () => call<{ now: string; campaigns: CampaignSummary[] }>("GET", "/campaigns"),
  campaign: (id: string) => call<CampaignDetail>("GET", `/campaigns/${encodeURIComponent(id)}`),
  accounts: () => call<{ accounts: AccountRow[] }>("GET", "/accounts"),
  account: (id: string) => call<AccountDetail>("GET", `/accounts/${encodeURIComponent(id)}`),
  review: () => call<{ accounts: ReviewItem[] }>("GET", "/review"),
  audit: () => call<{ entries: AuditEntry[] }>("GET", "/audit?limit=500"),
  act: (req: {
    kind: "account" | "campaign";
    id: string;
    action: string;
    reason: string;
    minutes?: number;
  }) => call<{ entry: AuditEntry }>("POST", "/actions", req),
};
