/**
 * Credential check of the mock (pure): Anthropic takes the key in `x-api-key` (its current SDK sends it
 * as `Authorization: Bearer` instead, which is accepted too); OpenAI takes `Authorization: Bearer`.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Dialect } from "./errors.js";

/** Why a request was refused: the dialect's 401 message and (OpenAI) error code. */
export interface CredentialFailure {
  message: string;
  code: string | null;
}

/** Masks a key the way OpenAI quotes it back: first 3 and last 4 characters. */
function mask(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : "***";
}

/** Null when the headers carry `expected` (or no key is expected), else the 401 to answer. */
export function checkCredential(
  dialect: Dialect,
  headers: IncomingHttpHeaders,
  expected: string | null,
): CredentialFailure | null {
  if (expected === null) return null;
  const auth = headers.authorization;
  const token = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
  if (dialect === "anthropic") {
    const key = headers["x-api-key"];
    if (key === expected || (key === undefined && token === expected)) return null;
    const missing = key === undefined && token === undefined;
    return { message: missing ? "x-api-key header is required" : "invalid x-api-key", code: null };
  }
  if (token === expected) return null;
  if (token === undefined) {
    return {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      code: null,
    };
  }
  return { message: `Incorrect API key provided: ${mask(token)}.`, code: "invalid_api_key" };
}
