import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../test/helpers/tmp.js";
import { csrfMatches, LoginThrottle, SessionStore } from "./sessions.js";
import { ConsoleUserStore, hashPassword, verifyPassword } from "./users.js";

describe("console users", () => {
  it("stores only scrypt hashes, verifies passwords, and survives a reload from disk", () => {
    const dir = tempDir("dg-users-");
    const path = join(dir, "console-users.json");
    const store = new ConsoleUserStore(path);
    store.create("ana", "analyst", "correct horse battery");
    const text = readFileSync(path, "utf8");
    assert.ok(!text.includes("correct horse battery"), "the password is not in the file");
    assert.match(text, /scrypt\$16384\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64}/);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const again = new ConsoleUserStore(path);
    assert.equal(again.authenticate("ana", "correct horse battery")?.role, "analyst");
    assert.equal(again.authenticate("ana", "correct horse batter"), null);
    assert.equal(again.authenticate("nobody", "correct horse battery"), null);
    assert.throws(() => again.create("ana", "viewer", "another password"), /already exists/);
    assert.throws(() => again.create("bad name", "viewer", "another password"), /invalid username/);
    assert.throws(() => again.create("x", "root" as never, "another password"), /invalid role/);
    assert.throws(() => again.create("x", "viewer", "short"), /at least 8/);
    again.setDisabled("ana", true);
    assert.equal(again.authenticate("ana", "correct horse battery"), null, "a disabled user cannot sign in");
  });

  it("rejects malformed hashes instead of throwing", () => {
    assert.equal(verifyPassword("x", "plain"), false);
    assert.equal(verifyPassword("x", "scrypt$0$8$1$$"), false);
    const h = hashPassword("pw-123456");
    assert.notEqual(h, hashPassword("pw-123456"), "salted");
    assert.equal(verifyPassword("pw-123456", h), true);
  });
});

describe("sessions", () => {
  it("expire after idle time and absolute time", () => {
    let now = 1_000_000;
    const s = new SessionStore({ idleMs: 1000, absoluteMs: 5000, now: () => now });
    const a = s.create("ana", "analyst");
    assert.equal(a.id.length, 43);
    now += 900;
    assert.equal(s.get(a.id)?.username, "ana");
    now += 900;
    assert.equal(s.get(a.id)?.username, "ana", "touching renews the idle timer");
    now += 1001;
    assert.equal(s.get(a.id), null, "idle expiry");
    const b = s.create("ana", "analyst");
    for (let i = 0; i < 6; i++) {
      now += 900;
      s.get(b.id);
    }
    assert.equal(s.get(b.id), null, "absolute expiry");
    assert.equal(s.get(undefined), null);
  });

  it("checks the CSRF token exactly", () => {
    const s = new SessionStore().create("ana", "analyst");
    assert.equal(csrfMatches(s, s.csrf), true);
    assert.equal(csrfMatches(s, undefined), false);
    assert.equal(csrfMatches(s, `${s.csrf}x`), false);
    assert.equal(
      csrfMatches(
        s,
        s.csrf.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
      ),
      false,
    );
  });

  it("throttles repeated sign-in failures with a growing delay, cleared by a success", () => {
    let now = 0;
    const t = new LoginThrottle({ freeAttempts: 3, baseMs: 1000, maxMs: 8000, now: () => now });
    const keys = ["u:ana", "ip:1.2.3.4"];
    for (let i = 0; i < 3; i++) {
      assert.equal(t.retryAfter(keys), 0);
      t.fail(keys);
    }
    assert.equal(t.retryAfter(keys), 1000);
    assert.equal(t.retryAfter(["u:other"]), 0, "other usernames from other addresses are not held back");
    assert.equal(t.retryAfter(["u:other", "ip:1.2.3.4"]), 1000, "the address is held back for any username");
    now += 1000;
    t.fail(keys);
    assert.equal(t.retryAfter(keys), 2000);
    for (let i = 0; i < 10; i++) t.fail(keys);
    assert.equal(t.retryAfter(keys), 8000, "capped");
    t.succeed(keys);
    assert.equal(t.retryAfter(keys), 0);
  });
});
