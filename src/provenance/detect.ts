/**
 * Watermark detection. Positions are extracted once per text with the same scanner as the
 * watermarker (key-independent), deduplicated on (context, group) so that every scored position is an
 * independent draw under H0, then scored against each candidate key: count of green positions and an
 * exact Poisson-binomial p-value. With several keys, Holm's correction controls the family-wise error.
 */

import { ProseScanner } from "./scanner.js";
import { greenTail, holm } from "./stats.js";
import { greenIndex } from "./watermark.js";
import { loadSynonymTable, type SynonymGroup, type SynonymTable } from "./wordnet.js";

/** One scored position: the group, the word written and the previous prose word. */
export interface Position {
  group: SynonymGroup;
  word: string;
  context: string;
}

/** Collects scorable positions from texts, keeping the first of each (context, group). */
export class PositionSet {
  readonly positions: Position[] = [];
  private readonly seen = new Set<string>();
  /** Words read (prose and not) and positions seen before deduplication. */
  words = 0;
  raw = 0;

  constructor(readonly table: SynonymTable = loadSynonymTable()) {}

  /** Adds one document's text. */
  add(text: string): void {
    const scanner = new ProseScanner((_core, lower, context) => {
      const gi = this.table.byWord.get(lower);
      if (gi === undefined) return null;
      const group = this.table.groups[gi] as SynonymGroup;
      this.raw++;
      const id = `${context}\0${group.id}`;
      if (!this.seen.has(id)) {
        this.seen.add(id);
        this.positions.push({ group, word: lower, context });
      }
      return null;
    });
    scanner.push(text);
    scanner.end();
    const m = text.match(/\S+/g);
    this.words += m ? m.length : 0;
  }
}

/** Test result for one key. */
export interface KeyScore {
  kid: string;
  /** Distinct (context, group) positions scored. */
  positions: number;
  green: number;
  expected: number;
  z: number;
  pValue: number;
  method: "exact" | "normal";
  /** Holm-adjusted p-value across all keys tested together. */
  adjustedP: number;
  /** adjustedP < alpha. */
  match: boolean;
}

/** Scores a position set against one key: green count and exact p-value. */
export function scoreKey(
  positions: Position[],
  key: Buffer,
  prefix?: number,
): Omit<KeyScore, "kid" | "adjustedP" | "match"> {
  const n = prefix ?? positions.length;
  const counts = new Map<number, number>();
  let green = 0;
  for (let i = 0; i < n; i++) {
    const p = positions[i] as Position;
    const k = p.group.members.length;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    if (p.group.members[greenIndex(key, p.context, p.group)] === p.word) green++;
  }
  const t = greenTail(counts, green);
  return { positions: n, green, expected: t.expected, z: t.z, pValue: t.pValue, method: t.method };
}

/** Scores against several keys with Holm correction at level alpha (default 0.01). */
export function scoreKeys(
  positions: Position[],
  keys: Array<{ kid: string; key: Buffer }>,
  alpha = 0.01,
): KeyScore[] {
  const raw = keys.map((k) => ({ kid: k.kid, ...scoreKey(positions, k.key) }));
  const adj = holm(raw.map((r) => r.pValue));
  return raw.map((r, i) => ({ ...r, adjustedP: adj[i] as number, match: (adj[i] as number) < alpha }));
}
