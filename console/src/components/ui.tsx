import { type ReactNode, useState } from "react";
import { type AuditEntry, api, type DecisionSnapshot, type Reason } from "../api";
import { fmtTime, fmtValue } from "../format";

export const VERDICT_COLORS: Record<string, string> = {
  allow: "#15803d",
  monitor: "#475569",
  review: "#b45309",
  protect: "#7c3aed",
  throttle: "#c2410c",
  block: "#b91c1c",
};

export function Badge({ verdict, title }: { verdict: string | null | undefined; title?: string }) {
  const v = verdict ?? "none";
  return (
    <span className={`badge badge-${v}`} title={title}>
      {v}
    </span>
  );
}

export function Card({
  title,
  children,
  extra,
  id,
}: {
  title?: string;
  children: ReactNode;
  extra?: ReactNode;
  id?: string;
}) {
  return (
    <section className="card" id={id}>
      {title || extra ? (
        <header className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {extra}
        </header>
      ) : null}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Stat({
  label,
  value,
  tone,
  hint,
}: {
  label: string;
  value: ReactNode;
  tone?: string;
  hint?: string;
}) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  return (
    <a href={`#/${to}`} className={className}>
      {children}
    </a>
  );
}

export function Evidence({ evidence }: { evidence?: Record<string, unknown> }) {
  const entries = Object.entries(evidence ?? {});
  if (entries.length === 0) return null;
  return (
    <span className="evidence">
      {entries.map(([k, v]) => (
        <code key={k}>
          {k}=
          {typeof v === "object" && v !== null
            ? Object.values(v as object)
                .map(fmtValue)
                .join(" · ")
            : fmtValue(v)}
        </code>
      ))}
    </span>
  );
}

export function Reasons({ reasons }: { reasons: Reason[] }) {
  if (reasons.length === 0) return <Empty>No reasons recorded.</Empty>;
  return (
    <ul className="reasons">
      {reasons.map((r) => (
        <li key={r.id} className={(r.weight ?? 0) < 0 ? "reason-trust" : ""}>
          <div className="reason-line">
            <span className="reason-text">{r.text}</span>
            {r.weight !== undefined ? (
              <span className="reason-weight">
                {r.weight > 0 ? "+" : ""}
                {r.weight}
              </span>
            ) : null}
          </div>
          <div className="reason-meta">
            <code className="reason-id">{r.id}</code>
            <Evidence {...(r.evidence ? { evidence: r.evidence } : {})} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function DecisionLine({ d, empty = "none" }: { d: DecisionSnapshot | null; empty?: string }) {
  if (!d) return <span className="muted">{empty}</span>;
  return (
    <span className="decision">
      <Badge verdict={d.action} />
      <span className="muted">
        {d.source}
        {d.rate_factor !== null ? ` · ×${d.rate_factor}` : ""}
        {d.protect ? " · protect" : ""}
        {d.until ? ` · until ${fmtTime(d.until)}` : ""} · ref {d.ref}
      </span>
    </span>
  );
}

const ACTION_LABELS: Record<string, Record<string, string>> = {
  campaign: {
    block: "Block campaign",
    throttle: "Throttle",
    protect: "Protect",
    warn: "Warn members",
    allow: "Unblock (override)",
    clear: "Clear override",
  },
  account: {
    block: "Force-block",
    throttle: "Throttle",
    protect: "Protect",
    warn: "Warn owner",
    allow: "Allow-list",
    monitor: "Mark reviewed",
    clear: "Clear override",
  },
};

const ACTION_HELP: Record<string, string> = {
  block: "Every request is refused with 403 DG_ACCOUNT_BLOCKED and a support reference.",
  throttle: "Rate limits are cut to a tenth of normal.",
  protect: "Thinking and reasoning content is withheld; extended thinking is refused.",
  warn: "Served normally, with an x-distillguard-warning header and a notice to the account owner that the usage looks like bulk distillation.",
  allow: "Overrides the detector: requests go through normally.",
  monitor: "Keeps serving normally and takes the account off the review queue.",
  clear: "Removes the analyst override; the detector's decision applies again.",
};

/** Buttons for the analyst actions on a subject, each with a required reason, audited server-side. */
export function ActionBar({
  kind,
  id,
  actions,
  canAct,
  current,
  onDone,
}: {
  kind: "account" | "campaign";
  id: string;
  actions: string[];
  canAct: boolean;
  current: DecisionSnapshot | null;
  onDone: () => void;
}) {
  const [pending, setPending] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [minutes, setMinutes] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!canAct) return <p className="muted">Your role (viewer) can read but not act.</p>;
  const submit = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    try {
      await api.act({
        kind,
        id,
        action: pending,
        reason,
        ...(minutes ? { minutes: Number(minutes) } : {}),
      });
      setPending(null);
      setReason("");
      setMinutes("");
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      <div className="action-row">
        {actions
          .filter((a) => a !== "clear" || current !== null)
          .map((a) => (
            <button
              type="button"
              key={a}
              data-action={a}
              className={`btn btn-${a} ${pending === a ? "btn-active" : ""}`}
              onClick={() => {
                setPending(pending === a ? null : a);
                setError(null);
              }}
            >
              {ACTION_LABELS[kind]?.[a] ?? a}
            </button>
          ))}
      </div>
      {pending ? (
        <form
          className="action-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <p className="muted">{ACTION_HELP[pending]}</p>
          <label>
            Reason (recorded in the audit log)
            <textarea
              name="reason"
              required
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. confirmed hydra cluster: shared payment instruments and template"
            />
          </label>
          {pending !== "clear" ? (
            <label className="inline">
              Expires
              <select name="minutes" value={minutes} onChange={(e) => setMinutes(e.target.value)}>
                <option value="">never (until cleared)</option>
                <option value="60">in 1 hour</option>
                <option value="1440">in 24 hours</option>
                <option value="10080">in 7 days</option>
              </select>
            </label>
          ) : null}
          <div className="action-row">
            <button
              type="submit"
              className={`btn btn-${pending} btn-solid`}
              disabled={busy || !reason.trim()}
              data-confirm={pending}
            >
              Confirm: {ACTION_LABELS[kind]?.[pending] ?? pending}
            </button>
            <button type="button" className="btn" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
          {error ? <p className="error">{error}</p> : null}
        </form>
      ) : null}
    </div>
  );
}

export function AuditTable({
  entries,
  showSubject = true,
}: {
  entries: AuditEntry[];
  showSubject?: boolean;
}) {
  if (entries.length === 0) return <Empty>No analyst actions yet.</Empty>;
  return (
    <table className="table audit-table">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Analyst</th>
          <th>Action</th>
          {showSubject ? <th>Subject</th> : null}
          <th>Before</th>
          <th>After</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-audit-action={e.action}>
            <td className="nowrap">{fmtTime(e.time)}</td>
            <td>
              {e.actor} <span className="muted">({e.role})</span>
            </td>
            <td>
              <code>{e.action}</code>
            </td>
            {showSubject ? (
              <td>
                <Link
                  to={`${e.subject.kind === "campaign" ? "campaigns" : "accounts"}/${encodeURIComponent(e.subject.id)}`}
                >
                  {e.subject.id}
                </Link>
              </td>
            ) : null}
            <td>{e.before ? <Badge verdict={e.before.action} /> : <span className="muted">—</span>}</td>
            <td>{e.after ? <Badge verdict={e.after.action} /> : <span className="muted">cleared</span>}</td>
            <td className="reason-cell">{e.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
