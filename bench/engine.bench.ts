/**
 * The detection engine alone, without reading, parsing or feature extraction: a log's features are
 * extracted once into a dump (feature-codec columns, length-prefixed), then fed to a fresh engine as
 * `analyze` feeds it, in order, with its automatic passes.
 *
 * Usage:
 *   node dist/bench/engine.bench.js dump LOG DUMP [--limit N]
 *   node dist/bench/engine.bench.js run DUMP [--limit N] [--rounds K]
 *
 * `run` prints one JSON line per round: events, wall and CPU seconds of the engine (decoding the
 * columns included, about 5 % of it), microseconds per event, peak RSS, and a hash of the report, so
 * that two builds meant to decide alike can be checked to (the same hash) while they are timed. The
 * dump is read into memory before the clock starts. A dump is tied to the codec of the build that
 * wrote it.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import { readFeatures } from "../src/batch/feature-reader.js";
import { defaultConfig } from "../src/detect/config.js";
import { DetectionEngine } from "../src/detect/engine.js";
import {
  decodeFeatures,
  encodeFeatures,
  type FeatureColumns,
  StringDecoder,
  StringEncoder,
} from "../src/detect/feature-codec.js";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

async function dump(log: string, out: string, limit: number): Promise<void> {
  const fd = openSync(out, "w");
  const strings = new StringEncoder();
  let events = 0;
  try {
    for await (const batch of readFeatures(log, { workers: 1, asn: true })) {
      const body = serialize(encodeFeatures(batch.features, strings));
      const head = Buffer.alloc(4);
      head.writeUInt32LE(body.length);
      writeSync(fd, head);
      writeSync(fd, body);
      events += batch.features.length;
      if (events >= limit) break;
    }
  } finally {
    closeSync(fd);
  }
  console.log(JSON.stringify({ dumped: events, file: out }));
}

function run(path: string, limit: number, rounds: number): void {
  const raw = readFileSync(path);
  const blocks: Buffer[] = [];
  for (let o = 0; o < raw.length; ) {
    const len = raw.readUInt32LE(o);
    blocks.push(raw.subarray(o + 4, o + 4 + len));
    o += 4 + len;
  }
  for (let r = 0; r < rounds; r++) {
    const engine = new DetectionEngine(defaultConfig());
    const strings = new StringDecoder();
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    let events = 0;
    outer: for (const block of blocks) {
      for (const f of decodeFeatures(deserialize(block) as FeatureColumns, strings)) {
        engine.ingestFeatures(f);
        if (++events >= limit) break outer;
      }
    }
    engine.flush();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const report = createHash("sha256").update(JSON.stringify(engine.report())).digest("hex").slice(0, 16);
    console.log(
      JSON.stringify({
        events,
        seconds: Math.round(seconds * 100) / 100,
        cpu_seconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
        us_per_event: Math.round((seconds * 1e8) / events) / 100,
        peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
        report,
      }),
    );
  }
}

const [mode, a, b] = process.argv.slice(2);
const limit = option("--limit", Number.POSITIVE_INFINITY);
if (mode === "dump" && a && b) await dump(a, b, limit);
else if (mode === "run" && a) run(a, limit, option("--rounds", 1));
else {
  console.error("usage: engine.bench.js dump LOG DUMP [--limit N] | run DUMP [--limit N] [--rounds K]");
  process.exitCode = 2;
}
