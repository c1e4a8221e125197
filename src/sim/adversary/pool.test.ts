import assert from "node:assert/strict";
import { test } from "node:test";
import type { Account } from "../world.js";
import { AccountPool, type PoolMember } from "./pool.js";

function member(i: number): PoolMember {
  const account = { id: `a${i}` } as Account;
  return {
    account,
    index: i,
    banAt: Number.POSITIVE_INFINITY,
    banned: false,
    coolUntil: 0,
    hour: -1,
    inHour: 0,
  };
}

function pool(n: number, o: { hourlyCap?: number; activeShare?: number } = {}): AccountPool {
  let next = n;
  const p = new AccountPool({
    hourlyCap: o.hourlyCap ?? 1000,
    ...(o.activeShare !== undefined ? { activeShare: o.activeShare, rotateMs: 3_600_000 } : {}),
    replacePerBan: 1,
    replaceDelay: 60_000,
    spawn: () => member(next++),
  });
  for (let i = 0; i < n; i++) p.add(member(i));
  return p;
}

test("round robin over healthy members; banned and benched ones are skipped", () => {
  const p = pool(4);
  assert.deepEqual(
    [0, 1, 2, 3, 4].map(() => p.pick(0)?.account.id),
    ["a0", "a1", "a2", "a3", "a0"],
  );
  p.ban(p.find("a1")!, 10);
  p.cool(p.find("a2")!, 1000);
  const seen = new Set([0, 1, 2, 3].map(() => p.pick(20)?.account.id));
  assert.deepEqual([...seen].sort(), ["a0", "a3"]);
  assert.ok([0, 1, 2, 3].map(() => p.pick(2000)?.account.id).includes("a2"), "back after the bench");
});

test("a ban brings a replacement after the delay", () => {
  const p = pool(3);
  p.ban(p.find("a0")!, 1000);
  p.replenish(1000 + 59_999);
  assert.equal(p.spawned, 0);
  p.replenish(1000 + 60_000);
  assert.equal(p.spawned, 1);
  assert.ok(p.find("a3"));
});

test("hourly cap spreads load; the working set is a rotating slice", () => {
  const p = pool(10, { hourlyCap: 2, activeShare: 0.2 });
  const first = [0, 1, 2, 3].map(() => p.pick(0)?.account.id);
  assert.deepEqual(first, ["a0", "a1", "a0", "a1"], "working set of 2 accounts, 2 each");
  const fifth = p.pick(0)?.account.id;
  assert.ok(
    fifth && fifth !== "a0" && fifth !== "a1",
    "falls back to the rest of the pool when the slice is capped",
  );
  const next = new Set([0, 1, 2, 3].map(() => p.pick(3_600_000)?.account.id));
  assert.deepEqual([...next].sort(), ["a2", "a3"], "next hour, next slice");
});

test("compaction drops banned members once and stays cheap afterwards", () => {
  const p = pool(100);
  for (let i = 0; i < 60; i++) p.ban(p.find(`a${i}`)!, 0);
  p.compact();
  assert.equal(p.members.length, 40);
  p.ban(p.find("a60")!, 0);
  p.compact();
  assert.equal(p.members.length, 40, "one more ban does not trigger another full pass");
  assert.equal(p.healthy(0), 39);
});
