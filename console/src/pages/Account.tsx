import { useMemo } from "react";
import { api, type SessionInfo } from "../api";
import { TimeChart } from "../components/TimeChart";
import {
  ActionBar,
  AuditTable,
  Badge,
  Card,
  DecisionLine,
  Empty,
  Link,
  Reasons,
  Stat,
  VERDICT_COLORS,
} from "../components/ui";
import { fmtNum, fmtTime, short } from "../format";
import { usePoll } from "../hooks";

export function Account({ id, session }: { id: string; session: SessionInfo }) {
  const { data, error, reload } = usePoll(() => api.account(id), 5000);
  const chart = useMemo(() => {
    const s = data?.activity?.series ?? [];
    return {
      x: s.map((b) => b[0]),
      lines: [
        { label: "requests", color: "#4f46e5", values: s.map((b) => b[1]), fill: true },
        { label: "blocked", color: VERDICT_COLORS.block!, values: s.map((b) => b[2]) },
      ],
    };
  }, [data]);
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const a = data.account;
  const act = data.activity;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="accounts">Accounts</Link> /
          </div>
          <h1>
            {a.account_id} <Badge verdict={data.effective?.action ?? data.verdict?.verdict ?? "allow"} />
          </h1>
        </div>
      </div>
      <div className="stats">
        <Stat label="Requests" value={fmtNum(act?.requests ?? 0)} />
        <Stat
          label="Detector verdict"
          value={<Badge verdict={data.verdict?.verdict ?? "allow"} />}
          hint={data.verdict ? `score ${data.verdict.score}` : undefined}
        />
        <Stat
          label="Campaign"
          value={
            data.campaign_id ? (
              <Link to={`campaigns/${encodeURIComponent(data.campaign_id)}`}>{data.campaign_id}</Link>
            ) : (
              "—"
            )
          }
        />
        <Stat
          label="First flagged"
          value={<span className="small-value">{fmtTime(data.verdict?.first_flagged_at)}</span>}
        />
        <Stat
          label="Tokens in / out"
          value={
            <span className="small-value">{`${fmtNum(act?.input_tokens ?? 0)} / ${fmtNum(act?.output_tokens ?? 0)}`}</span>
          }
        />
      </div>
      <div className="grid-2-1">
        <Card title="Exchanges over time" extra={<span className="muted small">per 10 s</span>}>
          {chart.x.length > 0 ? (
            <TimeChart x={chart.x} lines={chart.lines} height={200} />
          ) : (
            <Empty>No traffic seen since the gateway started.</Empty>
          )}
        </Card>
        <Card title="Actions">
          <dl className="kv">
            <dt>In force</dt>
            <dd>
              <DecisionLine d={data.effective} empty="none (served normally)" />
            </dd>
            <dt>Account override</dt>
            <dd>
              <DecisionLine d={data.override} />
            </dd>
            <dt>Campaign override</dt>
            <dd>
              <DecisionLine d={data.campaign_override} />
            </dd>
          </dl>
          <ActionBar
            kind="account"
            id={a.account_id}
            actions={data.actions}
            canAct={session.can_act}
            current={data.override}
            onDone={reload}
          />
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Profile">
          <dl className="kv">
            <dt>Org</dt>
            <dd>{a.org_name ? `${a.org_name} (${a.org_id})` : (a.org_id ?? "—")}</dd>
            <dt>Created</dt>
            <dd>{fmtTime(a.created_at)}</dd>
            <dt>Verified</dt>
            <dd>{a.verified === null ? "—" : a.verified ? "yes" : "no"}</dd>
            <dt>Tier</dt>
            <dd>{a.tier ?? "—"}</dd>
            <dt>E-mail domain</dt>
            <dd>{a.email_domain ?? "—"}</dd>
            <dt>Payment fingerprint</dt>
            <dd className="mono">{a.payment_fingerprint ?? "—"}</dd>
            <dt>API keys</dt>
            <dd>
              {a.keys.length
                ? a.keys
                    .map((k) => `${k.id}${k.name ? ` (${k.name})` : ""}${k.revoked_at ? " revoked" : ""}`)
                    .join(", ")
                : "—"}
            </dd>
            <dt>IP prefixes</dt>
            <dd className="mono">{act?.ip_prefixes.join(", ") || "—"}</dd>
            <dt>Countries</dt>
            <dd>{act?.countries.join(", ") || "—"}</dd>
            <dt>User agents</dt>
            <dd className="small">{act?.user_agents.map((u) => short(u, 70)).join(" · ") || "—"}</dd>
            <dt>Models</dt>
            <dd>
              {Object.entries(act?.models ?? {})
                .map(([m, n]) => `${m} (${fmtNum(n)})`)
                .join(", ") || "—"}
            </dd>
            <dt>Statuses</dt>
            <dd>
              {Object.entries(act?.statuses ?? {})
                .map(([s, n]) => `${s}: ${fmtNum(n)}`)
                .join(" · ") || "—"}
            </dd>
          </dl>
        </Card>
        <Card title="Current reasons">
          {data.verdict?.reasons.length ? (
            <Reasons reasons={data.verdict.reasons} />
          ) : (
            <Empty>The detector has no concern about this account.</Empty>
          )}
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Verdict history">
          {data.history.length === 0 ? (
            <Empty>No verdict change recorded since the gateway started.</Empty>
          ) : (
            <ul className="events">
              {[...data.history].reverse().map((h) => (
                <li key={h.time + h.verdict}>
                  <div>
                    <span className="nowrap muted">{fmtTime(h.time)}</span> <Badge verdict={h.previous} /> →{" "}
                    <Badge verdict={h.verdict} />
                    {h.protect ? <span className="tag">protect</span> : null}
                  </div>
                  <div className="muted small">
                    {h.reasons
                      .filter((r) => (r.weight ?? 0) > 0)
                      .slice(0, 3)
                      .map((r) => r.text)
                      .join("; ")}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Sample prompts">
          {data.samples === null ? (
            <p className="muted">
              Not shown: this gateway records with retention <code>{data.retention}</code>, which keeps the
              shape of requests but no prompt text.
            </p>
          ) : data.samples.length === 0 ? (
            <Empty>No prompt kept yet.</Empty>
          ) : (
            <ul className="samples">
              {data.samples.map((s) => (
                <li key={s.time + s.text}>
                  <span className="muted small">{fmtTime(s.time)}</span>
                  <pre>{s.text}</pre>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title="Audit trail of this account">
        <AuditTable entries={data.audit} showSubject={false} />
      </Card>
    </div>
  );
}
