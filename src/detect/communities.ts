/**
 * Splitting a linked cluster into the campaigns it holds.
 *
 * The engine links accounts with a union-find: one strong link joins two clusters for good, so two
 * operations that share a bridge (a prompt template both use, the same HTTP client stack) can end
 * up as one cluster. At report time the members' links among themselves are recomputed and
 * partitioned with Louvain (graphology-communities-louvain). Louvain cuts any graph into pieces,
 * a homogeneous campaign included, so its communities are merged back while they are linked to
 * each other about as densely as chance would link them: the weight between two communities is
 * compared with what the configuration model expects from their volumes,
 * `rho = w(A,B) * 2m / (vol(A) * vol(B))`. Pieces of one campaign have rho near 1 or above;
 * two operations joined by a few bridges have rho far below it.
 */
import { createRequire } from "node:module";
import type { UndirectedGraph as UndirectedGraphType } from "graphology";
import type louvainModule from "graphology-communities-louvain";
import { mulberry32 } from "./math.js";

// Both packages are CommonJS whose typings describe an ES default export; load them as CommonJS.
const require = createRequire(import.meta.url);
const { UndirectedGraph } = require("graphology") as { UndirectedGraph: typeof UndirectedGraphType };
const louvain = require("graphology-communities-louvain") as typeof louvainModule.default;

/** One weighted link between two members (member positions, not account indexes). */
export interface Link {
  a: number;
  b: number;
  w: number;
}

export interface SplitOptions {
  /** Communities linked at least this share of the chance expectation are one campaign. */
  mergeRatio: number;
  /** Smallest group reported on its own; smaller ones go to the group they link to most. */
  minGroup: number;
  /** Seed for Louvain's random order, so that a report is reproducible. */
  seed?: number;
  /**
   * Whether two groups look like one operation whatever their ties (same capabilities, networks,
   * client stacks): such groups are never reported apart.
   */
  alike?: (a: readonly number[], b: readonly number[]) => boolean;
}

/** A group of members (positions into the member list) and how it relates to the rest. */
export interface Group {
  members: number[];
  /** Largest rho to any other final group (0 when alone): how strongly it is tied to the rest. */
  tie: number;
}

/**
 * Partitions `n` members linked by `links` into groups, largest first. Members without links join
 * the largest group. Returns one group holding everyone when the links do not separate.
 */
