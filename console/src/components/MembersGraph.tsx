import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { useEffect, useMemo, useRef, useState } from "react";
import type { GraphData } from "../api";
import { VERDICT_COLORS } from "./ui";

export const LINK_COLORS: Record<string, string> = {
  payment: "#dc2626",
  org: "#0891b2",
  template: "#7c3aed",
  ip_prefix: "#ea580c",
  tls_ua: "#2563eb",
  email_domain: "#65a30d",
};

export const LINK_LABELS: Record<string, string> = {
  payment: "shared payment",
  org: "same org",
  template: "same system prompt",
  ip_prefix: "same IP /24",
  tls_ua: "same TLS + user agent",
  email_domain: "same e-mail domain",
};

/** Deterministic positions: a circle, then ForceAtlas2 iterations (graphology). */
function layout(data: GraphData): Graph {
  const g = new Graph({ type: "undirected", multi: false });
  const n = data.nodes.length;
  const maxReq = Math.max(1, ...data.nodes.map((x) => x.requests));
  data.nodes.forEach((node, i) => {
    g.addNode(node.id, {
      x: Math.cos((2 * Math.PI * i) / Math.max(1, n)),
      y: Math.sin((2 * Math.PI * i) / Math.max(1, n)),
      size: 5 + 9 * Math.sqrt(node.requests / maxReq),
      color: VERDICT_COLORS[node.verdict] ?? "#64748b",
      label: node.id,
    });
  });
  for (const e of data.edges) {
    if (!g.hasNode(e.source) || !g.hasNode(e.target) || g.hasEdge(e.source, e.target)) continue;
    g.addEdge(e.source, e.target, {
      color: `${LINK_COLORS[e.type] ?? "#94a3b8"}aa`,
      size: 1 + e.types.length * 0.6,
      label: e.types.map((t) => LINK_LABELS[t] ?? t).join(", "),
    });
  }
  if (n > 1)
    forceAtlas2.assign(g, { iterations: 150, settings: { ...forceAtlas2.inferSettings(g), gravity: 1.5 } });
  return g;
}

function webglAvailable(): boolean {
  try {
    const c = document.createElement("canvas");
    return !!(c.getContext("webgl2") ?? c.getContext("webgl"));
  } catch {
    return false;
  }
}

/** The campaign's members graph drawn with sigma.js (WebGL), or as SVG where WebGL is missing. */
export function MembersGraph({ data, onSelect }: { data: GraphData; onSelect: (id: string) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const graph = useMemo(() => layout(data), [data]);
  const [mode, setMode] = useState<"sigma" | "svg">(() => (webglAvailable() ? "sigma" : "svg"));
  useEffect(() => {
    if (mode !== "sigma" || !box.current) return;
    let renderer: { kill(): void } | null = null;
    let dead = false;
    import("sigma")
      .then(({ default: Sigma }) => {
        if (dead || !box.current) return;
        const s = new Sigma(graph, box.current, {
          renderEdgeLabels: false,
          labelRenderedSizeThreshold: 12,
          labelFont: "Inter, system-ui, sans-serif",
          labelSize: 11,
          labelColor: { color: "#334155" },
          defaultEdgeColor: "#cbd5e1",
        });
        s.on("clickNode", ({ node }) => onSelect(node));
        renderer = s;
      })
      .catch(() => setMode("svg"));
    return () => {
      dead = true;
      renderer?.kill();
    };
  }, [graph, mode, onSelect]);
  const types = [...new Set(data.edges.map((e) => e.type))];
  return (
    <div>
      {mode === "sigma" ? (
        <div className="graph" ref={box} data-renderer="sigma" />
      ) : (
        <SvgGraph graph={graph} />
      )}
      <div className="legend">
        {types.map((t) => (
          <span key={t} className="legend-item">
            <i style={{ background: LINK_COLORS[t] ?? "#94a3b8" }} />
            {LINK_LABELS[t] ?? t}
          </span>
        ))}
        <span className="legend-sep" />
        {["block", "throttle", "review", "monitor", "allow"].map((v) => (
          <span key={v} className="legend-item">
            <i className="dot" style={{ background: VERDICT_COLORS[v] }} />
            {v}
          </span>
        ))}
      </div>
      <p className="muted small">
        {data.nodes.length} members drawn{data.omitted ? `, ${data.omitted} more not drawn` : ""}; edges:{" "}
        {data.edge_source}.
      </p>
    </div>
  );
}

function SvgGraph({ graph }: { graph: Graph }) {
  const W = 760;
  const H = 380;
  const xs: number[] = [];
  const ys: number[] = [];
  graph.forEachNode((_n, a) => {
    xs.push(a.x as number);
    ys.push(a.y as number);
  });
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = (x: number) => 30 + ((x - minX) / Math.max(1e-9, maxX - minX)) * (W - 60);
  const py = (y: number) => 24 + ((y - minY) / Math.max(1e-9, maxY - minY)) * (H - 48);
  return (
    <svg
      className="graph"
      viewBox={`0 0 ${W} ${H}`}
      data-renderer="svg"
      role="img"
      aria-label="members graph"
    >
      {graph.mapEdges((e, a, s, t, sa, ta) => (
        <line
          key={e}
          x1={px(sa.x as number)}
          y1={py(sa.y as number)}
          x2={px(ta.x as number)}
          y2={py(ta.y as number)}
          stroke={a.color as string}
          strokeWidth={a.size as number}
        >
          <title>{`${s} — ${t}: ${a.label as string}`}</title>
        </line>
      ))}
      {graph.mapNodes((n, a) => (
        <a key={n} className="node" href={`#/accounts/${encodeURIComponent(n)}`}>
          <circle
            cx={px(a.x as number)}
            cy={py(a.y as number)}
            r={a.size as number}
            fill={a.color as string}
            stroke="#fff"
            strokeWidth={1.5}
          />
          <title>{n}</title>
        </a>
      ))}
    </svg>
  );
}
