import { APIS, type Api, type ExchangeEvent } from "./types.js";

/** Why a log line could not be read as an event. */
export type LineProblem =
  | "invalid_json"
  | "not_an_object"
  | "missing_field"
  | "bad_time"
  | "unknown_api"
  | "invalid_utf8";

export type ParseResult =
  | { ok: true; event: ExchangeEvent }
  | { ok: false; problem: LineProblem; detail: string };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates one decoded JSON value as an interchange-format v1 event. Unknown fields are kept
 * (and ignored); only what every consumer depends on is checked.
 */
export function validateEvent(value: unknown): ParseResult {
  if (!isObject(value)) return { ok: false, problem: "not_an_object", detail: "line is not a JSON object" };
  for (const field of ["id", "time", "account_id", "api"] as const) {
    if (typeof value[field] !== "string" || value[field] === "") {
      return { ok: false, problem: "missing_field", detail: `field "${field}" is missing or not a string` };
    }
  }
  if (!isObject(value.request)) {
    return { ok: false, problem: "missing_field", detail: 'field "request" is missing or not an object' };
  }
  if (!isObject(value.response) || typeof value.response.status !== "number") {
    return {
      ok: false,
      problem: "missing_field",
      detail: 'field "response.status" is missing or not a number',
    };
  }
  const time = value.time as string;
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) {
    return {
      ok: false,
      problem: "bad_time",
      detail: `time ${JSON.stringify(time.slice(0, 40))} is not RFC 3339`,
    };
  }
  if (!APIS.includes(value.api as Api)) {
    return {
      ok: false,
      problem: "unknown_api",
      detail: `api ${JSON.stringify(String(value.api).slice(0, 40))} is unknown`,
    };
  }
  return { ok: true, event: value as unknown as ExchangeEvent };
}

/** Parses one line of a log. */
export function parseEventLine(line: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { ok: false, problem: "invalid_json", detail: (err as Error).message.slice(0, 120) };
  }
  return validateEvent(value);
}

/** Milliseconds since the epoch of an event's time (already validated). */
export function eventTimeMs(event: ExchangeEvent): number {
  return Date.parse(event.time);
}
