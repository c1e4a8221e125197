import type { DistillguardError } from "../core/errors.js";
import type { ClientInfo } from "../events/types.js";
import type { Dialect } from "./dialects/types.js";
import type { Account, KeyRecord, Org } from "./keys/store.js";

/** What the policy layer sees of a request before it is forwarded. */
export interface AdmitContext {
  dialect: Dialect;
  key: KeyRecord;
  account: Account;
  org: Org | null;
  client: ClientInfo;
  model: string;
  /** Input tokens estimated from the body plus the most output tokens it may use. */
  reservedTokens: number;
  /** Whether the request asks for extended thinking / reasoning. */
  wantsReasoning: boolean;
}

/** A request the policy let through; `settle` must be called exactly once when it ends. */
export interface Admission {
  ok: true;
  /** Response headers to add (rate-limit state, warnings). */
  headers: Record<string, string>;
  /** Strip reasoning from the request: the account is under "protect". */
  protect: boolean;
  settle(actualTokens: number | null): void;
}

export interface Refusal {
  ok: false;
  error: DistillguardError;
  headers: Record<string, string>;
}

/**
 * The policy seam of the gateway: region rules, enforcement decisions, rate and concurrency limits.
 * It is synchronous and in-memory on the hot path; shared state (Redis) plugs in behind it.
 */
export interface Guard {
  /** Checks that need only the client (region rules): run before the body is read. */
  precheck(dialect: Dialect, client: ClientInfo): DistillguardError | null;
  admit(ctx: AdmitContext): Admission | Refusal;
}

/** A guard that admits everything (tests and the bare-proxy benchmark baseline). */
export const openGuard: Guard = {
  precheck: () => null,
  admit: () => ({ ok: true, headers: {}, protect: false, settle: () => undefined }),
};
