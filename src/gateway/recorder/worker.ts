/**
 * The recorder's writer thread: receives batches from the gateway's event loop and writes them to
 * every configured sink, so no storage call ever runs on the serving thread. A failing sink is
 * counted and retried on the next batch; it never stops the others.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ExchangeEvent } from "../../events/types.js";
import { type Retention, retainRequest } from "./retention.js";
import { DuckDbSink, type EventRow, type EventSink, JsonlSink } from "./sinks.js";

export interface WriterOptions {
  duckdbPath: string | null;
  jsonlDir: string | null;
  retention: Retention;
  /** Hex key of the keyed digests that stand in for redacted text. */
  retentionKey: string;
}

/** One exchange to write: the event without its request, and the request body as the client sent it. */
export interface PendingEvent {
  event: Omit<ExchangeEvent, "request">;
  rawRequest: string;
}

export type WriterMessage = { type: "batch"; seq: number; events: PendingEvent[] } | { type: "close" };

export type WriterReply =
  | { type: "ready"; sinks: string[]; errors: string[] }
  | { type: "written"; seq: number; count: number; failures: { sink: string; message: string }[] }
  | { type: "closed" };

async function openSinks(opts: WriterOptions): Promise<{ sinks: EventSink[]; errors: string[] }> {
  const sinks: EventSink[] = [];
  const errors: string[] = [];
  if (opts.jsonlDir) {
    try {
      sinks.push(new JsonlSink(opts.jsonlDir));
    } catch (err) {
      errors.push(`jsonl: ${(err as Error).message}`);
    }
  }
  if (opts.duckdbPath) {
    try {
      sinks.push(await DuckDbSink.open(opts.duckdbPath));
    } catch (err) {
      errors.push(`duckdb: ${(err as Error).message}`);
    }
  }
  return { sinks, errors };
}

function toRow(e: ExchangeEvent): EventRow {
  return [
    e.id,
    e.time,
    e.account_id,
    e.org_id ?? null,
    e.api_key_id ?? null,
    e.api,
    typeof e.request.model === "string" ? e.request.model : null,
    e.response.status,
    e.response.input_tokens ?? null,
    e.response.output_tokens ?? null,
    e.response.latency_ms ?? null,
    e.client?.ip ?? null,
    e.client?.country ?? null,
  ];
}

/** Builds the stored line and table row of one exchange under the retention setting. */
export function buildRecord(
  p: PendingEvent,
  retention: Retention,
  key: Buffer,
): { line: string; row: EventRow } {
  let request: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(p.rawRequest);
    request =
      typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : { _unparsed: true };
  } catch {
    // The gateway refused the body (bad JSON, bad UTF-8, too large): keep only its size.
    request = { _unparsed: true, bytes: Buffer.byteLength(p.rawRequest) };
  }
  const event = { ...p.event, request: retainRequest(request, retention, key) } as ExchangeEvent;
  if (retention !== "full" && event.response.text) event.response = { ...event.response, text: null };
  return { line: JSON.stringify(event), row: toRow(event) };
}

if (parentPort) {
  const port = parentPort;
  const opts = workerData as WriterOptions;
  const key = Buffer.from(opts.retentionKey, "hex");
  const { sinks, errors } = await openSinks(opts);
  port.postMessage({ type: "ready", sinks: sinks.map((s) => s.name), errors } satisfies WriterReply);
  port.on("message", async (msg: WriterMessage) => {
    if (msg.type === "close") {
      for (const s of sinks) await s.close().catch(() => undefined);
      port.postMessage({ type: "closed" } satisfies WriterReply);
      return;
    }
    const failures: { sink: string; message: string }[] = [];
    const lines: string[] = [];
    const rows: EventRow[] = [];
    for (const p of msg.events) {
      const r = buildRecord(p, opts.retention, key);
      lines.push(r.line);
      rows.push(r.row);
    }
    for (const s of sinks) {
      try {
        await s.write(lines, rows);
      } catch (err) {
        failures.push({ sink: s.name, message: (err as Error).message });
      }
    }
    port.postMessage({ type: "written", seq: msg.seq, count: lines.length, failures } satisfies WriterReply);
  });
}
