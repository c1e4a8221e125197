/**
 * The members graph of a campaign. The detection report names a campaign's members and its
 * campaign-wide indicators but carries no per-pair edges, so edges are derived here: two members
 * are joined when they share an attribute value the gateway saw (payment instrument, org, system
 * prompt template, IP /24, TLS fingerprint + user agent, e-mail domain). Pure function of its input.
 */
import type { LinkType } from "./activity.js";

/** Strongest evidence first: an edge is coloured by the strongest type it carries. */
export const LINK_ORDER: readonly LinkType[] = [
  "payment",
  "org",
  "template",
  "ip_prefix",
  "tls_ua",
  "email_domain",
];

export interface GraphNode {
  id: string;
  verdict: string;
  requests: number;
}

export interface GraphEdge {
  source: string;
  target: string;
  /** Shared attribute types, strongest first. */
  types: LinkType[];
  /** The strongest shared type (the edge's colour). */
  type: LinkType;
}

export interface MembersGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Members left out of the drawing (beyond `maxNodes`). */
  omitted: number;
  /** How edges were made. */
  edge_source: string;
}

export interface MemberInput {
  id: string;
  verdict: string;
  requests: number;
  attrs: Partial<Record<LinkType, string[]>>;
}

/**
 * Builds the graph. Each shared value joins its holders; a value held by many members joins each
 * one to its next `fanout` holders (in a ring) so the edge count stays linear.
 */
export function membersGraph(
  members: MemberInput[],
  opts: { maxNodes?: number; fanout?: number } = {},
): MembersGraph {
  const maxNodes = opts.maxNodes ?? 300;
  const fanout = opts.fanout ?? 4;
  const kept = [...members]
    .sort((a, b) => b.requests - a.requests || (a.id < b.id ? -1 : 1))
    .slice(0, maxNodes);
  const pairs = new Map<string, Set<LinkType>>();
  for (const type of LINK_ORDER) {
    const holders = new Map<string, string[]>();
    for (const m of kept) {
      for (const v of m.attrs[type] ?? []) {
        let list = holders.get(v);
        if (!list) {
          list = [];
          holders.set(v, list);
        }
        list.push(m.id);
      }
    }
    for (const list of holders.values()) {
      if (list.length < 2) continue;
      const ids = [...new Set(list)].sort();
      const k = Math.min(fanout, ids.length - 1);
      for (let i = 0; i < ids.length; i++) {
        for (let j = 1; j <= k; j++) {
          if (ids.length === 2 && i === 1) break;
          const a = ids[i]!;
          const b = ids[(i + j) % ids.length]!;
          const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
          let set = pairs.get(key);
          if (!set) {
            set = new Set();
            pairs.set(key, set);
          }
          set.add(type);
        }
      }
    }
  }
  const edges: GraphEdge[] = [];
  for (const [key, set] of pairs) {
    const [source, target] = key.split("\u0000") as [string, string];
    const types = LINK_ORDER.filter((t) => set.has(t));
    edges.push({ source, target, types, type: types[0]! });
  }
  edges.sort((x, y) => (x.source + x.target < y.source + y.target ? -1 : 1));
  return {
    nodes: kept.map((m) => ({ id: m.id, verdict: m.verdict, requests: m.requests })),
    edges,
    omitted: members.length - kept.length,
    edge_source:
      "derived: members joined by attribute values the gateway saw them share (the detection report has no per-pair edges)",
  };
}
