/**
 * Reads a JSONL event log (optionally .gz) as batches of request features, in file order, with
 * bounded memory. With `workers` > 0, decoding, validation and feature extraction run in worker
 * threads (blocks of whole lines, round robin, a bounded number in flight), and the caller's thread
 * is left with the detection engine; with 0 they run inline. Both give the same features, lines and
 * problems in the same order.
 */
import { Worker } from "node:worker_threads";
import { decodeFeatures, StringDecoder } from "../detect/feature-codec.js";
import type { RequestFeatures } from "../detect/features.js";
import type { NetworkLookup } from "../detect/network.js";
import type { IgnorableField } from "../events/ignore.js";
import { type ChunkProblem, processChunk } from "./chunk.js";
import type { FeatureWorkerOptions, FeatureWorkerReply, FeatureWorkerRequest } from "./feature-worker.js";
import { openLog } from "./open-log.js";

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
  /**
   * Called when the lines of the source's `file`-th file begin, with the number of lines of the
   * source before them (several files are read one after the other as one source).
   */
  onFileStart?: ((file: number, linesBefore: number) => void) | undefined;
}

/** What to read: a log's path ("-": standard input), several logs read one after the other, or blocks of whole lines. */
export type FeatureSource = string | readonly string[] | AsyncIterable<Uint8Array<ArrayBuffer>>;

/** Blocks of whole lines, each tagged with the file it comes from (a block never spans two). */
async function* taggedBlocks(
  source: FeatureSource,
  blockBytes: number,
): AsyncGenerator<{ bytes: Uint8Array<ArrayBuffer>; file: number }> {
  if (typeof source === "string") {
    for await (const bytes of lineBlocks(source, blockBytes)) yield { bytes, file: 0 };
  } else if (Array.isArray(source)) {
    for (let file = 0; file < source.length; file++)
      for await (const bytes of lineBlocks(source[file]!, blockBytes)) yield { bytes, file };
  } else {
    for await (const bytes of source as AsyncIterable<Uint8Array<ArrayBuffer>>) yield { bytes, file: 0 };
  }
}

/** Splits a byte stream into blocks of whole lines; the last block may lack its final newline. */
async function* lineBlocks(path: string, blockBytes: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of openLog(path, blockBytes)) {
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
 * Line numbers in the batches count the lines of the whole source (several files: one after the
 * other; `onFileStart` says where each begins).
 */
export async function* readFeatures(
  source: FeatureSource,
  opts: ReadFeaturesOptions,
): AsyncGenerator<FeatureBatch> {
  const blockBytes = opts.blockBytes ?? 1 << 20;
  let base = 0;
  let file = -1;
  const enter = (f: number) => {
    if (f === file) return;
    file = f;
    opts.onFileStart?.(f, base);
  };
  if (opts.workers <= 0) {
    for await (const { bytes: block, file: f } of taggedBlocks(source, blockBytes)) {
      enter(f);
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
  // each worker's string dictionary; its replies are decoded in the order its blocks were sent
  const strings = workers.map(() => new StringDecoder());
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
  const unpack = (reply: FeatureWorkerReply, f: number): FeatureBatch => {
    if ("error" in reply) throw new Error(`feature worker failed: ${reply.error}`);
    enter(f);
    const lines = reply.featureLines;
    for (let i = 0; i < lines.length; i++) lines[i]! += base;
    const features = decodeFeatures(reply.cols, strings[reply.id % workers.length]!);
    const batch = { features, lines, problems: offset(reply.problems, base) };
    base += reply.lines;
    return batch;
  };
  const maxInFlight = 2 * workers.length + 1;
  const pending: { reply: Promise<FeatureWorkerReply>; file: number }[] = [];
  const next = async () => {
    const p = pending.shift()!;
    return unpack(await p.reply, p.file);
  };
  try {
    for await (const { bytes, file: f } of taggedBlocks(source, blockBytes)) {
      pending.push({ reply: send(bytes), file: f });
      if (pending.length >= maxInFlight) yield await next();
    }
    while (pending.length > 0) yield await next();
  } finally {
    // a consumer that stops early (--strict) leaves replies pending: settle them quietly
    for (const p of pending) p.reply.catch(() => {});
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
