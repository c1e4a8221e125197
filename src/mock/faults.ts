/**
 * Fault injection for tests, read from the `x-mock-fault` request header (comma-separated tokens):
 *   status:<code>          answer that status with the dialect's error body (429 adds retry-after)
 *   retry-after:<seconds>  the retry-after value sent with status:429 (default 1)
 *   die-midstream          stream: a few deltas, then the socket is destroyed; JSON: half the body, then destroyed
 *   stream-error           stream: a few deltas, then an in-stream error event (Anthropic `event: error`,
 *                          OpenAI `data: {"error":…}`), then the stream ends
 *   hang                   never answer; the request stays open until the client goes away
 *   first-byte-delay:<ms>  wait before sending the status line
 *   invalid-json           200 with a body that is not JSON
 *   refusal                a refusal answer (Anthropic stop_reason "refusal"; OpenAI message.refusal)
 * `x-mock-chunk-delay: <ms>` slows one stream.
 */

/** The faults requested for one request. */
export interface Faults {
  status: number | null;
  retryAfter: number;
  dieMidstream: boolean;
  streamError: boolean;
  hang: boolean;
  firstByteDelayMs: number;
  invalidJson: boolean;
  refusal: boolean;
}

/** No fault. */
export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  status: null,
  retryAfter: 1,
  dieMidstream: false,
  streamError: false,
  hang: false,
  firstByteDelayMs: 0,
  invalidJson: false,
  refusal: false,
});

function number(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  return Number(text.trim());
}

/** Parses the `x-mock-fault` header (unknown tokens are ignored). */
export function parseFaults(header: string | string[] | undefined): Faults {
  if (header === undefined) return NO_FAULTS;
  const faults: Faults = { ...NO_FAULTS };
  const text = Array.isArray(header) ? header.join(",") : header;
  for (const raw of text.split(",")) {
    const token = raw.trim().toLowerCase();
    const colon = token.indexOf(":");
    const name = colon < 0 ? token : token.slice(0, colon);
    const value = colon < 0 ? undefined : token.slice(colon + 1);
    switch (name) {
      case "status": {
        const code = number(value);
        if (code !== null && code >= 100 && code <= 599) faults.status = code;
        break;
      }
      case "retry-after":
        faults.retryAfter = number(value) ?? faults.retryAfter;
        break;
      case "die-midstream":
        faults.dieMidstream = true;
        break;
      case "stream-error":
        faults.streamError = true;
        break;
      case "hang":
        faults.hang = true;
        break;
      case "first-byte-delay":
        faults.firstByteDelayMs = number(value) ?? 0;
        break;
      case "invalid-json":
        faults.invalidJson = true;
        break;
      case "refusal":
        faults.refusal = true;
        break;
    }
  }
  return faults;
}

/** Reads `x-mock-chunk-delay` (ms); null when absent or not a number. */
export function parseChunkDelay(header: string | string[] | undefined): number | null {
  return number(Array.isArray(header) ? header[0] : header);
}
