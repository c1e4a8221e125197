/**
 * Serialises emissions as interchange-format v1 lines and writes them with large buffered writes
 * (optionally gzip). The account object is serialised once per account; key order is fixed, so the
 * same run gives the same bytes.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { bodyJson } from "./request.js";
import { type Emission, World } from "./world.js";

/** One log line (without the newline). */
export function eventLine(id: string, e: Emission): string {
  const a = e.account;
  const c = e.client;
  const client = `{"ip":"${c.ip}","user_agent":${JSON.stringify(c.ua)},"tls_fingerprint":"${c.tls}","country":"${c.country}","asn":${c.asn},"network":"${c.network}"}`;
  return `{"id":"${id}","time":"${World.iso(e.t)}","account_id":"${a.id}","org_id":${a.orgId ? `"${a.orgId}"` : "null"},"api_key_id":"${a.keyId}","account":${a.infoJson},"client":${client},"api":"${e.api}","request":${bodyJson(e.spec)},"response":${JSON.stringify(e.response)}}`;
}

/** Buffered line writer to a file path ("-" for stdout); `.gz` paths are gzip-compressed. */
export class LineWriter {
  private readonly fd: number;
  private readonly gzip: boolean;
  private buf: Buffer;
  private used = 0;
  bytes = 0;

  constructor(path: string, size = 8 << 20) {
    this.fd = path === "-" ? 1 : openSync(path, "w");
    this.gzip = path.endsWith(".gz");
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Appends one line (a newline is added). */
  write(line: string): void {
    const need = line.length * 3 + 1;
    if (this.used + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need * 2);
    }
    this.used += this.buf.write(line, this.used, "utf8");
    this.buf[this.used++] = 10;
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    const out = this.gzip ? gzipSync(chunk, { level: 1 }) : chunk;
    let off = 0;
    while (off < out.length) off += writeSync(this.fd, out, off, out.length - off);
    this.bytes += out.length;
    this.used = 0;
  }

  /** Flushes and closes the file. */
  close(): void {
    this.flush();
    if (this.fd !== 1) closeSync(this.fd);
  }
}
