/**
 * The console in a real browser (Debian chromium driven by playwright-core) against a real runtime:
 * gateway + mock upstream + live detector. Sign in with a user made by the CLI, open the campaign
 * the detector found in hydra traffic, block it, see the next gateway request of a member refused
 * with 403, see the audit entry, reverse it. Screenshots of every page go to a temporary folder, or
 * to $DISTILLGUARD_SCREENSHOTS (npm run screenshots writes docs/console/).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { rng } from "../src/detect/fixtures.js";
import type { CampaignReport } from "../src/events/report.js";
import type { Runtime } from "../src/gateway/runtime.js";
import { cliCreateUser, startConsoleRuntime, untilCampaign } from "./helpers/console-runtime.js";
import { background, type Client, closeClients, provision, send } from "./helpers/console-traffic.js";
import { tempDir } from "./helpers/tmp.js";

const CHROMIUM = process.env.DISTILLGUARD_CHROMIUM ?? "/usr/bin/chromium";
const APP = new URL("../console/index.html", import.meta.url).pathname;
// In CI the browser must be there (scripts/ensure-chromium.sh installs it): a missing browser fails
// the run there instead of skipping the proof.
const skip =
  !existsSync(CHROMIUM) && process.env.CI !== "true"
    ? `no browser at ${CHROMIUM} (scripts/ensure-chromium.sh installs Debian chromium)`
    : !existsSync(APP)
      ? "the console front end is not built (npm run build)"
      : false;

/** The campaign page shows "block" as the decision in force. */
const BLOCK_IN_FORCE = "[data-testid=campaign-enforcement] .badge-block";

const WARMUP_MS = 80_000;

const shotsDir = process.env.DISTILLGUARD_SCREENSHOTS
  ? resolve(process.env.DISTILLGUARD_SCREENSHOTS)
  : tempDir("dg-shots-");

