import { useMemo, useState } from "react";
import { api } from "../api";
import { TimeChart } from "../components/TimeChart";
import { Badge, Card, Empty, Link, Stat, VERDICT_COLORS } from "../components/ui";
import { CAPABILITY_LABELS, fmtAgo, fmtNum } from "../format";
import { usePoll } from "../hooks";

export function Overview() {
  const [minutes, setMinutes] = useState(30);
  return <OverviewBody key={minutes} minutes={minutes} setMinutes={setMinutes} />;
}

function OverviewBody({ minutes, setMinutes }: { minutes: number; setMinutes: (m: number) => void }) {
  const { data, error } = usePoll(() => api.overview(minutes), 5000);
  const traffic = useMemo(() => {
    if (!data) return null;
    const s = data.series;
    return {
      x: s.map((b) => b.t),
      lines: [
        { label: "requests", color: "#4f46e5", values: s.map((b) => b.requests), fill: true },
        { label: "served", color: "#16a34a", values: s.map((b) => b.ok) },
        { label: "blocked (403)", color: VERDICT_COLORS.block!, values: s.map((b) => b.blocked) },
        { label: "rate limited (429)", color: VERDICT_COLORS.throttle!, values: s.map((b) => b.limited) },
        { label: "other errors", color: "#94a3b8", values: s.map((b) => b.client_errors + b.server_errors) },
      ],
    };
  }, [data]);
  const verdictLines = useMemo(() => {
    if (!data) return null;
    const s = data.series;
    return {
      x: s.map((b) => b.t),
      lines: ["block", "throttle", "review", "monitor"].map((v) => ({
        label: `→ ${v}`,
        color: VERDICT_COLORS[v]!,
        values: s.map((b) => b.verdicts[v] ?? 0),
      })),
    };
  }, [data]);
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const det = data.queue.detector;
  const enforced = (data.verdicts.block ?? 0) + (data.verdicts.throttle ?? 0);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <div className="seg">
          {[15, 30, 60, 360].map((m) => (
            <button type="button" key={m} className={m === minutes ? "on" : ""} onClick={() => setMinutes(m)}>
              {m < 60 ? `${m} min` : `${m / 60} h`}
            </button>
          ))}
        </div>
      </div>
      <div className="stats">
        <Stat
          label="Requests seen"
          value={fmtNum(data.requests_seen)}
          hint={`${fmtNum(data.accounts_seen)} accounts`}
        />
        <Stat
          label="Campaigns"
          value={fmtNum(data.campaigns.length)}
          tone={data.campaigns.length ? "bad" : undefined}
        />
        <Stat
          label="Accounts enforced"
          value={fmtNum(enforced)}
          tone={enforced ? "warn" : undefined}
          hint={`${fmtNum(data.verdicts.block ?? 0)} blocked · ${fmtNum(data.verdicts.throttle ?? 0)} throttled`}
        />
        <Stat
          label="Review queue"
          value={<Link to="review">{fmtNum(data.review_count)}</Link>}
          tone={data.review_count ? "warn" : undefined}
        />
        <Stat label="Analyst overrides" value={fmtNum(data.overrides)} />
      </div>
      <div className="grid-2">
        <Card
          title="Traffic"
          extra={<span className="muted small">per {Math.round(data.bucket_ms / 1000)} s</span>}
        >
          {traffic && traffic.x.length > 0 ? (
            <TimeChart x={traffic.x} lines={traffic.lines} />
          ) : (
            <Empty>No traffic in this window.</Empty>
          )}
        </Card>
        <Card
          title="Verdict changes"
          extra={<span className="muted small">detector decisions per bucket</span>}
        >
          {verdictLines && verdictLines.x.length > 0 ? (
            <TimeChart x={verdictLines.x} lines={verdictLines.lines} />
          ) : (
            <Empty>No verdict changes in this window.</Empty>
          )}
        </Card>
      </div>
      <div className="grid-2-1">
        <Card title="Top campaigns" extra={<Link to="campaigns">all campaigns →</Link>}>
          {data.campaigns.length === 0 ? (
            <Empty>No campaign detected.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Campaign</th>
                  <th>Enforcement</th>
                  <th className="num">Members</th>
                  <th className="num">Exchanges</th>
                  <th>Targets</th>
                  <th>Detected</th>
                </tr>
              </thead>
              <tbody>
                {data.campaigns.map((c) => (
                  <tr key={c.id}>
                    <td className="id-cell">
                      <Link to={`campaigns/${encodeURIComponent(c.id)}`}>{c.id}</Link>
                    </td>
                    <td>
                      <Badge verdict={c.enforcement} />
                      {c.override ? <span className="tag">analyst</span> : null}
                    </td>
                    <td className="num">{fmtNum(c.members)}</td>
                    <td className="num">{fmtNum(c.exchanges)}</td>
                    <td>{c.capabilities.map((k) => CAPABILITY_LABELS[k] ?? k).join(", ") || "—"}</td>
                    <td className="nowrap">{fmtAgo(c.detected_at, Date.parse(data.now))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Queue health">
          <dl className="kv">
            <dt>Detector queue</dt>
            <dd>{det ? fmtNum(det.queued) : "detector off"}</dd>
            <dt>Detector lag</dt>
            <dd>{det ? `${fmtNum(det.lagMs)} ms` : "—"}</dd>
            <dt>Events processed</dt>
            <dd>{det ? fmtNum(det.processed) : "—"}</dd>
            <dt>Events dropped</dt>
            <dd className={det?.dropped ? "bad" : ""}>{det ? fmtNum(det.dropped) : "—"}</dd>
            <dt>Detector errors</dt>
            <dd className={det?.errors ? "bad" : ""}>{det ? fmtNum(det.errors) : "—"}</dd>
            <dt>Recorder queue</dt>
            <dd>{data.queue.recorder ? fmtNum(data.queue.recorder.queued) : "—"}</dd>
            <dt>Recorded</dt>
            <dd>{data.queue.recorder ? fmtNum(data.queue.recorder.written) : "—"}</dd>
            <dt>Recorder dropped</dt>
            <dd className={data.queue.recorder?.dropped ? "bad" : ""}>
              {data.queue.recorder ? fmtNum(data.queue.recorder.dropped) : "—"}
            </dd>
          </dl>
        </Card>
      </div>
    </div>
  );
}
