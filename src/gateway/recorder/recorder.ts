import { Worker } from "node:worker_threads";
import type { ExchangeEvent } from "../../events/types.js";
import type { PendingEvent, WriterMessage, WriterOptions, WriterReply } from "./worker.js";

export interface RecorderOptions extends WriterOptions {
  /** Longest time an event waits in memory before its batch is sent to the writer (ms). */
  batchMs: number;
  batchMax: number;
  /** Events held while the writer is busy or failing; beyond this, new events are dropped and counted. */
  queueMax: number;
}

export interface RecorderStats {
  recorded: number;
  written: number;
  dropped: number;
  queued: number;
  sinkFailures: number;
  lastFailure: string | null;
  sinks: string[];
}

/**
 * Records exchange events off the hot path. `record()` only appends to an in-memory queue (O(1));
 * a timer hands batches to a writer thread, one batch in flight at a time. A crash loses at most the
 * queued events (normally one batch window) plus the batch being written. A slow or failing store
 * never blocks serving: the queue is bounded and overflow is dropped and counted.
 */
export class Recorder {
  private queue: PendingEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private seq = 0;
  private closed = false;
  private dead = false;
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private idleWaiters: (() => void)[] = [];
  private readonly s: RecorderStats = {
    recorded: 0,
    written: 0,
    dropped: 0,
    queued: 0,
    sinkFailures: 0,
    lastFailure: null,
    sinks: [],
  };

  constructor(private readonly opts: RecorderOptions) {
    const data: WriterOptions = {
      duckdbPath: opts.duckdbPath,
      jsonlDir: opts.jsonlDir,
      retention: opts.retention,
      retentionKey: opts.retentionKey,
    };
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: data });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: WriterReply) => {
        if (m.type === "ready") {
          this.s.sinks = m.sinks;
          for (const e of m.errors) this.fail(e);
          resolve();
        } else if (m.type === "written") {
          this.s.written += m.count;
          for (const f of m.failures) this.fail(`${f.sink}: ${f.message}`);
          this.inFlight = false;
          this.pump();
        }
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", (err) => {
        this.fail(`writer thread: ${err.message}`);
        reject(err);
      });
      this.worker.once("exit", () => {
        // The writer is gone (crash or close): nothing queued can be written any more.
        this.dead = true;
        this.inFlight = false;
        this.s.dropped += this.queue.length;
        this.queue = [];
        this.pump();
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Waits until the writer has opened its sinks. */
  async start(): Promise<string[]> {
    await this.ready;
    return this.s.sinks;
  }

  /**
   * Queues one exchange. `rawRequest` is the body as received (the writer thread parses and redacts
   * it); without it `event.request` is used. Never throws, never blocks.
   */
  record(event: ExchangeEvent, rawRequest?: string): void {
    this.s.recorded++;
    if (this.closed || this.dead || this.queue.length >= this.opts.queueMax) {
      this.s.dropped++;
      return;
    }
    const { request, ...rest } = event;
    this.queue.push({ event: rest, rawRequest: rawRequest ?? JSON.stringify(request) });
    if (this.queue.length >= this.opts.batchMax) this.pump();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, this.opts.batchMs);
      this.timer.unref();
    }
  }

  stats(): RecorderStats {
    return { ...this.s, queued: this.queue.length };
  }

  /** Resolves when everything queued so far has been written (or failed). */
  async flush(): Promise<void> {
    await this.ready.catch(() => undefined);
    if (this.queue.length === 0 && !this.inFlight) return;
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.pump();
    });
  }

  /** Flushes, closes the sinks and stops the writer thread. */
  async close(): Promise<void> {
    await this.flush();
    if (this.dead) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once("exit", done);
      this.worker.on("message", (m: WriterReply) => {
        if (m.type === "closed") void this.worker.terminate();
      });
      this.worker.postMessage({ type: "close" } satisfies WriterMessage);
      setTimeout(done, 5000).unref();
    });
  }

  private pump(): void {
    if (this.inFlight) return;
    if (this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    const events = this.queue.splice(0, this.opts.batchMax);
    this.inFlight = true;
    this.worker.postMessage({ type: "batch", seq: ++this.seq, events } satisfies WriterMessage);
  }

  private fail(message: string): void {
    this.s.sinkFailures++;
    this.s.lastFailure = message;
  }
}
