import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ConfigError } from "../core/errors.js";
import type { ExtraRoute } from "./gateway.js";
import { readBody } from "./http/body.js";
import type { Account, KeyStore } from "./keys/store.js";

/** Hooks that let other subsystems (enforcement, stats) add admin endpoints without touching this file. */
export interface AdminExtension {
  /** Returns a JSON-serialisable result, or undefined when the route is not this extension's. */
  handle(method: string, path: string, body: unknown): Promise<unknown | undefined> | unknown | undefined;
}

export interface AdminOptions {
  keys: KeyStore;
  /** The admin token; null disables the admin API (every call gets 404). */
  token: string | null;
  stats: () => unknown;
  extensions?: AdminExtension[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const ACCOUNT_FIELDS = [
  "id",
  "org_id",
  "created_at",
  "verified",
  "payment_fingerprint",
  "email_domain",
  "tier",
  "limits",
];

function accountInput(body: unknown): Partial<Account> {
  if (typeof body !== "object" || body === null)
    throw new HttpError(400, "bad_body", "body must be a JSON object");
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!ACCOUNT_FIELDS.includes(k))
      throw new HttpError(400, "bad_field", `unknown account field ${JSON.stringify(k)}`);
    out[k] = v;
  }
  return out as Partial<Account>;
}

/**
 * The admin HTTP API under /admin/v1, authenticated with a bearer token (compared in constant time).
 * Orgs, accounts and keys; other subsystems add routes as extensions. Errors are JSON
 * `{ "error": { "code", "message" } }`. Issued keys are returned once and never again.
 */
export function adminRoutes(opts: AdminOptions): ExtraRoute {
  const tokenDigest = opts.token ? digest(opts.token) : null;
  return (req, res, path) => {
    if (!path.startsWith("/admin/")) return false;
    void serve(req, res, path).catch((err: unknown) => {
      if (err instanceof HttpError)
        send(res, err.status, { error: { code: err.code, message: err.message } });
      else if (err instanceof ConfigError)
        send(res, 400, { error: { code: "invalid", message: err.message } });
      else send(res, 500, { error: { code: "internal", message: "internal error" } });
    });
    return true;
  };

  async function serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!tokenDigest)
      throw new HttpError(404, "admin_disabled", "the admin API is disabled (no admin token set)");
    const auth = req.headers.authorization ?? "";
    const presented = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
    if (!presented || !timingSafeEqual(digest(presented), tokenDigest)) {
      throw new HttpError(401, "unauthorized", "a valid admin token is required");
    }
    const method = req.method ?? "GET";
    let body: unknown = null;
    if (method === "POST" || method === "PUT" || method === "PATCH") {
      const raw = await readBody(req, 1024 * 1024);
      try {
        body = raw.length ? JSON.parse(raw.toString("utf8")) : {};
      } catch {
        throw new HttpError(400, "bad_json", "body is not valid JSON");
      }
    }
    const result = await dispatch(method, path.slice("/admin/v1".length), body);
    if (result === undefined) throw new HttpError(404, "not_found", `no admin route ${method} ${path}`);
    send(res, method === "POST" ? 201 : 200, result);
  }

  async function dispatch(method: string, path: string, body: unknown): Promise<unknown> {
    const keys = opts.keys;
    keys.reload();
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const [a, b, c] = parts;
    if (method === "GET" && a === "stats" && parts.length === 1) return opts.stats();
    if (a === "orgs" && parts.length === 1) {
      if (method === "GET") return { data: keys.listOrgs() };
      if (method === "POST") {
        const input = (body ?? {}) as { id?: string; name?: string };
        if (typeof input.name !== "string" || !input.name)
          throw new HttpError(400, "bad_field", "name is required");
        return keys.createOrg({ name: input.name, ...(input.id ? { id: input.id } : {}) });
      }
    }
    if (a === "accounts") {
      if (parts.length === 1 && method === "GET") return { data: keys.listAccounts() };
      if (parts.length === 1 && method === "POST") return keys.createAccount(accountInput(body));
      if (parts.length === 2 && b) {
        if (method === "GET") {
          const account = keys.account(b);
          if (!account) throw new HttpError(404, "not_found", `account ${b} does not exist`);
          return { ...account, keys: keys.listKeys(b).map(publicKey) };
        }
        if (method === "PATCH") return keys.updateAccount(b, accountInput(body));
      }
      if (parts.length === 3 && b && c === "keys" && method === "POST") {
        const name = (body as { name?: unknown } | null)?.name;
        const { record, secret } = keys.createKey(b, typeof name === "string" ? name : undefined);
        return { ...publicKey(record), key: secret };
      }
    }
    if (a === "keys") {
      if (parts.length === 1 && method === "GET") return { data: keys.listKeys().map(publicKey) };
      if (parts.length === 2 && b && method === "DELETE") return publicKey(keys.revokeKey(b));
    }
    for (const ext of opts.extensions ?? []) {
      const out = await ext.handle(method, path, body);
      if (out !== undefined) return out;
    }
    return undefined;
  }
}

/** A key record without its hash. */
function publicKey(k: {
  id: string;
  account_id: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
}) {
  return {
    id: k.id,
    account_id: k.account_id,
    name: k.name,
    created_at: k.created_at,
    revoked_at: k.revoked_at,
  };
}
