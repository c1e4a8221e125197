import { useCallback, useEffect, useMemo, useState } from "react";
import { api, type GraphData, type SessionInfo } from "../api";
import { MembersGraph } from "../components/MembersGraph";
import { TimeChart } from "../components/TimeChart";
import {
  ActionBar,
  AuditTable,
  Badge,
  Card,
  DecisionLine,
  Empty,
  Evidence,
  Link,
  Reasons,
  Stat,
  VERDICT_COLORS,
} from "../components/ui";
import { CAPABILITY_LABELS, fmtNum, fmtTime, fmtValue, short } from "../format";
import { usePoll } from "../hooks";

export function Campaign({ id, session }: { id: string; session: SessionInfo }) {
  const { data, error, reload } = usePoll(() => api.campaign(id), 5000);
  const onSelect = useCallback((account: string) => {
    window.location.hash = `#/accounts/${encodeURIComponent(account)}`;
  }, []);
  // Redraw the graph only when its members, colours or edges change, not on every poll.
  const [graph, setGraph] = useState<GraphData | null>(null);
  useEffect(() => {
    if (data && graphSignature(data.graph) !== graphSignature(graph)) setGraph(data.graph);
  }, [data, graph]);
  const timeline = useMemo(() => {
    if (!data) return null;
    return {
      x: data.timeline.map((b) => b.t),
      lines: [
        {
          label: "member requests",
          color: "#4f46e5",
          values: data.timeline.map((b) => b.requests),
          fill: true,
        },
        { label: "blocked", color: VERDICT_COLORS.block!, values: data.timeline.map((b) => b.blocked) },
      ],
    };
  }, [data]);
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const c = data.campaign;
  const modelTotal = Object.values(data.models).reduce((a, b) => a + b, 0);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="campaigns">Campaigns</Link> /
          </div>
          <h1>
            {c.id} <Badge verdict={c.enforcement} />
          </h1>
        </div>
      </div>
      <div className="stats">
        <Stat label="Members" value={fmtNum(c.members)} />
        <Stat label="Exchanges" value={fmtNum(c.exchanges)} />
        <Stat
          label="Detector verdict"
          value={<Badge verdict={c.verdict} />}
          hint={c.score !== null ? `score ${c.score}` : undefined}
        />
        <Stat label="First seen" value={<span className="small-value">{fmtTime(c.first_seen)}</span>} />
        <Stat label="Detected" value={<span className="small-value">{fmtTime(c.detected_at)}</span>} />
        <Stat
          label="Blocked requests"
          value={fmtNum(c.blocked_requests)}
          tone={c.blocked_requests ? "bad" : undefined}
        />
      </div>
      <div className="grid-2-1">
        <Card title="Members graph" extra={<span className="muted small">click a member to open it</span>}>
          {graph ? <MembersGraph data={graph} onSelect={onSelect} /> : null}
        </Card>
        <Card title="Actions" id="campaign-actions">
          <dl className="kv">
            <dt>In force</dt>
            <dd data-testid="campaign-enforcement">
              <Badge verdict={c.enforcement} /> {c.override ? "analyst override" : "detector"}
            </dd>
            <dt>Analyst override</dt>
            <dd>
              <DecisionLine d={c.override} />
            </dd>
          </dl>
          <ActionBar
            kind="campaign"
            id={c.id}
            actions={data.actions}
            canAct={session.can_act}
            current={c.override}
            onDone={reload}
          />
        </Card>
      </div>
      <div className="grid-2">
        <Card
          title="Timeline"
          extra={<span className="muted small">requests of current members per 10 s</span>}
        >
          {timeline && timeline.x.length > 0 ? (
            <TimeChart x={timeline.x} lines={timeline.lines} height={200} />
          ) : (
            <Empty>No traffic seen.</Empty>
          )}
          {data.history.length > 0 ? (
            <ul className="events">
              {data.history.map((h) => (
                <li key={h.time + h.verdict}>
                  <span className="nowrap muted">{fmtTime(h.time)}</span> detector:{" "}
                  <Badge verdict={h.previous} /> → <Badge verdict={h.verdict} />
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
        <Card title="Capabilities targeted and model behaviour">
          <div className="chips">
            {c.capabilities.length ? (
              c.capabilities.map((k) => (
                <span key={k} className="chip">
                  {CAPABILITY_LABELS[k] ?? k}
                </span>
              ))
            ) : (
              <span className="muted">none stands out</span>
            )}
          </div>
          <h3>Models used by members</h3>
          <table className="table compact">
            <tbody>
              {Object.entries(data.models)
                .sort((a, b) => b[1] - a[1])
                .map(([m, n]) => (
                  <tr key={m}>
                    <td>
                      <code>{m}</code>
                    </td>
                    <td className="num">{fmtNum(n)}</td>
                    <td className="num muted">
                      {modelTotal ? `${Math.round((n / modelTotal) * 100)}%` : ""}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          <h3>Model-release behaviour</h3>
          {data.release_behaviour.length ? (
            <Reasons reasons={data.release_behaviour} />
          ) : (
            <p className="muted small">No move to a newly released model observed for this cluster.</p>
          )}
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Why the detector flagged it">
          <Reasons reasons={c.reasons} />
        </Card>
        <Card title="Infrastructure indicators">
          {c.indicators.length === 0 ? (
            <Empty>No shared indicator.</Empty>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th>Type</th>
                  <th>Value</th>
                  <th>Evidence</th>
                </tr>
              </thead>
              <tbody>
                {c.indicators.map((ind) => {
                  const { type, value, ...rest } = ind as { type?: unknown; value?: unknown };
                  return (
                    <tr key={`${String(type)}:${String(value)}`}>
                      <td>
                        <code>{fmtValue(type)}</code>
                      </td>
                      <td className="mono" title={fmtValue(value)}>
                        {short(fmtValue(value) || "(digest only)", 60)}
                      </td>
                      <td>
                        <Evidence evidence={rest as Record<string, unknown>} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Card>
      </div>
      <Card title={`Members (${data.members.length})`}>
        <table className="table" id="members-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Detector</th>
              <th>In force</th>
              <th className="num">Score</th>
              <th className="num">Requests</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <tr key={m.account_id}>
                <td>
                  <Link to={`accounts/${encodeURIComponent(m.account_id)}`}>{m.account_id}</Link>
                </td>
                <td>
                  <Badge verdict={m.verdict} />
                </td>
                <td>
                  <DecisionLine d={m.effective} />
                </td>
                <td className="num">{m.score}</td>
                <td className="num">{fmtNum(m.requests)}</td>
                <td className="nowrap">{fmtTime(m.last_seen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Audit trail of this campaign">
        <AuditTable entries={data.audit} showSubject={false} />
      </Card>
    </div>
  );
}

function graphSignature(g: GraphData | null): string {
  if (!g) return "";
  return `${g.nodes.map((n) => `${n.id}:${n.verdict}`).join(",")}|${g.edges.map((e) => `${e.source}-${e.target}:${e.types.join("+")}`).join(",")}`;
}
