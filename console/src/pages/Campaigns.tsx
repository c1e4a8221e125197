import { api } from "../api";
import { Badge, Card, Empty, Link } from "../components/ui";
import { CAPABILITY_LABELS, fmtAgo, fmtNum, fmtTime } from "../format";
import { usePoll } from "../hooks";

export function Campaigns() {
  const { data, error } = usePoll(() => api.campaigns(), 5000);
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Campaigns</h1>
        <span className="muted">
          Clusters of accounts the detector links by shared infrastructure, templates and timing.
        </span>
      </div>
      <Card>
        {data.campaigns.length === 0 ? (
          <Empty>No campaign detected yet.</Empty>
        ) : (
          <table className="table" id="campaigns-table">
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Detector</th>
                <th>Enforcement</th>
                <th className="num">Score</th>
                <th className="num">Members</th>
                <th className="num">Exchanges</th>
                <th className="num">Blocked</th>
                <th>Targets</th>
                <th>First seen</th>
                <th>Detected</th>
              </tr>
            </thead>
            <tbody>
              {data.campaigns.map((c) => (
                <tr key={c.id} data-campaign={c.id}>
                  <td>
                    <Link to={`campaigns/${encodeURIComponent(c.id)}`}>{c.id}</Link>
                    <div className="muted small">{c.top_reasons[0] ?? ""}</div>
                  </td>
                  <td>
                    <Badge verdict={c.verdict} />
                    {c.protect ? <span className="tag">protect</span> : null}
                  </td>
                  <td>
                    <Badge verdict={c.enforcement} />
                    {c.override ? <span className="tag">analyst</span> : null}
                  </td>
                  <td className="num">{c.score ?? "—"}</td>
                  <td className="num">{fmtNum(c.members)}</td>
                  <td className="num">{fmtNum(c.exchanges)}</td>
                  <td className="num">{fmtNum(c.blocked_requests)}</td>
                  <td>{c.capabilities.map((k) => CAPABILITY_LABELS[k] ?? k).join(", ") || "—"}</td>
                  <td className="nowrap">{fmtTime(c.first_seen)}</td>
                  <td className="nowrap">{fmtAgo(c.detected_at, Date.parse(data.now))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
