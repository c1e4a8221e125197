import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flattenRows, type RangeRow, RowBuffer4, RowBuffer6 } from "./ranges.js";

/** Deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Brute force over a small universe: what each address maps to under "more specific wins". */
function paint(rows: RangeRow<number>[], size: number): (number | null)[] {
  const sorted = rows
    .map((r, i) => ({ ...r, i }))
    .filter((r) => r.end >= r.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || a.i - b.i);
  const out: (number | null)[] = new Array(size).fill(null);
  for (const r of sorted) for (let x = r.start; x <= r.end; x++) out[x] = r.value;
  return out;
}

function lookupAll(flat: { start: number; end: number; value: number }[], size: number): (number | null)[] {
  const out: (number | null)[] = new Array(size).fill(null);
  for (let i = 0; i < flat.length; i++) {
    const r = flat[i]!;
    if (i > 0) assert.ok(r.start > flat[i - 1]!.end, "sorted and disjoint");
    for (let x = r.start; x <= r.end; x++) out[x] = r.value;
  }
  return out;
}

describe("range flattening", () => {
  it("matches a brute-force painter on random overlapping rows (generic, IPv4 and IPv6 buffers)", () => {
    const size = 200;
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const rows: RangeRow<number>[] = [];
      const count = 1 + Math.floor(r() * 25);
      for (let k = 0; k < count; k++) {
        const start = Math.floor(r() * size);
        const end = Math.min(size - 1, start + Math.floor(r() * (r() < 0.3 ? 120 : 12)));
        rows.push({ start, end, value: k + 1 });
      }
      const want = paint(rows, size);
      assert.deepEqual(lookupAll(flattenRows(rows, 1), size), want, `generic, seed ${seed}`);

      const b4 = new RowBuffer4();
      for (const row of rows) b4.push(row.start, row.end, row.value);
      const t4 = b4.flatten();
      const flat4 = Array.from(t4.ranges.starts, (s, i) => ({
        start: s,
        end: t4.ranges.ends[i]!,
        value: t4.values[i]!,
      }));
      assert.deepEqual(lookupAll(flat4, size), want, `RowBuffer4, seed ${seed}`);
      for (let x = 0; x < size; x++) {
        const i = t4.ranges.find(x);
        assert.equal(i === -1 ? null : t4.values[i], want[x], `find ${x}, seed ${seed}`);
      }

      // The same rows in the low word of IPv6 addresses under a fixed prefix.
      const b6 = new RowBuffer6();
      const ws = new Uint32Array([0x20010db8, 0, 0, 0]);
      const we = new Uint32Array([0x20010db8, 0, 0, 0]);
      for (const row of rows) {
        ws[3] = row.start;
        we[3] = row.end;
        b6.push(ws, we, row.value);
      }
      const t6 = b6.flatten();
      const probe = new Uint32Array([0x20010db8, 0, 0, 0]);
      for (let x = 0; x < size; x++) {
        probe[3] = x;
        const i = t6.ranges.find(probe);
        assert.equal(i === -1 ? null : t6.values[i], want[x], `RowBuffer6 find ${x}, seed ${seed}`);
      }
    }
  });

  it("carries across 32-bit words in IPv6 bounds", () => {
    const b6 = new RowBuffer6();
    b6.push(new Uint32Array([1, 0, 0, 0]), new Uint32Array([1, 0xffffffff, 0xffffffff, 0xffffffff]), 1);
    b6.push(new Uint32Array([1, 0, 0, 0xffffffff]), new Uint32Array([1, 0, 1, 0]), 2);
    const t = b6.flatten();
    const at = (w: number[]) => {
      const i = t.ranges.find(new Uint32Array(w));
      return i === -1 ? null : t.values[i];
    };
    assert.equal(at([1, 0, 0, 0xfffffffe]), 1);
    assert.equal(at([1, 0, 0, 0xffffffff]), 2);
    assert.equal(at([1, 0, 1, 0]), 2);
    assert.equal(at([1, 0, 1, 1]), 1);
    assert.equal(at([2, 0, 0, 0]), null);
  });
});
