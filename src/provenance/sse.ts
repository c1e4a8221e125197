/**
 * Watermarking of whole API responses: an SSE transform for streams and a rewrite for JSON bodies.
 * Only assistant text is touched (Anthropic `text_delta` in text blocks; OpenAI
 * `choices[].delta.content` / `choices[].message.content`); thinking, tool-use input_json_delta and
 * tool_calls arguments are never touched, and every event that is not rewritten passes through byte
 * for byte. A word held back at the end of one delta goes out at the start of the next delta of the
 * same block, or in one extra delta just before the block's `content_block_stop` (Anthropic) or in
 * the choice's finishing chunk (OpenAI).
 */
import type { TextWatermarkStream, Watermarker } from "./watermark.js";

/** The two API dialects the gateway serves. */
export type WatermarkDialect = "anthropic.messages" | "openai.chat.completions";

/** A byte-stream transform for one SSE response. */
export interface SseWatermarkTransform {
  /** Feeds upstream bytes; returns the bytes to send to the client now (complete events only). */
  push(chunk: Buffer): Buffer;
  /** Ends the stream: returns held bytes and any held-back text. */
  end(): Buffer;
  /** Assistant text as sent to the client so far (for receipts). */
  text(): string;
}

const EMPTY = Buffer.alloc(0);
type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Splits one raw event into its data payload (joined data lines) and the other lines. */
function eventData(raw: string): string | null {
  let data: string | null = null;
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("data:")) {
      const v = line.slice(5).startsWith(" ") ? line.slice(6) : line.slice(5);
      data = data === null ? v : `${data}\n${v}`;
    }
  }
  return data;
}

/** Rebuilds an event with a new data payload, keeping its other fields (event name, id) in order. */
function withData(raw: string, data: unknown): string {
  const json = JSON.stringify(data);
  const out: string[] = [];
  let done = false;
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith("data:")) {
      if (!done) out.push(`data: ${json}`);
      done = true;
    } else out.push(line);
  }
  return out.join("\n");
}

