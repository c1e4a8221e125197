/**
 * Reads a JSONL event log (optionally .gz) as batches of request features, in file order, with
 * bounded memory. With `workers` > 0, decoding, validation and feature extraction run in worker
 * threads (blocks of whole lines, round robin, a bounded number in flight), and the caller's thread
 * is left with the detection engine; with 0 they run inline. Both give the same features, lines and
 * problems in the same order.
 */
import { createReadStream } from "node:fs";
import { Worker } from "node:worker_threads";
import { createGunzip } from "node:zlib";
import { decodeFeatures } from "../detect/feature-codec.js";
import type { RequestFeatures } from "../detect/features.js";
import type { NetworkLookup } from "../detect/network.js";
import type { IgnorableField } from "../events/ignore.js";
import { type ChunkProblem, processChunk } from "./chunk.js";
import type { FeatureWorkerOptions, FeatureWorkerReply, FeatureWorkerRequest } from "./feature-worker.js";

export interface FeatureBatch {
  features: RequestFeatures[];
  /** File line (1-based) of each entry of `features`. */
  lines: ArrayLike<number>;
  /** Lines that are not events, with their file line numbers, in order. */
  problems: ChunkProblem[];
}

export interface ReadFeaturesOptions {
  /** Feature worker threads; 0 runs everything on the caller's thread. */
  workers: number;
  /** Resolve ASN / network class with the bundled table (loaded once per thread). */
  asn: boolean;
  /** The table for the inline mode (workers = 0). */
  lookup?: NetworkLookup | null;
  /** Bytes per block handed to a worker (default 1 MiB; whole lines, so a longer line makes a longer block). */
  blockBytes?: number | undefined;
  /** Optional fields read as absent (analyze --ignore). */
  ignore?: readonly IgnorableField[] | undefined;
}

/** Splits a byte stream into blocks of whole lines; the last block may lack its final newline. */
async function* lineBlocks(path: string, blockBytes: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let input: NodeJS.ReadableStream = createReadStream(path, { highWaterMark: blockBytes });
  if (path.endsWith(".gz")) input = input.pipe(createGunzip());
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    parts.push(chunk);
    held += chunk.length;
    if (held < blockBytes) continue;
    const all = Buffer.concat(parts, held);
    const cut = all.lastIndexOf(10) + 1;
    if (cut === 0) {
      parts = [all]; // one line longer than a block: wait for its end
      continue;
    }
    yield copy(all.subarray(0, cut));
    parts = cut < all.length ? [all.subarray(cut)] : [];
    held = all.length - cut;
  }
  if (held > 0) yield copy(Buffer.concat(parts, held));
}

/** A block in its own ArrayBuffer, so it can be transferred (pooled Buffers share one). */
function copy(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const u = new Uint8Array(b.length);
  u.set(b);
  return u;
}

function offset(problems: ChunkProblem[], base: number): ChunkProblem[] {
  for (const p of problems) p.line += base;
  return problems;
}

/**
 * `source` is a log's path, or blocks of whole lines already read (a sorted log); line numbers in
 * the batches count the lines of the source.
 */
export async function* readFeatures(
  source: string | AsyncIterable<Uint8Array<ArrayBuffer>>,
  opts: ReadFeaturesOptions,
): AsyncGenerator<FeatureBatch> {
  const blockBytes = opts.blockBytes ?? 1 << 20;
  const blocks = () => (typeof source === "string" ? lineBlocks(source, blockBytes) : source);
  let base = 0;
  if (opts.workers <= 0) {
    for await (const block of blocks()) {
      const r = processChunk(block, opts.lookup ?? null, opts.ignore ?? []);
      yield {
        features: r.features,
        lines: r.featureLines.map((l) => l + base),
        problems: offset(r.problems, base),
      };
      base += r.lines;
    }
    return;
  }

  const workerData: FeatureWorkerOptions = { asn: opts.asn, ignore: [...(opts.ignore ?? [])] };
  const url = new URL("./feature-worker.js", import.meta.url);
  const workers = Array.from({ length: opts.workers }, () => new Worker(url, { workerData }));
  const waiting = new Map<number, { resolve: (r: FeatureWorkerReply) => void; reject: (e: Error) => void }>();
  const fail = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  for (const w of workers) {
    w.on("message", (reply: FeatureWorkerReply) => {
      const entry = waiting.get(reply.id);
      waiting.delete(reply.id);
      entry?.resolve(reply);
    });
    w.on("error", fail);
    w.on("exit", (code) => {
      if (waiting.size > 0) fail(new Error(`feature worker exited (code ${code}) with work pending`));
    });
  }
  let seq = 0;
  const send = (bytes: Uint8Array<ArrayBuffer>): Promise<FeatureWorkerReply> =>
    new Promise((resolve, reject) => {
      const id = seq++;
      waiting.set(id, { resolve, reject });
      const msg: FeatureWorkerRequest = { id, bytes };
      workers[id % workers.length]!.postMessage(msg, [bytes.buffer]);
    });
  const unpack = (reply: FeatureWorkerReply): FeatureBatch => {
    if ("error" in reply) throw new Error(`feature worker failed: ${reply.error}`);
    const lines = reply.featureLines;
    for (let i = 0; i < lines.length; i++) lines[i]! += base;
    const batch = { features: decodeFeatures(reply.cols), lines, problems: offset(reply.problems, base) };
    base += reply.lines;
    return batch;
  };
  const maxInFlight = 2 * workers.length + 1;
  const pending: Promise<FeatureWorkerReply>[] = [];
  try {
    for await (const block of blocks()) {
      pending.push(send(block));
      if (pending.length >= maxInFlight) yield unpack(await pending.shift()!);
    }
    while (pending.length > 0) yield unpack(await pending.shift()!);
  } finally {
    // a consumer that stops early (--strict) leaves replies pending: settle them quietly
    for (const p of pending) p.catch(() => {});
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
