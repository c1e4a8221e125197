import { randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../../core/errors.js";
import type { AccountInfo } from "../../events/types.js";
import { generateKey, hashKey, keyIdOf } from "./format.js";

export interface Org {
  id: string;
  name: string;
  created_at: string;
}

/** Per-account limit overrides; unset fields fall back to the tier's or the gateway's defaults. */
export interface LimitOverrides {
  requests_per_minute?: number;
  tokens_per_minute?: number;
  concurrency?: number;
}

export interface Account extends AccountInfo {
  id: string;
  org_id: string | null;
  created_at: string;
  limits?: LimitOverrides;
}

export interface KeyRecord {
  id: string;
  account_id: string;
  name: string | null;
  /** SHA-256 hex of the full key. */
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

interface StoreFile {
  version: 1;
  orgs: Record<string, Org>;
  accounts: Record<string, Account>;
  keys: Record<string, KeyRecord>;
}

/** The outcome of authenticating a presented key. */
export type AuthResult =
  | { ok: true; key: KeyRecord; account: Account; org: Org | null }
  | { ok: false; reason: "invalid" | "revoked" };

function emptyFile(): StoreFile {
  return { version: 1, orgs: {}, accounts: {}, keys: {} };
}

function nowIso(): string {
  return new Date().toISOString();
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex")}`;
}

/**
 * Accounts, orgs and API keys in one small JSON file with atomic replace (write + rename) and a lock
 * file for writers, so the CLI and a running gateway can both change it. Keys are stored only as
 * hashes. Lookups are O(1) from an in-memory index rebuilt on every (re)load.
 */
export class KeyStore {
  private data: StoreFile = emptyFile();
  private byHash = new Map<string, KeyRecord>();
  private mtimeMs = 0;

  private constructor(readonly path: string | null) {}

  /** Opens (or creates on first write) the store at `path`; `null` keeps it in memory only. */
  static open(path: string | null): KeyStore {
    const store = new KeyStore(path);
    store.reload();
    return store;
  }

  /** Re-reads the file if it changed on disk. Returns true when something was reloaded. */
  reload(): boolean {
    if (!this.path) return false;
    let mtime: number;
    try {
      mtime = statSync(this.path).mtimeMs;
    } catch {
      return false;
    }
    if (mtime === this.mtimeMs) return false;
    let parsed: StoreFile;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8")) as StoreFile;
    } catch (err) {
      throw new ConfigError(`key store ${this.path} is unreadable: ${(err as Error).message}`);
    }
    if (parsed.version !== 1 || typeof parsed.keys !== "object") {
      throw new ConfigError(`key store ${this.path} has an unknown format`);
    }
    this.data = { ...emptyFile(), ...parsed };
    this.mtimeMs = mtime;
    this.index();
    return true;
  }

  private index(): void {
    this.byHash = new Map();
    for (const k of Object.values(this.data.keys)) this.byHash.set(k.hash, k);
  }

  /** Authenticates a presented key in O(1). */
  authenticate(presented: string): AuthResult {
    if (keyIdOf(presented) === null) return { ok: false, reason: "invalid" };
    const key = this.byHash.get(hashKey(presented));
    if (!key) return { ok: false, reason: "invalid" };
    if (key.revoked_at) return { ok: false, reason: "revoked" };
    const account = this.data.accounts[key.account_id];
    if (!account) return { ok: false, reason: "invalid" };
    const org = account.org_id ? (this.data.orgs[account.org_id] ?? null) : null;
    return { ok: true, key, account, org };
  }

  account(id: string): Account | undefined {
    return this.data.accounts[id];
  }

  org(id: string): Org | undefined {
    return this.data.orgs[id];
  }

  listOrgs(): Org[] {
    return Object.values(this.data.orgs);
  }

  listAccounts(): Account[] {
    return Object.values(this.data.accounts);
  }

  listKeys(accountId?: string): KeyRecord[] {
    return Object.values(this.data.keys).filter((k) => !accountId || k.account_id === accountId);
  }

  createOrg(input: { id?: string; name: string }): Org {
    return this.mutate((d) => {
      const id = input.id ?? newId("org");
      if (d.orgs[id]) throw new ConfigError(`org ${id} already exists`);
      const org: Org = { id, name: input.name, created_at: nowIso() };
      d.orgs[id] = org;
      return org;
    });
  }

  createAccount(input: Partial<Account> & { org_id?: string | null }): Account {
    return this.mutate((d) => {
      const id = input.id ?? newId("acct");
      if (d.accounts[id]) throw new ConfigError(`account ${id} already exists`);
      if (input.org_id && !d.orgs[input.org_id]) throw new ConfigError(`org ${input.org_id} does not exist`);
      const account: Account = {
        id,
        org_id: input.org_id ?? null,
        created_at: input.created_at ?? nowIso(),
        verified: input.verified ?? false,
        payment_fingerprint: input.payment_fingerprint ?? null,
        email_domain: input.email_domain ?? null,
        tier: input.tier ?? "build",
      };
      if (input.limits) account.limits = input.limits;
      d.accounts[id] = account;
      return account;
    });
  }

  updateAccount(id: string, patch: Partial<Omit<Account, "id">>): Account {
    return this.mutate((d) => {
      const current = d.accounts[id];
      if (!current) throw new ConfigError(`account ${id} does not exist`);
      const next = { ...current, ...patch, id };
      d.accounts[id] = next;
      return next;
    });
  }

  /** Issues a key for an account. The returned secret is shown once and never stored. */
  createKey(accountId: string, name?: string): { record: KeyRecord; secret: string } {
    return this.mutate((d) => {
      if (!d.accounts[accountId]) throw new ConfigError(`account ${accountId} does not exist`);
      const k = generateKey();
      const record: KeyRecord = {
        id: k.id,
        account_id: accountId,
        name: name ?? null,
        hash: k.hash,
        created_at: nowIso(),
        revoked_at: null,
      };
      d.keys[k.id] = record;
      return { record, secret: k.secret };
    });
  }

  revokeKey(keyId: string): KeyRecord {
    return this.mutate((d) => {
      const k = d.keys[keyId];
      if (!k) throw new ConfigError(`key ${keyId} does not exist`);
      if (!k.revoked_at) k.revoked_at = nowIso();
      return k;
    });
  }

  /**
   * Applies a change under the writer lock: re-read the newest file, change it, write it atomically.
   * Another process's concurrent write therefore never gets lost.
   */
  private mutate<T>(change: (d: StoreFile) => T): T {
    if (!this.path) {
      const out = change(this.data);
      this.index();
      return out;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const release = acquireLock(`${this.path}.lock`);
    try {
      this.mtimeMs = 0;
      this.reload();
      const out = change(this.data);
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.path);
      this.mtimeMs = statSync(this.path).mtimeMs;
      this.index();
      return out;
    } finally {
      release();
    }
  }
}

/** A crude cross-process lock: exclusive create of a lock file, stale after 10 s. */
function acquireLock(path: string): () => void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(path).mtimeMs > 10_000) unlinkSync(path);
      } catch {
        /* raced with the holder */
      }
      if (Date.now() > deadline) throw new ConfigError(`key store is locked by another process (${path})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}
