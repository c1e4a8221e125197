/**
 * A minimal incremental server-sent-events parser (WHATWG EventSource framing): feed it raw bytes in
 * any chunking, it calls `onEvent(event, data)` for each complete event. It holds at most one
 * incomplete line plus the current event's data lines, never the whole stream.
 */
export class SseParser {
  private carry = "";
  private event: string | null = null;
  private data: string[] = [];
  private readonly decoder = new TextDecoder("utf-8");

  constructor(private readonly onEvent: (event: string | null, data: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.carry + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      let line = text.slice(start, nl);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.line(line);
      start = nl + 1;
    }
    this.carry = text.slice(start);
    // A lone CR line ending at the very end is handled when the next chunk arrives.
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): void {
    if (this.carry !== "") this.line(this.carry.replace(/\r$/, ""));
    this.carry = "";
    this.line("");
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length > 0 || this.event !== null) this.onEvent(this.event, this.data.join("\n"));
      this.event = null;
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
  }
}

/** Encodes one SSE event. Event names must not contain CR or LF. */
export function sseEvent(event: string | null, data: string): string {
  if (event !== null && /[\r\n]/.test(event)) throw new Error("SSE event name contains a line break");
  const lines = data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`);
  return (event === null ? "" : `event: ${event}\n`) + lines.join("\n") + "\n\n";
}