/** Creates the SSE transform of one streamed response. */
export function createSseWatermarkTransform(
  dialect: WatermarkDialect,
  watermarker: Watermarker,
): SseWatermarkTransform {
  let pending: Buffer = EMPTY;
  let sent = "";
  const streams = new Map<number, TextWatermarkStream>();
  const anthropic = dialect === "anthropic.messages";
  // OpenAI: remember the envelope of the last chunk to build a flush chunk at [DONE] if needed.
  let lastEnvelope: Json | null = null;

  const streamFor = (index: number): TextWatermarkStream => {
    let s = streams.get(index);
    if (!s) {
      s = watermarker.stream();
      streams.set(index, s);
    }
    return s;
  };

  const anthropicEvent = (raw: string): string => {
    if (!raw.includes("content_block_")) return raw;
    const data = eventData(raw);
    if (data === null) return raw;
    let ev: unknown;
    try {
      ev = JSON.parse(data);
    } catch {
      return raw;
    }
    if (!isObj(ev) || typeof ev.index !== "number") return raw;
    const index = ev.index;
    if (ev.type === "content_block_start") {
      if (isObj(ev.content_block) && ev.content_block.type === "text") streamFor(index);
      return raw;
    }
    const s = streams.get(index);
    if (!s) return raw;
    if (ev.type === "content_block_delta" && isObj(ev.delta) && ev.delta.type === "text_delta") {
      const text = typeof ev.delta.text === "string" ? ev.delta.text : "";
      const out = s.push(text);
      sent += out;
      return out === text ? raw : withData(raw, { ...ev, delta: { ...ev.delta, text: out } });
    }
    if (ev.type === "content_block_stop") {
      streams.delete(index);
      const rest = s.end();
      if (rest.length === 0) return raw;
      sent += rest;
      const flush = { type: "content_block_delta", index, delta: { type: "text_delta", text: rest } };
      return `event: content_block_delta\ndata: ${JSON.stringify(flush)}\n\n${raw}`;
    }
    return raw;
  };

  const openaiEvent = (raw: string): string => {
    const data = eventData(raw);
    if (data === null) return raw;
    if (data.trim() === "[DONE]") return flushOpenAI() + raw;
    let ev: unknown;
    try {
      ev = JSON.parse(data);
    } catch {
      return raw;
    }
    if (!isObj(ev) || !Array.isArray(ev.choices)) return raw;
    lastEnvelope = ev;
    let changed = false;
    const choices = ev.choices.map((c: unknown) => {
      if (!isObj(c) || typeof c.index !== "number") return c;
      const delta = isObj(c.delta) ? c.delta : null;
      const hasText = delta !== null && typeof delta.content === "string";
      const finishing = c.finish_reason !== null && c.finish_reason !== undefined;
      if (!hasText && !(finishing && streams.has(c.index))) return c;
      const s = streamFor(c.index);
      const text = hasText ? (delta?.content as string) : "";
      let out = s.push(text);
      if (finishing) {
        out += s.end();
        streams.delete(c.index);
      }
      sent += out;
      if (out === text) return c;
      changed = true;
      return { ...c, delta: { ...(delta ?? {}), content: out } };
    });
    return changed ? withData(raw, { ...ev, choices }) : raw;
  };

  const flushOpenAI = (): string => {
    let out = "";
    for (const [index, s] of streams) {
      const rest = s.end();
      if (rest.length === 0) continue;
      sent += rest;
      const env = lastEnvelope ?? {};
      const chunk = { ...env, choices: [{ index, delta: { content: rest }, finish_reason: null }] };
      delete (chunk as Json).usage;
      out += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    streams.clear();
    return out;
  };

  const rewrite = anthropic ? anthropicEvent : openaiEvent;

  const processText = (text: string): string => {
    // Events end with a blank line; keep the separators exactly as received.
    let out = "";
    const re = /\r?\n\r?\n/g;
    let from = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const raw = text.slice(from, m.index);
      const sep = m[0];
      out += raw.length > 0 ? rewrite(raw) + sep : sep;
      from = m.index + sep.length;
    }
    return out;
  };

  return {
    push(chunk) {
      const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const lf = buf.lastIndexOf("\n\n");
      const crlf = buf.lastIndexOf("\r\n\r\n");
      const end = Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 4);
      if (end === 0) {
        pending = buf;
        return EMPTY;
      }
      pending = end < buf.length ? Buffer.from(buf.subarray(end)) : EMPTY;
      const text = buf.toString("utf8", 0, end);
      return Buffer.from(processText(text), "utf8");
    },
    end() {
      let tail = "";
      if (pending.length > 0) {
        tail = pending.toString("utf8");
        pending = EMPTY;
      }
      // Unterminated trailing data passes through; held-back text goes out as a last event.
      if (anthropic) {
        for (const [index, s] of streams) {
          const rest = s.end();
          if (rest.length === 0) continue;
          sent += rest;
          const flush = { type: "content_block_delta", index, delta: { type: "text_delta", text: rest } };
          tail = `event: content_block_delta\ndata: ${JSON.stringify(flush)}\n\n${tail}`;
        }
        streams.clear();
      } else tail = flushOpenAI() + tail;
      return tail.length > 0 ? Buffer.from(tail, "utf8") : EMPTY;
    },
    text: () => sent,
  };
}

/** Watermarks a non-streaming response body (returns a new object; the input is not modified). */
export function watermarkJsonResponse(
  dialect: WatermarkDialect,
  body: unknown,
  watermarker: Watermarker,
): unknown {
  if (!isObj(body)) return body;
  if (dialect === "anthropic.messages") {
    if (!Array.isArray(body.content)) return body;
    const content = body.content.map((b: unknown) =>
      isObj(b) && b.type === "text" && typeof b.text === "string"
        ? { ...b, text: watermarker.apply(b.text) }
        : b,
    );
    return { ...body, content };
  }
  if (!Array.isArray(body.choices)) return body;
  const choices = body.choices.map((c: unknown) => {
    if (!isObj(c) || !isObj(c.message) || typeof c.message.content !== "string") return c;
    return { ...c, message: { ...c.message, content: watermarker.apply(c.message.content) } };
  });
  return { ...body, choices };
}

/** Assistant text of a non-streaming response body (text blocks / first choice), for receipts. */
export function responseText(dialect: WatermarkDialect, body: unknown): string {
  if (!isObj(body)) return "";
  if (dialect === "anthropic.messages") {
    if (!Array.isArray(body.content)) return "";
    return body.content
      .map((b: unknown) => (isObj(b) && b.type === "text" && typeof b.text === "string" ? b.text : ""))
      .join("");
  }
  if (!Array.isArray(body.choices)) return "";
  const c = body.choices[0];
  return isObj(c) && isObj(c.message) && typeof c.message.content === "string" ? c.message.content : "";
}
