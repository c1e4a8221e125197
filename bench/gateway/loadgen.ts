/**
 * The benchmark's load generator, run as its own process (`node dist/bench/gateway/loadgen.js`,
 * driven over IPC by run.js). Open-loop jobs send at a fixed rate on a schedule and measure each
 * request from its *scheduled* send time, so a stalled server cannot hide latency by slowing the
 * sender (no coordinated omission). Closed-loop jobs keep N requests in flight for peak throughput.
 */
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { type Percentiles, summarize } from "./stats.js";

export interface LoadJob {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  mode: "open" | "closed";
  /** Requests per second (open loop). */
  rate?: number;
  /** Requests in flight (closed loop). */
  concurrency?: number;
  durationS: number;
  /** Load of the same shape run first and not counted (ms of connections, JIT, caches). */
  warmupS: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  /** Scheduled send (open loop) or actual send (closed loop) to the last body byte, ms. */
  latency: Percentiles;
  /** Same start to the first body byte, ms. */
  ttfb: Percentiles;
  /** How late the generator sent behind its schedule (open loop), ms: its own saturation. */
  sendLag: Percentiles | null;
  /** Completed requests per second of the measured window. */
  rps: number;
  /** CPU the generator used per second of the window (1 = one core busy). */
  loadgenCpu: number;
}

type Done = (status: number, firstByte: number, end: number, error: string | null) => void;

const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let p = pools.get(origin);
  if (!p) {
    p = new Pool(origin, { connections: 512, pipelining: 1, keepAliveTimeout: 60_000 });
    pools.set(origin, p);
  }
  return p;
}

/** Sends one request, reporting status, first-byte and end times (performance.now() ms). */
function send(pool: Pool, job: LoadJob, body: Buffer, done: Done): void {
  let status = 0;
  let first = -1;
  let errorBody = "";
  pool.dispatch(
    { method: "POST", path: job.path, headers: job.headers, body },
    {
      onRequestStart() {},
      onResponseStart(_c, statusCode) {
        status = statusCode;
      },
      onResponseData(_c, chunk: Buffer) {
        if (first < 0) first = performance.now();
        if (status !== 200 && errorBody.length < 300) errorBody += chunk.toString("utf8");
      },
      onResponseEnd() {
        const end = performance.now();
        done(
          status,
          first < 0 ? end : first,
          end,
          status === 200 ? null : `${status} ${errorBody.slice(0, 200)}`,
        );
      },
      onResponseError(_c, err) {
        const end = performance.now();
        done(status, first < 0 ? end : first, end, `${err.name}: ${err.message}`);
      },
    },
  );
}

class Samples {
  readonly latency: number[] = [];
  readonly ttfb: number[] = [];
  readonly lag: number[] = [];
  ok = 0;
  errors = 0;
  readonly errorSamples: string[] = [];

  add(start: number, first: number, end: number, error: string | null): void {
    if (error) {
      this.errors++;
      if (this.errorSamples.length < 5) this.errorSamples.push(error);
      return;
    }
    this.ok++;
    this.latency.push(end - start);
    this.ttfb.push(first - start);
  }
}

/** Fixed-rate sending for `seconds`; resolves when every request has finished (or timed out). */
function openLoop(job: LoadJob, seconds: number, samples: Samples | null): Promise<number> {
  const pool = poolFor(job.origin);
  const body = Buffer.from(job.body);
  const rate = job.rate ?? 100;
  const n = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const t0 = performance.now() + 5;
  let i = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const guard = setTimeout(
      () => {
        if (samples) samples.errors += n - finished;
        resolve(n);
      },
      seconds * 1000 + 30_000,
    );
    const fire = (scheduled: number) => {
      samples?.lag.push(performance.now() - scheduled);
      send(pool, job, body, (_s, first, end, error) => {
        samples?.add(scheduled, first, end, error);
        if (++finished === n) {
          clearTimeout(guard);
          resolve(n);
        }
      });
    };
    const tick = () => {
      const now = performance.now();
      while (i < n && t0 + i * interval <= now) fire(t0 + i++ * interval);
      if (i < n) setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    setTimeout(tick, 5);
  });
}

/** `concurrency` requests in flight for `seconds`; counts those that finish inside the window. */
function closedLoop(job: LoadJob, seconds: number, samples: Samples | null): Promise<number> {
  const pool = poolFor(job.origin);
  const body = Buffer.from(job.body);
  const end = performance.now() + seconds * 1000;
  let sent = 0;
  const worker = () =>
    new Promise<void>((resolve) => {
      const next = () => {
        const start = performance.now();
        if (start >= end) {
          resolve();
          return;
        }
        sent++;
        send(pool, job, body, (_s, first, stop, error) => {
          if (stop <= end) samples?.add(start, first, stop, error);
          next();
        });
      };
      next();
    });
  return Promise.all(Array.from({ length: job.concurrency ?? 64 }, worker)).then(() => sent);
}

/** Runs one job (warmup, then the measured window) and summarizes it. */
export async function runJob(job: LoadJob): Promise<LoadResult> {
  const run = job.mode === "open" ? openLoop : closedLoop;
  if (job.warmupS > 0) await run(job, job.warmupS, null);
  const samples = new Samples();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const sent = await run(job, job.durationS, samples);
  const window = job.mode === "open" ? (performance.now() - t0) / 1000 : job.durationS;
  const cpu = process.cpuUsage(cpu0);
  return {
    sent,
    ok: samples.ok,
    errors: samples.errors,
    errorSamples: samples.errorSamples,
    latency: summarize(samples.latency),
    ttfb: summarize(samples.ttfb),
    sendLag: job.mode === "open" ? summarize(samples.lag) : null,
    rps: job.mode === "open" ? samples.ok / job.durationS : samples.ok / window,
    loadgenCpu: (cpu.user + cpu.system) / 1e6 / window,
  };
}

if (process.send) {
  process.on("message", (m: { type: string; id: number; job: LoadJob }) => {
    if (m.type === "job") {
      runJob(m.job).then(
        (result) => process.send?.({ type: "result", id: m.id, result }),
        (err: unknown) => process.send?.({ type: "result", id: m.id, error: String(err) }),
      );
    } else if (m.type === "close") {
      void Promise.all([...pools.values()].map((p) => p.close())).then(() => process.disconnect());
    }
  });
  process.send({ type: "ready" });
}
