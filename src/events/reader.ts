import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { type LineProblem, parseEventLine } from "./parse.js";
import type { ExchangeEvent } from "./types.js";

export interface ReadItem {
  /** 1-based line number in the file. */
  line: number;
  event?: ExchangeEvent;
  problem?: LineProblem;
  detail?: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Streams a JSONL log (optionally .gz) line by line with bounded memory. Every non-blank line yields
 * either an event or a problem with its line number; the caller decides whether problems are fatal.
 */
export async function* readEvents(path: string): AsyncGenerator<ReadItem> {
  let input: NodeJS.ReadableStream = createReadStream(path, { highWaterMark: 1 << 20 });
  if (path.endsWith(".gz")) input = input.pipe(createGunzip());
  let carry: Buffer | null = null;
  let lineNo = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) break;
      lineNo++;
      const item = decodeLine(buf.subarray(start, nl), lineNo);
      if (item) yield item;
      start = nl + 1;
    }
    buf = buf.subarray(start);
    carry = buf.length > 0 ? Buffer.from(buf) : null;
  }
  if (carry && carry.length > 0) {
    lineNo++;
    const item = decodeLine(carry, lineNo);
    if (item) yield item;
  }
}

/** Decodes and validates one line (without its newline); null for a blank line. */
export function decodeLine(bytes: Uint8Array, line: number): ReadItem | null {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { line, problem: "invalid_utf8", detail: "line is not valid UTF-8" };
  }
  if (text.trim() === "") return null;
  const parsed = parseEventLine(text);
  return parsed.ok ? { line, event: parsed.event } : { line, problem: parsed.problem, detail: parsed.detail };
}
