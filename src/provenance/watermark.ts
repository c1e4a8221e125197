/**
 * Keyed, context-conditioned lexical watermark. At each prose word that belongs to a synonym group,
 * HMAC(key, previous word, group) picks one member as "green" and the watermarker writes that member.
 * Without the key the green member is a uniform draw among the group's k members, so under "not
 * watermarked with this key" each distinct (context, group) position is green with probability 1/k
 * exactly, which is what the detector tests.
 */
import { createHmac } from "node:crypto";
import { ProseScanner } from "./scanner.js";
import { loadSynonymTable, type SynonymGroup, type SynonymTable } from "./wordnet.js";

/** Options of createWatermarker. */
export interface WatermarkerOptions {
  /** The (derived) watermark key. */
  key: Buffer;
  /** Synonym table (default: the WordNet table, built once per process). */
  table?: SynonymTable;
}

/** A per-response streaming watermark: push text deltas, emit what it returns. */
export interface TextWatermarkStream {
  /** Feeds a delta; returns the text safe to emit now (holds back at most the current partial word). */
  push(delta: string): string;
  /** Ends the text; returns whatever was held back. */
  end(): string;
  /** Prose words rewritten so far and words offered (eligible positions). */
  stats(): { positions: number; changed: number };
}

/** A configured watermarker: cheap to keep, makes one stream per response. */
export interface Watermarker {
  stream(): TextWatermarkStream;
  /** Watermarks a whole text at once. */
  apply(text: string): string;
  table: SynonymTable;
}

/** Index (0..k-1) of the green member of `group` after `context` under `key`. */
export function greenIndex(key: Buffer, context: string, group: SynonymGroup): number {
  const h = createHmac("sha256", key).update(context).update("\0").update(group.id).digest();
  // 48 bits mod k: bias below 2^-45 for k <= 8, far below anything a test could see.
  return h.readUIntBE(0, 6) % group.members.length;
}

/** Creates a watermarker for one key. */
export function createWatermarker(opts: WatermarkerOptions): Watermarker {
  const table = opts.table ?? loadSynonymTable();
  const key = opts.key;
  const stream = (): TextWatermarkStream => {
    let positions = 0;
    let changed = 0;
    const scanner = new ProseScanner((_core, lower, context) => {
      const gi = table.byWord.get(lower);
      if (gi === undefined) return null;
      const group = table.groups[gi] as SynonymGroup;
      positions++;
      const green = group.members[greenIndex(key, context, group)] as string;
      if (green === lower) return null;
      changed++;
      return green;
    });
    return {
      push: (delta) => scanner.push(delta),
      end: () => scanner.end(),
      stats: () => ({ positions, changed }),
    };
  };
  return {
    table,
    stream,
    apply(text) {
      const s = stream();
      return s.push(text) + s.end();
    },
  };
}
