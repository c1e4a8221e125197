import type { Dialect } from "./dialects/types.js";
import type { Account } from "./keys/store.js";

/** What a response shaper knows about an exchange when it starts. */
export interface ShapeContext {
  id: string;
  dialect: Dialect;
  account: Account;
  model: string;
  /** The request body bytes as received from the client. */
  requestBody: Buffer;
  time: string;
}

/**
 * One exchange's response processing (provenance): extra headers, an optional rewrite of the
 * answer (streamed chunk by chunk, or a whole JSON body), and a final call with what was sent.
 */
export interface ExchangeShaper {
  /** Headers added to the response (sent before the body). */
  headers: Record<string, string>;
  /** Rewrites the answer (watermark)? When false the bytes pass through untouched. */
  readonly rewrites: boolean;
  /** Streams: transforms one upstream chunk into the bytes to send now. */
  streamChunk(chunk: Buffer): Buffer;
  /** Streams: the bytes still held back at the end. */
  streamEnd(): Buffer;
  /** Non-streaming 2xx JSON bodies: the body to send instead. */
  jsonBody(body: Buffer): Buffer;
  /** Called once with the SHA-256 (hex) of every body byte sent to the client and the HTTP status. */
  finish(sent: { responseSha256: string; status: number; complete: boolean }): void;
}

/** Creates a shaper per exchange, or null to leave the response alone. */
export interface ResponseShaper {
  begin(ctx: ShapeContext): ExchangeShaper | null;
}
