/**
 * Server-side console sessions (random ids, in memory, idle and absolute expiry), the per-session
 * CSRF token, and a sign-in throttle against password guessing. Pure: the clock is injected.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Role } from "./users.js";

export interface Session {
  id: string;
  username: string;
  role: Role;
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

export interface SessionOptions {
  /** Session ends after this long without a request (ms). */
  idleMs?: number;
  /** Session ends this long after sign-in whatever happens (ms). */
  absoluteMs?: number;
  /** Most live sessions; the oldest is dropped beyond it. */
  max?: number;
  now?: () => number;
}

/** In-memory session table. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(opts: SessionOptions = {}) {
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.absoluteMs = opts.absoluteMs ?? 12 * 3_600_000;
    this.max = opts.max ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Opens a session for a signed-in user. */
  create(username: string, role: Role): Session {
    const t = this.now();
    const s: Session = {
      id: randomBytes(32).toString("base64url"),
      username,
      role,
      csrf: randomBytes(32).toString("base64url"),
      createdAt: t,
      lastSeen: t,
    };
    if (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id (touching it), or null. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    const t = this.now();
    if (t - s.lastSeen > this.idleMs || t - s.createdAt > this.absoluteMs) {
      this.sessions.delete(id);
      return null;
    }
    s.lastSeen = t;
    return s;
  }

  /** Ends a session. */
  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of a user (e.g. disabled). */
  destroyUser(username: string): void {
    for (const [id, s] of this.sessions) if (s.username === username) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** Whether a presented CSRF token matches the session's, in constant time. */
export function csrfMatches(session: Session, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Sign-in throttle: after `freeAttempts` failures for a key (username, or client IP), each further
 * attempt must wait an exponentially growing delay (capped); a success clears the key.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();
  constructor(
    private readonly opts: {
      freeAttempts?: number;
      baseMs?: number;
      maxMs?: number;
      now?: () => number;
    } = {},
  ) {}

  /** Milliseconds the caller must still wait before trying `keys` again (0 = may try now). */
  retryAfter(keys: string[]): number {
    const now = (this.opts.now ?? Date.now)();
    const free = this.opts.freeAttempts ?? 5;
    let wait = 0;
    for (const k of keys) {
      const f = this.failures.get(k);
      if (!f || f.count < free) continue;
      const delay = Math.min(
        this.opts.maxMs ?? 15 * 60_000,
        (this.opts.baseMs ?? 1000) * 2 ** (f.count - free),
      );
      wait = Math.max(wait, f.last + delay - now);
    }
    return Math.max(0, wait);
  }

  /** Records a failed attempt against every key. */
  fail(keys: string[]): void {
    const now = (this.opts.now ?? Date.now)();
    for (const k of keys) {
      const f = this.failures.get(k) ?? { count: 0, last: now };
      f.count++;
      f.last = now;
      this.failures.delete(k);
      this.failures.set(k, f);
    }
    while (this.failures.size > 100_000) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /** Clears the keys after a successful sign-in. */
  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
