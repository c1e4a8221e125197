import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** Columns kept beside the full event JSON in the DuckDB table, in table order. */
export type EventRow = [
  id: string,
  time: string,
  account_id: string,
  org_id: string | null,
  api_key_id: string | null,
  api: string,
  model: string | null,
  status: number,
  input_tokens: number | null,
  output_tokens: number | null,
  latency_ms: number | null,
  client_ip: string | null,
  country: string | null,
];

/** A destination for batches of events. Implementations may throw; the writer counts and carries on. */
export interface EventSink {
  readonly name: string;
  write(lines: string[], rows: EventRow[]): Promise<void>;
  close(): Promise<void>;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS events (
  id VARCHAR, time TIMESTAMPTZ, account_id VARCHAR, org_id VARCHAR, api_key_id VARCHAR, api VARCHAR,
  model VARCHAR, status INTEGER, input_tokens INTEGER, output_tokens INTEGER, latency_ms DOUBLE,
  client_ip VARCHAR, country VARCHAR, event JSON)`;

/** Appends events to a DuckDB table through the appender API (one flush = one commit per batch). */
export class DuckDbSink implements EventSink {
  readonly name = "duckdb";
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  static async open(path: string): Promise<DuckDbSink> {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run(CREATE_TABLE);
    const appender = await conn.createAppender("events");
    return new DuckDbSink(instance, conn, appender);
  }

  async write(lines: string[], rows: EventRow[]): Promise<void> {
    const a = this.appender;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      for (let c = 0; c < r.length; c++) {
        const v = r[c];
        if (v === null || v === undefined) a.appendNull();
        else if (c === 7 || c === 8 || c === 9) a.appendInteger(v as number);
        else if (c === 10) a.appendDouble(v as number);
        else a.appendVarchar(String(v));
      }
      a.appendVarchar(lines[i]!);
      a.endRow();
    }
    a.flushSync();
  }

  async close(): Promise<void> {
    try {
      this.appender.closeSync();
    } finally {
      this.conn.closeSync();
      this.instance.closeSync();
    }
  }
}

/** Appends JSON lines to one file per UTC day: `<dir>/events-YYYY-MM-DD.jsonl`. */
export class JsonlSink implements EventSink {
  readonly name = "jsonl";
  private fd: number | null = null;
  private day = "";

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async write(lines: string[]): Promise<void> {
    const day = new Date().toISOString().slice(0, 10);
    if (day !== this.day || this.fd === null) {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = openSync(join(this.dir, `events-${day}.jsonl`), "a");
      this.day = day;
    }
    const buf = Buffer.from(`${lines.join("\n")}\n`);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
  }

  async close(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