describe("console in a browser", { skip }, () => {
  let rt: Runtime;
  let stateDir: string;
  let clients: Client[];
  let campaign: CampaignReport;
  let context: BrowserContext;
  let page: Page;
  let password: string;
  let traffic: { stop(): Promise<void> } | null = null;
  const r = rng(99);

  const shot = async (name: string) => {
    mkdirSync(shotsDir, { recursive: true });
    await page.waitForTimeout(250); // let charts finish their first paint
    await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
  };

  before(async () => {
    ({ rt, stateDir } = await startConsoleRuntime({ retention: "none" }));
    password = cliCreateUser(stateDir, "ana", "analyst");
    clients = provision(rt.gateway.keys, { hydra: 12, legit: 8, evalorg: 3 });
    campaign = await untilCampaign(rt, clients);
    traffic = background(rt.gateway.url, clients, 400);
    // for the committed screenshots, let the charts fill a few buckets first
    if (process.env.DISTILLGUARD_SCREENSHOTS) await new Promise((res) => setTimeout(res, WARMUP_MS));
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(tempDir("dg-chromium-"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-unsafe-swiftshader",
      ],
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await traffic?.stop();
    await context?.close();
    if (clients) await closeClients(clients);
    await rt?.close();
  });

  it("signs in with a CLI-created user; the session cookie is HttpOnly, SameSite=Strict, /console", async () => {
    await page.goto(`${rt.gateway.url}/console/`);
    await page.waitForSelector("form.login-card");
    await shot("sign-in");
    await page.fill("input[name=username]", "ana");
    await page.fill("input[name=password]", "not-the-password");
    await page.click("button[type=submit]");
    await page.waitForSelector("p.error");
    await page.fill("input[name=password]", password);
    await page.click("button[type=submit]");
    await page.waitForSelector("nav.sidebar");
    const [cookie] = await context.cookies(rt.gateway.url + "/console/");
    assert.equal(cookie?.name, "dg_console");
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, "Strict");
    assert.equal(cookie?.path, "/console");
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
      "",
      "the page's scripts cannot read the session",
    );
    const html = await page.content();
    for (const c of clients) assert.ok(!html.includes(c.secret), "no API key in the page");
    assert.ok(!html.includes(password));
  });

  it("overview shows traffic, verdicts, the campaign and queue health", async () => {
    await page.waitForSelector(`a[href="#/campaigns/${campaign.id}"]`);
    await page.waitForSelector(".chart .u-wrap");
    const text = (await page.textContent("main")) ?? "";
    assert.match(text, /Queue health/);
    assert.match(text, /Detector queue/);
    assert.match(text, /Top campaigns/);
    await shot("overview");
  });

  it("opens the campaign, blocks it, and the next gateway request of a member is refused with 403", async () => {
    await page.click('nav a[href="#/campaigns"]');
    await page.waitForSelector(`#campaigns-table tr[data-campaign="${campaign.id}"]`);
    await shot("campaigns");
    await page.click(`#campaigns-table a[href="#/campaigns/${campaign.id}"]`);
    await page.waitForSelector("#members-table tbody tr");
    await page.waitForSelector(".graph");
    const member = clients.find((c) => campaign.accounts.includes(c.accountId))!;
    assert.ok(member, "a provisioned hydra account is a member");

    // before: the detector throttles the campaign; requests still go through
    const beforeBlock = await send(rt.gateway.url, member, 0, r);
    assert.notEqual(beforeBlock.status, 403);
    assert.equal(await page.locator(BLOCK_IN_FORCE).count(), 0);
    await shot("campaign");

    await page.click('#campaign-actions button[data-action="block"]');
    await page.fill(
      "#campaign-actions textarea[name=reason]",
      "Confirmed hydra cluster: shared payment and template",
    );
    await page.click('#campaign-actions button[data-confirm="block"]');
    await page.locator(BLOCK_IN_FORCE).waitFor();

    const blocked = await send(rt.gateway.url, member, 1, r);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.headers["x-distillguard-error"], "DG_ACCOUNT_BLOCKED");
    const err = (blocked.body as { type: string; error: { type: string; message: string } }).error;
    assert.equal(err.type, "permission_error");
    assert.match(err.message, /reference DG-[0-9A-F]{10}/);
    for (const word of ["campaign", "template", "hydra", "payment", "score"])
      assert.ok(!err.message.toLowerCase().includes(word), `no detection evidence in the error (${word})`);
    // every member is blocked, not just one; an account outside the campaign is not
    for (const c of clients.filter((x) => campaign.accounts.includes(x.accountId)).slice(0, 4))
      assert.equal((await send(rt.gateway.url, c, 2, r)).status, 403);
    const legit = clients.find((c) => c.kind === "legit")!;
    assert.equal((await send(rt.gateway.url, legit, 3, r)).status, 200);
    await page.waitForSelector("tr[data-audit-action='campaign.block']");
    // members keep knocking (background traffic): let the page show the refusals
    if (process.env.DISTILLGUARD_SCREENSHOTS) await page.waitForTimeout(12_000);
    await page.reload();
    await page.waitForSelector("#members-table tbody tr");
    await shot("campaign-blocked");
  });

  it("lists flagged accounts and shows the account view of a member", async () => {
    await page.click('nav a[href="#/accounts"]');
    await page.waitForSelector(`a[href="#/accounts/${campaign.accounts[0]}"]`);
    await shot("accounts");
    const member = campaign.accounts[0]!;
    await page.goto(`${rt.gateway.url}/console/#/accounts/${member}`);
    await page.waitForSelector("text=Verdict history");
    await page.waitForSelector(".chart .u-wrap");
    const text = (await page.textContent("main")) ?? "";
    assert.match(text, /retention/, "sample prompts are withheld under retention none");
    await shot("account");
  });

  it("shows the review queue; a one-click decision takes the account off it and is audited", async () => {
    await page.click('nav a[href="#/review"]');
    await page.waitForSelector("h1:has-text('Review queue')");
    // the verified eval org's heavy benchmark accounts reach review (no deception: not enforced)
    const rows = page.locator("#review-table tbody tr");
    await rows.first().waitFor({ timeout: 30_000 });
    const evalIds = new Set(clients.filter((c) => c.kind === "evalorg").map((c) => c.accountId));
    const first = (await rows.first().locator("td a").first().textContent()) ?? "";
    assert.ok(evalIds.has(first), `${first} is one of the eval org's accounts`);
    assert.equal(rt.decisions.get(first, Date.now())?.action ?? null, "review");
    await shot("review");
    await rows.first().locator("button:has-text('Keep monitoring')").click();
    await page.locator(`#review-table a:has-text("${first}")`).waitFor({ state: "detached" });
    assert.equal(rt.decisions.get(first, Date.now())?.action, "monitor", "analyst decision in force");
    assert.equal(rt.console!.audit.list({ subject: first })[0]?.action, "account.monitor");
  });

  it("shows the audit entry of the block", async () => {
    await page.click('nav a[href="#/audit"]');
    const row = page.locator("tr[data-audit-action='campaign.block']");
    await row.waitFor();
    const text = (await row.textContent()) ?? "";
    assert.match(text, /ana/);
    assert.match(text, /analyst/);
    assert.match(text, new RegExp(campaign.id));
    assert.match(text, /Confirmed hydra cluster/);
    await shot("audit");
  });

  it("reverses the block: clearing the override lets members through again, and is audited", async () => {
    await page.goto(`${rt.gateway.url}/console/#/campaigns/${campaign.id}`);
    await page.click('#campaign-actions button[data-action="clear"]');
    await page.fill("#campaign-actions textarea[name=reason]", "Reversal test");
    await page.click('#campaign-actions button[data-confirm="clear"]');
    await page.locator(BLOCK_IN_FORCE).waitFor({ state: "detached" });
    const member = clients.find((c) => campaign.accounts.includes(c.accountId))!;
    assert.notEqual((await send(rt.gateway.url, member, 4, r)).status, 403);
    const entries = rt.console!.audit.list({ subject: campaign.id });
    assert.deepEqual(
      entries.map((e) => [e.action, e.subject.id, e.before?.action ?? null, e.after?.action ?? null]),
      [
        ["campaign.clear", campaign.id, "block", null],
        ["campaign.block", campaign.id, null, "block"],
      ],
    );
  });
});
