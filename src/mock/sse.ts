/**
 * Server-sent event encoders for the two dialects: Anthropic names every event (`event:` + `data:`),
 * OpenAI sends bare `data:` lines and ends with `data: [DONE]`.
 */

/** The terminator of an OpenAI stream. */
export const SSE_DONE = "data: [DONE]\n\n";

/** One named event: `event: <name>\ndata: <json>\n\n`. The name must not contain CR or LF. */
export function sseEvent(event: string, data: unknown): string {
  if (/[\r\n]/.test(event)) throw new TypeError("SSE event names must not contain CR or LF");
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One unnamed event: `data: <json>\n\n` (JSON never contains a raw newline). */
export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/**
 * Collects events into write groups: `add` appends to the current group, `cut` closes it. Each group
 * goes out in one socket write, so a stream is a short list of strings with a pause allowed between
 * them (the mock cuts after every delta).
 */
export class FrameBuilder {
  readonly frames: string[] = [];
  private current = "";

  /** Appends an encoded event to the current group. */
  add(encoded: string): this {
    this.current += encoded;
    return this;
  }

  /** Closes the current group (no-op when empty). */
  cut(): this {
    if (this.current) this.frames.push(this.current);
    this.current = "";
    return this;
  }

  /** Closes the last group and returns every group. */
  done(): string[] {
    this.cut();
    return this.frames;
  }
}
