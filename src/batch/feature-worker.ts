/**
 * A feature worker of `distillguard analyze`: receives blocks of whole log lines (transferred),
 * returns their features as columns (feature-codec.ts) and their problem lines.
 */
import { parentPort, workerData } from "node:worker_threads";
import { encodeFeatures, type FeatureColumns, StringEncoder } from "../detect/feature-codec.js";
import type { IgnorableField } from "../events/ignore.js";
import { loadAsnTable } from "./asn.js";
import { type ChunkProblem, processChunk } from "./chunk.js";

export interface FeatureWorkerOptions {
  asn: boolean;
  /** Optional fields read as absent (analyze --ignore). */
  ignore: IgnorableField[];
}

export interface FeatureWorkerRequest {
  id: number;
  bytes: Uint8Array;
}

export type FeatureWorkerReply =
  | {
      id: number;
      lines: number;
      cols: FeatureColumns;
      featureLines: Uint32Array;
      problems: ChunkProblem[];
    }
  | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error("feature-worker.js runs as a worker thread");
const opts = workerData as FeatureWorkerOptions;
const lookup = opts.asn ? loadAsnTable() : null;
// this thread's string dictionary: the reader decodes its replies in the order they are sent
const strings = new StringEncoder();

port.on("message", (msg: FeatureWorkerRequest) => {
  try {
    const r = processChunk(msg.bytes, lookup, opts.ignore);
    const cols = encodeFeatures(r.features, strings);
    const featureLines = Uint32Array.from(r.featureLines);
    const reply: FeatureWorkerReply = {
      id: msg.id,
      lines: r.lines,
      cols,
      featureLines,
      problems: r.problems,
    };
    port.postMessage(reply, [cols.nums.buffer, cols.strIds.buffer, featureLines.buffer]);
  } catch (err) {
    port.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) } satisfies FeatureWorkerReply);
  }
});
