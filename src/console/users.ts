/**
 * Console users: `<state_dir>/console-users.json`, written by `distillguard console-user` and read
 * by the gateway (re-read when the file changes). Passwords are stored only as scrypt hashes with a
 * per-user salt; verification runs in constant time.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../core/errors.js";

/** What a console user may do: viewers read, analysts also act, admins also manage. */
export type Role = "viewer" | "analyst" | "admin";

export const ROLES: readonly Role[] = ["viewer", "analyst", "admin"];

/** A stored user (the hash never leaves the server). */
export interface ConsoleUser {
  username: string;
  role: Role;
  /** `scrypt$N$r$p$<salt hex>$<hash hex>` */
  password_hash: string;
  created_at: string;
  disabled?: boolean;
}

interface UsersFile {
  version: 1;
  users: Record<string, ConsoleUser>;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
const USERNAME = /^[a-zA-Z0-9._@-]{1,64}$/;

/** Hashes a password with scrypt and a fresh salt. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("hex")}$${hash.toString("hex")}`;
}

/** Checks a password against a stored hash in constant time; false for a malformed hash. */
export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4] ?? "", "hex");
  const expected = Buffer.from(parts[5] ?? "", "hex");
  if (!(N > 1 && r > 0 && p > 0) || salt.length === 0 || expected.length === 0) return false;
  const got = scryptSync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(got, expected);
}

/** A random password for a user created without one (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

/** The users file; null path keeps users in memory only (tests). */
export class ConsoleUserStore {
  private data: UsersFile = { version: 1, users: {} };
  private mtimeMs = -1;
  /** A fixed hash to verify against when the user does not exist, so timing does not reveal it. */
  private readonly decoy = hashPassword(randomBytes(8).toString("hex"));

  constructor(readonly path: string | null) {
    this.reload();
  }

  /** Re-reads the file when it changed on disk. */
  reload(): void {
    if (!this.path || !existsSync(this.path)) return;
    const m = statSync(this.path).mtimeMs;
    if (m === this.mtimeMs) return;
    const raw = JSON.parse(readFileSync(this.path, "utf8")) as UsersFile;
    if (raw?.version !== 1 || typeof raw.users !== "object")
      throw new ConfigError(`${this.path}: not a console users file`);
    this.data = raw;
    this.mtimeMs = m;
  }

  /** Every user without password hashes. */
  list(): { username: string; role: Role; created_at: string; disabled: boolean }[] {
    this.reload();
    return Object.values(this.data.users).map((u) => ({
      username: u.username,
      role: u.role,
      created_at: u.created_at,
      disabled: u.disabled === true,
    }));
  }

  /** Creates (or, with `replace`, resets) a user. */
  create(username: string, role: Role, password: string, replace = false): void {
    if (!USERNAME.test(username))
      throw new ConfigError(`invalid username ${JSON.stringify(username)} (letters, digits, . _ @ -)`);
    if (!ROLES.includes(role))
      throw new ConfigError(`invalid role ${JSON.stringify(role)} (one of ${ROLES.join(", ")})`);
    if (password.length < 8) throw new ConfigError("the password must have at least 8 characters");
    this.reload();
    if (this.data.users[username] && !replace)
      throw new ConfigError(`console user ${username} already exists`);
    this.data.users[username] = {
      username,
      role,
      password_hash: hashPassword(password),
      created_at: new Date().toISOString(),
    };
    this.save();
  }

  /** Disables (or re-enables) a user; their sessions end at their next request. */
  setDisabled(username: string, disabled: boolean): void {
    this.reload();
    const u = this.data.users[username];
    if (!u) throw new ConfigError(`console user ${username} does not exist`);
    u.disabled = disabled;
    this.save();
  }

  /** The active user with this name, or null. */
  get(username: string): ConsoleUser | null {
    this.reload();
    const u = this.data.users[username];
    return u && !u.disabled ? u : null;
  }

  /** The user if the password is right, else null (same work either way). */
  authenticate(username: string, password: string): ConsoleUser | null {
    const u = this.get(username);
    const ok = verifyPassword(password, u?.password_hash ?? this.decoy);
    return u && ok ? u : null;
  }

  private save(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.mtimeMs = statSync(this.path).mtimeMs;
  }
}
