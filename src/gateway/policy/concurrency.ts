/**
 * Per-key in-flight request counters (e.g. at most 8 concurrent streams per account). A slot is
 * held through a {@link ConcurrencyLease}; releasing a lease twice is harmless, so an error path and
 * a finally block may both release without corrupting the count.
 */

/** A held slot; `release()` frees it once and returns false on every later call. */
export interface ConcurrencyLease {
  readonly key: string;
  /** Frees the slot; true the first time, false (and no effect) afterwards. */
  release(): boolean;
}

class Lease implements ConcurrencyLease {
  private released = false;

  constructor(
    private readonly owner: ConcurrencyLimiter,
    readonly key: string,
  ) {}

  release(): boolean {
    if (this.released) return false;
    this.released = true;
    this.owner.decrement(this.key);
    return true;
  }
}

/** In-flight counters per key; keys with no request in flight take no memory. */
export class ConcurrencyLimiter {
  private readonly counts = new Map<string, number>();

  /** Takes a slot for `key` if fewer than `max` are held; null (nothing taken) otherwise. */
  acquire(key: string, max: number): ConcurrencyLease | null {
    const held = this.counts.get(key) ?? 0;
    if (held >= max) return null;
    this.counts.set(key, held + 1);
    return new Lease(this, key);
  }

  /** Requests currently in flight for `key`. */
  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Number of keys with at least one request in flight. */
  get size(): number {
    return this.counts.size;
  }

  /** @internal Called by a lease, exactly once. */
  decrement(key: string): void {
    const held = this.counts.get(key) ?? 0;
    if (held <= 1) this.counts.delete(key);
    else this.counts.set(key, held - 1);
  }
}
