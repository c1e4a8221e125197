import { useState } from "react";
import { api, type SessionInfo } from "../api";
import { AuditTable, Badge, Card, DecisionLine, Empty, Evidence, Link } from "../components/ui";
import { fmtNum } from "../format";
import { usePoll } from "../hooks";

/** Flagged accounts (any verdict above allow). */
export function Accounts() {
  const { data, error } = usePoll(() => api.accounts(), 5000);
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Flagged accounts</h1>
        <span className="muted">Every account the detector rates above allow, highest score first.</span>
      </div>
      <Card>
        {data.accounts.length === 0 ? (
          <Empty>No flagged account.</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Account</th>
                <th>Detector</th>
                <th>In force</th>
                <th className="num">Score</th>
                <th className="num">Requests</th>
                <th>Campaign</th>
              </tr>
            </thead>
            <tbody>
              {data.accounts.map((a) => (
                <tr key={a.account_id}>
                  <td>
                    <Link to={`accounts/${encodeURIComponent(a.account_id)}`}>{a.account_id}</Link>
                  </td>
                  <td>
                    <Badge verdict={a.verdict} />
                  </td>
                  <td>
                    <DecisionLine d={a.effective} />
                  </td>
                  <td className="num">{a.score}</td>
                  <td className="num">{fmtNum(a.requests)}</td>
                  <td>
                    {a.campaign_id ? (
                      <Link to={`campaigns/${encodeURIComponent(a.campaign_id)}`}>{a.campaign_id}</Link>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

/** Accounts the detector sent to review, with one-click decisions. */
export function Review({ session }: { session: SessionInfo }) {
  const { data, error, reload } = usePoll(() => api.review(), 5000);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const decide = (id: string, action: string, reason: string) => {
    setBusy(id);
    api
      .act({ kind: "account", id, action, reason })
      .then(() => {
        setMessage(`${id}: ${action} recorded`);
        reload();
      })
      .catch((e: unknown) => setMessage(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(null));
  };
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Review queue</h1>
        <span className="muted">
          Heavy, distillation-shaped accounts with no sign of deception: an analyst decides.
        </span>
      </div>
      {message ? <p className="notice">{message}</p> : null}
      <Card>
        {data.accounts.length === 0 ? (
          <Empty>The review queue is empty.</Empty>
        ) : (
          <table className="table" id="review-table">
            <thead>
              <tr>
                <th>Account</th>
                <th className="num">Score</th>
                <th className="num">Requests</th>
                <th>Why</th>
                <th>Decision</th>
              </tr>
            </thead>
            <tbody>
              {data.accounts.map((a) => (
                <tr key={a.account_id}>
                  <td>
                    <Link to={`accounts/${encodeURIComponent(a.account_id)}`}>{a.account_id}</Link>
                  </td>
                  <td className="num">{a.score}</td>
                  <td className="num">{fmtNum(a.requests)}</td>
                  <td>
                    {a.reasons.map((r) => (
                      <div key={r.id} className="small">
                        {r.text} <Evidence {...(r.evidence ? { evidence: r.evidence } : {})} />
                      </div>
                    ))}
                  </td>
                  <td className="nowrap">
                    {session.can_act ? (
                      <div className="action-row">
                        <button
                          type="button"
                          className="btn btn-allow"
                          disabled={busy === a.account_id}
                          onClick={() =>
                            decide(a.account_id, "allow", "review: legitimate use, allow-listed")
                          }
                        >
                          Allow-list
                        </button>
                        <button
                          type="button"
                          className="btn btn-monitor"
                          disabled={busy === a.account_id}
                          onClick={() => decide(a.account_id, "monitor", "review: keep monitoring")}
                        >
                          Keep monitoring
                        </button>
                        <button
                          type="button"
                          className="btn btn-throttle"
                          disabled={busy === a.account_id}
                          onClick={() => decide(a.account_id, "throttle", "review: throttled")}
                        >
                          Throttle
                        </button>
                        <button
                          type="button"
                          className="btn btn-block"
                          disabled={busy === a.account_id}
                          onClick={() => decide(a.account_id, "block", "review: blocked")}
                        >
                          Block
                        </button>
                      </div>
                    ) : (
                      <span className="muted">viewer</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

export function Audit() {
  const { data, error } = usePoll(() => api.audit(), 5000);
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Audit log</h1>
        <span className="muted">
          Every analyst action, reversals included, newest first. Also appended to console-audit.jsonl.
        </span>
      </div>
      <Card>
        <AuditTable entries={data.entries} />
      </Card>
    </div>
  );
}
