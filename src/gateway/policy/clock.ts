/**
 * Time source for the policy primitives. Every primitive takes "now" as a plain integer number of
 * milliseconds since the Unix epoch, so tests drive time with {@link ManualClock} and a Redis port
 * passes the same value as a script argument.
 */

/** A source of the current time in integer milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** The wall clock (`Date.now()`). */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and simulations. */
export class ManualClock implements Clock {
  private t: number;

  /** Starts at `startMs` (default 0). */
  constructor(startMs = 0) {
    this.t = ManualClock.check(startMs);
  }

  /** The current manual time in ms. */
  now(): number {
    return this.t;
  }

  /** Moves time forward by `ms` (an integer ≥ 0) and returns the new time. */
  advance(ms: number): number {
    if (ms < 0) throw new RangeError("ManualClock cannot go backwards");
    this.t = ManualClock.check(this.t + ms);
    return this.t;
  }

  /** Sets the time to `ms` (an integer; may go backwards, to test clock skew). */
  set(ms: number): void {
    this.t = ManualClock.check(ms);
  }

  private static check(ms: number): number {
    if (!Number.isSafeInteger(ms)) throw new RangeError(`clock time must be an integer ms, got ${ms}`);
    return ms;
  }
}

/**
 * A clock that runs `speed` times faster than the wall clock from `sim0` at wall time `wall0`: the
 * simulated clock of a replay, shared by the gateway (event times, rate limits) and the detector
 * (passes, windows), so an accelerated demo behaves as the same traffic would in real time.
 * Plain data, so it can cross to worker threads.
 */
export interface ClockSpec {
  sim0: number;
  wall0: number;
  speed: number;
}

/** The clock described by a spec. */
export function clockOf(spec: ClockSpec | null | undefined): Clock {
  if (!spec) return systemClock;
  const { sim0, wall0, speed } = spec;
  return { now: () => Math.floor(sim0 + (Date.now() - wall0) * speed) };
}
