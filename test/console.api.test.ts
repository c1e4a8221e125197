import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Agent, request } from "undici";
import type { Runtime } from "../src/gateway/runtime.js";
import { cliCreateUser, startConsoleRuntime } from "./helpers/console-runtime.js";

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

let rt: Runtime;
let base: string;
let stateDir: string;
let analystPw: string;
let viewerPw: string;

async function call(
  method: string,
  path: string,
  opts: {
    cookie?: string;
    csrf?: string;
    body?: unknown;
    headers?: Record<string, string>;
    dispatcher?: Agent;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf !== undefined) headers["x-csrf-token"] = opts.csrf;
  if (opts.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const res = await request(`${base}${path}`, {
    method: method as "GET",
    headers,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    ...(opts.body !== undefined
      ? { body: typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body) }
      : {}),
  });
  const text = await res.body.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.statusCode, body, headers: res.headers };
}

async function signIn(
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const r = await call("POST", "/console/api/login", { body: { username, password } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const setCookie = String(r.headers["set-cookie"]);
  const cookie = setCookie.split(";")[0]!;
  return { cookie, csrf: String(r.body.csrf), setCookie };
}

describe("console API: sign-in, sessions, roles, CSRF", () => {
  before(async () => {
    ({ rt, stateDir } = await startConsoleRuntime({ detector: false }));
    base = rt.gateway.url;
    analystPw = cliCreateUser(stateDir, "ana", "analyst");
    viewerPw = cliCreateUser(stateDir, "vic", "viewer");
  });
  after(async () => {
    await rt.close();
  });

  it("sets an HttpOnly, SameSite=Strict session cookie scoped to /console and no secret in the body", async () => {
    const { setCookie, csrf } = await signIn("ana", analystPw);
    assert.match(setCookie, /^dg_console=[A-Za-z0-9_-]{43}; /);
    assert.match(setCookie, /; Path=\/console(;|$)/);
    assert.match(setCookie, /; HttpOnly(;|$)/);
    assert.match(setCookie, /; SameSite=Strict(;|$)/);
    assert.doesNotMatch(setCookie, /Secure/, "plain HTTP without secureCookies");
    assert.equal(csrf.length, 43);
    const session = await call("GET", "/console/api/session", { cookie: setCookie.split(";")[0]! });
    assert.deepEqual(session.body.user, { username: "ana", role: "analyst" });
    assert.ok(!JSON.stringify(session.body).includes(analystPw));
    assert.ok(!JSON.stringify(session.body).includes("scrypt$"));
  });

  it("refuses wrong passwords and unknown users alike, then throttles guessing", async () => {
    // from its own loopback address, so the address throttle does not hold back the other tests
    const dispatcher = new Agent({ localAddress: "127.0.0.77" });
    try {
      const login = (username: string, password: string) =>
        call("POST", "/console/api/login", { body: { username, password }, dispatcher });
      const wrong = await login("ana", "nope-nope");
      assert.equal(wrong.status, 401);
      const unknown = await login("mallory", "nope-nope");
      assert.equal(unknown.status, 401);
      assert.deepEqual(wrong.body, unknown.body, "no hint whether the user exists");
      let last: Reply | null = null;
      for (let i = 0; i < 6; i++) last = await login("ana", `guess-${i}`);
      assert.equal(last?.status, 429);
      assert.ok(Number(last?.headers["retry-after"]) >= 1);
      const held = await login("ana", analystPw);
      assert.equal(held.status, 429, "the right password is refused too while the throttle holds");
    } finally {
      await dispatcher.close();
    }
  });

  it("needs a session for every API route", async () => {
    for (const path of [
      "/console/api/overview",
      "/console/api/campaigns",
      "/console/api/audit",
      "/console/api/review",
    ]) {
      const r = await call("GET", path);
      assert.equal(r.status, 401, path);
    }
    const forged = await call("GET", "/console/api/overview", { cookie: "dg_console=forged-session-id" });
    assert.equal(forged.status, 401);
  });

  it("viewers read but cannot act (403), even with a valid CSRF token", async () => {
    const v = await signIn("vic", viewerPw);
    const read = await call("GET", "/console/api/overview", { cookie: v.cookie });
    assert.equal(read.status, 200);
    const act = await call("POST", "/console/api/actions", {
      cookie: v.cookie,
      csrf: v.csrf,
      body: { kind: "campaign", id: "campaign-1", action: "block", reason: "viewer tries" },
    });
    assert.equal(act.status, 403);
    assert.equal((act.body.error as { code: string }).code, "forbidden");
    const users = await call("GET", "/console/api/users", { cookie: v.cookie });
    assert.equal(users.status, 403, "only admins list users");
  });

  it("state-changing requests need the session's CSRF token and the same origin", async () => {
    rt.gateway.keys.reload();
    // a fresh sign-in (the throttle above was for "ana" from this address: use another analyst)
    const pw = cliCreateUser(stateDir, "ana2", "analyst");
    const s = await signIn("ana2", pw);
    const body = { kind: "account", id: "acct-x", action: "block", reason: "csrf test" };
    const missing = await call("POST", "/console/api/actions", { cookie: s.cookie, body });
    assert.equal(missing.status, 403);
    assert.equal((missing.body.error as { code: string }).code, "csrf");
    const wrong = await call("POST", "/console/api/actions", {
      cookie: s.cookie,
      csrf: `${s.csrf.slice(1)}A`,
      body,
    });
    assert.equal(wrong.status, 403);
    const other = await signIn("vic", viewerPw);
    const stolen = await call("POST", "/console/api/actions", { cookie: s.cookie, csrf: other.csrf, body });
    assert.equal(stolen.status, 403, "another session's token does not work");
    const crossOrigin = await call("POST", "/console/api/actions", {
      cookie: s.cookie,
      csrf: s.csrf,
      body,
      headers: { origin: "https://evil.example" },
    });
    assert.equal(crossOrigin.status, 403);
    assert.equal(rt.decisions.get("acct-x", Date.now()), null, "nothing was applied");
    const ok = await call("POST", "/console/api/actions", { cookie: s.cookie, csrf: s.csrf, body });
    assert.equal(ok.status, 201);
    assert.equal(rt.decisions.get("acct-x", Date.now())?.action, "block");
    const logout = await call("POST", "/console/api/logout", { cookie: s.cookie, csrf: s.csrf, body: {} });
    assert.equal(logout.status, 200);
    assert.equal(
      (await call("GET", "/console/api/overview", { cookie: s.cookie })).status,
      401,
      "signed out",
    );
  });

  it("an analyst's warn reaches the next request: served, with a warning header and an owner notice", async () => {
    const acct = rt.gateway.keys.createAccount({ tier: "build" });
    const { secret } = rt.gateway.keys.createKey(acct.id, "k");
    const pw = cliCreateUser(stateDir, "ana3", "analyst");
    const s = await signIn("ana3", pw);
    const act = await call("POST", "/console/api/actions", {
      cookie: s.cookie,
      csrf: s.csrf,
      body: { kind: "account", id: acct.id, action: "warn", reason: "looks like bulk extraction" },
    });
    assert.equal(act.status, 201);
    const res = await request(`${base}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": secret, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 16,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    await res.body.dump();
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["x-distillguard-warning"]), /^usage_review; /);
    const cleared = await call("POST", "/console/api/actions", {
      cookie: s.cookie,
      csrf: s.csrf,
      body: { kind: "account", id: acct.id, action: "clear", reason: "confirmed legitimate" },
    });
    assert.equal(cleared.status, 201);
    const again = await request(`${base}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": secret, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 16,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    await again.body.dump();
    assert.equal(again.headers["x-distillguard-warning"], undefined, "reversed");
  });

  it("an analyst's protect withholds thinking from the account's next answers, until cleared", async () => {
    const acct = rt.gateway.keys.createAccount({ tier: "build" });
    const { secret } = rt.gateway.keys.createKey(acct.id, "k");
    const pw = cliCreateUser(stateDir, "ana4", "analyst");
    const s = await signIn("ana4", pw);
    const ask = async () => {
      const res = await request(`${base}/v1/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": secret,
          "anthropic-version": "2023-06-01",
        },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 2048,
          thinking: { type: "enabled", budget_tokens: 1024 },
          messages: [{ role: "user", content: "Solve 17 * 23 step by step." }],
        }),
      });
      const body = (await res.body.json()) as { content?: { type: string }[] };
      assert.equal(res.statusCode, 200);
      return (body.content ?? []).map((b) => b.type);
    };
    assert.ok((await ask()).includes("thinking"), "the mock answers with a thinking block when asked");
    const act = async (action: string) =>
      call("POST", "/console/api/actions", {
        cookie: s.cookie,
        csrf: s.csrf,
        body: { kind: "account", id: acct.id, action, reason: `${action} test` },
      });
    assert.equal((await act("protect")).status, 201);
    assert.ok(!(await ask()).includes("thinking"), "thinking withheld while protected");
    assert.equal((await act("clear")).status, 201);
    assert.ok((await ask()).includes("thinking"), "reversed");
  });

  it("serves the app with a strict CSP, and never the key secrets of the store", async () => {
    const page = await request(`${base}/console/`);
    const html = await page.body.text();
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers["content-security-policy"]), /script-src 'self'/);
    assert.equal(page.headers["x-frame-options"], "DENY");
    assert.match(html, /<div id="root">/);
    const acct = rt.gateway.keys.createAccount({ tier: "build" });
    const { secret } = rt.gateway.keys.createKey(acct.id, "k");
    const pw = cliCreateUser(stateDir, "adm", "admin");
    const s = await signIn("adm", pw);
    const detail = await call("GET", `/console/api/accounts/${acct.id}`, { cookie: s.cookie });
    assert.equal(detail.status, 200);
    const text = JSON.stringify(detail.body);
    assert.ok(!text.includes(secret), "no key secret");
    // (the random part is base64url, which may itself hold "-": take its last 16 characters, not
    // the text after the last dash, which can be a few characters that occur anywhere by chance)
    assert.ok(!text.includes(secret.slice(-16)), "no part of the secret");
    assert.ok(!/"hash"/.test(text), "no key hash");
    const users = await call("GET", "/console/api/users", { cookie: s.cookie });
    assert.equal(users.status, 200);
    assert.ok(!JSON.stringify(users.body).includes("scrypt"), "no password hashes");
  });
});