export function splitMembers(n: number, links: readonly Link[], opts: SplitOptions): Group[] {
  const everyone = (): Group[] => [{ members: Array.from({ length: n }, (_, i) => i), tie: 0 }];
  if (n < 2 * opts.minGroup || links.length === 0) return everyone();
  // One edge per pair, weighing the strongest of its links, nodes and edges in the order of their
  // first link (Louvain's result depends on that order): pairs are merged here, not in the graph.
  const pairs = new Map<number, Link>();
  for (const l of links) {
    if (l.a === l.b || !(l.w > 0)) continue;
    const pair = Math.min(l.a, l.b) * n + Math.max(l.a, l.b);
    const seen = pairs.get(pair);
    if (seen === undefined) pairs.set(pair, { a: l.a, b: l.b, w: l.w });
    else if (l.w > seen.w) seen.w = l.w;
  }
  const g = new UndirectedGraph({ multi: false, allowSelfLoops: false });
  for (const l of pairs.values()) {
    const a = String(l.a);
    const b = String(l.b);
    g.mergeNode(a);
    g.mergeNode(b);
    g.addEdge(a, b, { weight: l.w });
  }
  if (g.size === 0) return everyone();
  const mapping: Record<string, number> = louvain(g, {
    getEdgeWeight: "weight",
    rng: mulberry32(opts.seed ?? 1),
  });
  // community of each member; -1 for members without links
  const comm = new Int32Array(n).fill(-1);
  let k = 0;
  for (const [node, c] of Object.entries(mapping)) {
    comm[Number(node)] = c;
    if (c + 1 > k) k = c + 1;
  }
  // volumes and weights between communities
  const vol = new Float64Array(k);
  const between = new Map<number, number>();
  let total = 0;
  g.forEachEdge((_e: string, attr: Record<string, unknown>, s: string, t: string) => {
    const w = attr.weight as number;
    const cs = comm[Number(s)]!;
    const ct = comm[Number(t)]!;
    vol[cs]! += w;
    vol[ct]! += w;
    total += w;
    if (cs !== ct) {
      const key = cs < ct ? cs * k + ct : ct * k + cs;
      between.set(key, (between.get(key) ?? 0) + w);
    }
  });
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) if (comm[i]! >= 0) size[comm[i]!]!++;
  // merge communities tied at least `mergeRatio` of chance (union-find over communities)
  const parent = Int32Array.from({ length: k }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const rhoOf = (key: number, w: number) => {
    const a = Math.floor(key / k);
    const b = key % k;
    return (w * 2 * total) / Math.max(1e-12, vol[a]! * vol[b]!);
  };
  for (const [key, w] of between) {
    if (rhoOf(key, w) >= opts.mergeRatio) {
      const a = find(Math.floor(key / k));
      const b = find(key % k);
      if (a !== b) parent[a] = b;
    }
  }
  // groups that look like one operation stay together however weakly they are tied
  if (opts.alike) {
    const lists = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      if (comm[i]! < 0) continue;
      const r = find(comm[i]!);
      let list = lists.get(r);
      if (!list) {
        list = [];
        lists.set(r, list);
      }
      list.push(i);
    }
    const roots = [...lists.keys()].filter((r) => lists.get(r)!.length >= opts.minGroup);
    for (let x = 0; x < roots.length; x++) {
      for (let y = x + 1; y < roots.length; y++) {
        const a = find(roots[x]!);
        const b = find(roots[y]!);
        if (a === b) continue;
        if (opts.alike(lists.get(roots[x]!)!, lists.get(roots[y]!)!)) parent[a] = b;
      }
    }
  }
  // sizes and volumes of merged groups; small groups go to the group they link to most
  const gsize = new Map<number, number>();
  const gvol = new Map<number, number>();
  for (let c = 0; c < k; c++) {
    const r = find(c);
    gsize.set(r, (gsize.get(r) ?? 0) + size[c]!);
    gvol.set(r, (gvol.get(r) ?? 0) + vol[c]!);
  }
  const gbetween = new Map<number, number>();
  for (const [key, w] of between) {
    const a = find(Math.floor(key / k));
    const b = find(key % k);
    if (a === b) continue;
    const kk = a < b ? a * k + b : b * k + a;
    gbetween.set(kk, (gbetween.get(kk) ?? 0) + w);
  }
  let largest = -1;
  for (const [r, s] of gsize) if (largest < 0 || s > gsize.get(largest)!) largest = r;
  const small = [...gsize.keys()].filter((r) => gsize.get(r)! < opts.minGroup && r !== largest);
  const home = new Map<number, number>();
  for (const r of small) {
    let best = largest;
    let bestW = 0;
    for (const [kk, w] of gbetween) {
      const a = Math.floor(kk / k);
      const b = kk % k;
      const other = a === r ? b : b === r ? a : -1;
      if (other < 0 || gsize.get(other)! < opts.minGroup) continue;
      if (w > bestW) {
        bestW = w;
        best = other;
      }
    }
    home.set(r, best);
  }
  const finalOf = (c: number): number => {
    const r = find(c);
    return home.get(r) ?? r;
  };
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = comm[i]! >= 0 ? finalOf(comm[i]!) : largest;
    let list = groups.get(r);
    if (!list) {
      list = [];
      groups.set(r, list);
    }
    list.push(i);
  }
  if (groups.size === 1) return everyone();
  // ties between final groups, for the report
  const fvol = new Map<number, number>();
  for (const [r, v] of gvol) {
    const f = home.get(r) ?? r;
    fvol.set(f, (fvol.get(f) ?? 0) + v);
  }
  const fbetween = new Map<string, number>();
  for (const [kk, w] of gbetween) {
    const a = home.get(Math.floor(kk / k)) ?? Math.floor(kk / k);
    const b = home.get(kk % k) ?? kk % k;
    if (a === b) continue;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    fbetween.set(key, (fbetween.get(key) ?? 0) + w);
  }
  const tie = new Map<number, number>();
  for (const [key, w] of fbetween) {
    const [a, b] = key.split(":").map(Number) as [number, number];
    const rho = (w * 2 * total) / Math.max(1e-12, fvol.get(a)! * fvol.get(b)!);
    tie.set(a, Math.max(tie.get(a) ?? 0, rho));
    tie.set(b, Math.max(tie.get(b) ?? 0, rho));
  }
  return [...groups.entries()]
    .map(([r, members]) => ({ members, tie: tie.get(r) ?? 0 }))
    .sort((x, y) => y.members.length - x.members.length || x.members[0]! - y.members[0]!);
}
