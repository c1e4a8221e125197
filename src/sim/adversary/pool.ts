/**
 * The account pool behind a reseller relay: requests go to the next healthy account in turn
 * (load spreading under a per-account hourly cap). A banned account leaves the pool at once and its
 * traffic moves to its siblings; a throttled one sits out a cool-down; fresh accounts replace banned
 * ones after a delay. The same pool answers live feedback (HTTP 403/429) in replay mode.
 */
import type { Account } from "../world.js";

export interface PoolMember {
  account: Account;
  /** Position of the account in its owner's list (stable; picks sticky egress). */
  index: number;
  /** Exogenous ban time (offline runs); Infinity when none. */
  banAt: number;
  banned: boolean;
  coolUntil: number;
  hour: number;
  inHour: number;
}

export interface PoolOptions {
  /** Most requests one account may send per clock hour (load spreading). */
  hourlyCap: number;
  /** Fresh accounts created per ban, and the delay before they start (ms). */
  replacePerBan: number;
  replaceDelay: number;
  /** Share of the pool in the working set at any time (1 = all accounts all the time). */
  activeShare?: number;
  /** How often the working set rotates to the next slice of the pool (ms). */
  rotateMs?: number;
  /** Creates a fresh account at time t (a replacement). */
  spawn: (t: number) => PoolMember;
}

export class AccountPool {
  readonly members: PoolMember[] = [];
  private readonly byId = new Map<string, PoolMember>();
  private cursor = 0;
  private readonly pending: { at: number; count: number }[] = [];
  bans = 0;
  /** Banned members still in the rotation array (reset by compact). */
  private bannedInArray = 0;
  spawned = 0;

  constructor(private readonly o: PoolOptions) {}

  /** Adds a member to the rotation. */
  add(m: PoolMember): void {
    this.members.push(m);
    this.byId.set(m.account.id, m);
  }

  /** Healthy members now. */
  healthy(t: number): number {
    let n = 0;
    for (const m of this.members) if (!m.banned && m.coolUntil <= t) n++;
    return n;
  }

  /** Brings in replacements whose time has come. */
  replenish(t: number): void {
    while (this.pending.length > 0 && (this.pending[0] as { at: number }).at <= t) {
      const r = this.pending.shift()!;
      for (let i = 0; i < r.count; i++) {
        this.add(this.o.spawn(r.at));
        this.spawned++;
      }
    }
  }

  /**
   * Next healthy member under its hourly cap, round robin inside the current working set (a slice
   * of the pool that rotates every `rotateMs`), falling back to the whole pool; null if none.
   */
  pick(t: number): PoolMember | null {
    const n = this.members.length;
    if (n === 0) return null;
    const share = this.o.activeShare ?? 1;
    if (share < 1) {
      const size = Math.max(1, Math.ceil(n * share));
      const epoch = Math.floor(t / (this.o.rotateMs ?? 3_600_000));
      const start = (epoch * size) % n;
      for (let k = 0; k < size; k++) {
        const m = this.members[(start + ((this.cursor + k) % size)) % n]!;
        if (this.take(m, t)) {
          this.cursor = (this.cursor + k + 1) % size;
          return m;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      const m = this.members[(this.cursor + k) % n]!;
      if (this.take(m, t)) {
        this.cursor = (this.cursor + k + 1) % n;
        return m;
      }
    }
    return null;
  }

  private take(m: PoolMember, t: number): boolean {
    if (m.banned || m.coolUntil > t) return false;
    const hour = Math.floor(t / 3_600_000);
    if (m.hour !== hour) {
      m.hour = hour;
      m.inHour = 0;
    }
    if (m.inHour >= this.o.hourlyCap) return false;
    m.inHour++;
    return true;
  }

  /** Marks a member banned (leaves the rotation) and schedules its replacement. */
  ban(m: PoolMember, t: number): void {
    if (m.banned) return;
    m.banned = true;
    this.bans++;
    this.bannedInArray++;
    if (this.o.replacePerBan > 0) {
      this.pending.push({ at: t + this.o.replaceDelay, count: this.o.replacePerBan });
      this.pending.sort((a, b) => a.at - b.at);
    }
  }

  /** Takes a member out of rotation until `until` (after a 429). */
  cool(m: PoolMember, until: number): void {
    m.coolUntil = Math.max(m.coolUntil, until);
  }

  /** The member holding an account id. */
  find(accountId: string): PoolMember | undefined {
    return this.byId.get(accountId);
  }

  /** Drops banned members from the rotation array (keeps it short after many bans). */
  compact(): void {
    if (this.members.length > 64 && this.bannedInArray * 2 > this.members.length) {
      const keep = this.members.filter((m) => !m.banned);
      this.members.length = 0;
      this.members.push(...keep);
      this.cursor = 0;
      this.bannedInArray = 0;
    }
  }
}
