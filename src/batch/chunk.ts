/**
 * Turns a block of whole log lines into features: decode, validate, extract. The same code runs
 * inline and in feature workers, so a parallel analysis sees exactly what a serial one would.
 */
import { extractFeatures, type RequestFeatures } from "../detect/features.js";
import type { NetworkLookup } from "../detect/network.js";
import { dropFields, type IgnorableField } from "../events/ignore.js";
import type { LineProblem } from "../events/parse.js";
import { decodeLine } from "../events/reader.js";

export interface ChunkProblem {
  /** 1-based line number: inside the chunk from processChunk, in the file once the reader adds the base. */
  line: number;
  problem: LineProblem;
  detail: string;
}

export interface ChunkFeatures {
  /** Lines in the chunk, blank ones included. */
  lines: number;
  features: RequestFeatures[];
  /** Line (1-based, inside the chunk) of each entry of `features`. */
  featureLines: number[];
  problems: ChunkProblem[];
}

/**
 * `bytes` holds whole lines: every line ends with "\n" except perhaps the last one of the file.
 * A trailing empty segment (after the final "\n") is not a line. `ignore` lists optional fields read
 * as absent (analyze --ignore).
 */
export function processChunk(
  bytes: Uint8Array,
  lookup: NetworkLookup | null,
  ignore: readonly IgnorableField[] = [],
): ChunkFeatures {
  const out: ChunkFeatures = { lines: 0, features: [], featureLines: [], problems: [] };
  let start = 0;
  while (start < bytes.length) {
    let nl = bytes.indexOf(10, start);
    if (nl === -1) nl = bytes.length;
    const line = ++out.lines;
    const item = decodeLine(bytes.subarray(start, nl), line);
    start = nl + 1;
    if (!item) continue;
    if (item.event) {
      if (ignore.length > 0) dropFields(item.event, ignore);
      out.features.push(extractFeatures(item.event, lookup));
      out.featureLines.push(line);
    } else {
      out.problems.push({ line, problem: item.problem ?? "invalid_json", detail: item.detail ?? "" });
    }
  }
  return out;
}
