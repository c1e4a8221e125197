/**
 * Binary min-heap of items keyed on (time, seq). The seq tie-break keeps the merge deterministic
 * when two actors want the same millisecond.
 */
export class TimeHeap<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Adds an item due at `time`; `seq` breaks ties (lower first). */
  push(time: number, seq: number, item: T): void {
    this.keys.push(time);
    this.seqs.push(seq);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    return this.items.length > 0 ? (this.keys[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    const lastItem = this.items.pop() as T;
    const lastKey = this.keys.pop() as number;
    const lastSeq = this.seqs.pop() as number;
    if (n > 1) {
      this.items[0] = lastItem;
      this.keys[0] = lastKey;
      this.seqs[0] = lastSeq;
      this.down(0);
    }
    return top;
  }

  private less(i: number, j: number): boolean {
    const a = this.keys[i] as number;
    const b = this.keys[j] as number;
    return a < b || (a === b && (this.seqs[i] as number) < (this.seqs[j] as number));
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = k;
    const s = this.seqs[i] as number;
    this.seqs[i] = this.seqs[j] as number;
    this.seqs[j] = s;
    const it = this.items[i] as T;
    this.items[i] = this.items[j] as T;
    this.items[j] = it;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
