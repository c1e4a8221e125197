import { DistillguardError } from "../core/errors.js";
import type { ClientInfo } from "../events/types.js";
import type { GatewayConfig, Limits } from "./config.js";
import type { Dialect } from "./dialects/types.js";
import type { Admission, AdmitContext, Guard, Refusal } from "./guard.js";
import type { Account } from "./keys/store.js";
import { NoticeBoard } from "./notices.js";
import {
  anthropicRateLimitHeaders,
  type CompiledRule,
  type ConcurrencyLease,
  ConcurrencyLimiter,
  compileRule,
  type DecisionTable,
  type LimitCheck,
  openaiRateLimitHeaders,
  type RateLimiter,
  retryHeaders,
} from "./policy/index.js";

type PolicyConfig = GatewayConfig["policy"];

const MINUTE = 60_000;

/**
 * The gateway's policy, in the order it is applied: region rules (before the body is read), the
 * account's enforcement decision (block / throttle / protect), concurrency caps, then requests/min
 * and tokens/min per key, account and org, charged all-or-nothing. Tokens are reserved up front
 * (input estimate + max output) and reconciled with real usage when the exchange ends.
 */
export class PolicyGuard implements Guard {
  private readonly denied: ReadonlySet<string>;
  private readonly rules = new Map<string, CompiledRule>();
  readonly concurrency = new ConcurrencyLimiter();
  /** Notices to account owners (warn): read with the account's own key at /distillguard/v1/notices. */
  readonly notices = new NoticeBoard();
  /**
   * Links an account not yet in any campaign to an enforced campaign whose signature its request
   * matches (the live detector's `matchSignature`), before its decision is looked up.
   */
  joiner: ((account: Account, client: ClientInfo) => string | null) | null = null;

  constructor(
    private readonly cfg: PolicyConfig,
    readonly decisions: DecisionTable,
    readonly limiter: RateLimiter,
    private readonly now: () => number = Date.now,
  ) {
    this.denied = new Set(cfg.denied_countries.map((c) => c.toUpperCase()));
  }

  precheck(_dialect: Dialect, client: ClientInfo): DistillguardError | null {
    if (client.country && this.denied.has(client.country)) return new DistillguardError("DG_REGION_DENIED");
    return null;
  }

  admit(ctx: AdmitContext): Admission | Refusal {
    const { account, org, key, dialect } = ctx;
    if (this.joiner && this.decisions.campaignOf(account.id) === undefined) {
      const campaign = this.joiner(account, ctx.client);
      if (campaign !== null) this.decisions.link(account.id, campaign);
    }
    const decision = this.decisions.get(account.id, this.now());
    if (decision?.action === "block") {
      return {
        ok: false,
        error: new DistillguardError(
          "DG_ACCOUNT_BLOCKED",
          `This account has been suspended. Contact support and quote reference ${decision.ref}.`,
        ),
        headers: {},
      };
    }
    const factor = decision?.action === "throttle" ? (decision.rateFactor ?? this.cfg.throttle_factor) : 1;
    const protect = decision?.action === "protect" || decision?.protect === true;
    const notice = decision ? this.notices.post(account.id, decision, this.now()) : null;

    const accountLimits = scale(
      {
        ...(this.cfg.account_limits[account.tier ?? ""] ??
          this.cfg.account_limits.default ??
          this.cfg.key_limits),
        ...account.limits,
      },
      factor,
    );
    const keyLimits = scale(this.cfg.key_limits, factor);

    const leases: ConcurrencyLease[] = [];
    const release = () => {
      for (const l of leases) l.release();
    };
    const slots: [string, number][] = [
      [`k:${key.id}`, keyLimits.concurrency],
      [`a:${account.id}`, accountLimits.concurrency],
    ];
    if (org) slots.push([`o:${org.id}`, this.cfg.org_limits.concurrency]);
    for (const [slot, max] of slots) {
      const lease = this.concurrency.acquire(slot, max);
      if (!lease) {
        release();
        return {
          ok: false,
          error: new DistillguardError("DG_CONCURRENCY_LIMITED"),
          headers: { "retry-after": "1", "retry-after-ms": "1000" },
        };
      }
      leases.push(lease);
    }

    const tokens = Math.max(1, Math.ceil(ctx.reservedTokens));
    const checks: LimitCheck[] = [
      this.check(`k:${key.id}:rpm`, "key:requests_per_minute", "requests", 1, keyLimits.requests_per_minute),
      this.check(`k:${key.id}:tpm`, "key:tokens_per_minute", "tokens", tokens, keyLimits.tokens_per_minute),
      this.check(
        `a:${account.id}:rpm`,
        "account:requests_per_minute",
        "requests",
        1,
        accountLimits.requests_per_minute,
      ),
      this.check(
        `a:${account.id}:tpm`,
        "account:tokens_per_minute",
        "tokens",
        tokens,
        accountLimits.tokens_per_minute,
      ),
    ];
    if (org) {
      const o = this.cfg.org_limits;
      checks.push(
        this.check(`o:${org.id}:rpm`, "org:requests_per_minute", "requests", 1, o.requests_per_minute),
        this.check(`o:${org.id}:tpm`, "org:tokens_per_minute", "tokens", tokens, o.tokens_per_minute),
      );
    }
    const result = this.limiter.check(checks);
    const headers =
      dialect.api === "anthropic.messages"
        ? anthropicRateLimitHeaders(result)
        : openaiRateLimitHeaders(result);
    if (notice === "usage_review" || notice === "throttled") {
      headers["x-distillguard-warning"] =
        `${notice}; see GET /distillguard/v1/notices (ref ${decision!.ref})`;
    }
    if (!result.allowed) {
      release();
      const denied = result.denied;
      return {
        ok: false,
        error: new DistillguardError(
          "DG_RATE_LIMITED",
          denied ? `Rate limit exceeded (${denied.name}: ${denied.limit} per minute).` : undefined,
        ),
        headers: retryHeaders(result, headers),
      };
    }
    // Keep each token check's TAT right after the charge so a late refund returns only what this
    // reservation still holds.
    const tokenChecks = checks
      .map((c, i) => ({ c, held: result.outcomes[i]?.tatAfter ?? null }))
      .filter((x) => x.c.kind === "tokens");
    let settled = false;
    return {
      ok: true,
      headers,
      protect,
      settle: (actual) => {
        if (settled) return;
        settled = true;
        release();
        if (actual === null) return;
        for (const { c, held } of tokenChecks) this.limiter.reconcile(c.key, c.rule, tokens, actual, held);
      },
    };
  }

  private check(
    key: string,
    name: string,
    kind: "requests" | "tokens",
    cost: number,
    perMinute: number,
  ): LimitCheck {
    const id = `${perMinute}`;
    let rule = this.rules.get(id);
    if (!rule) {
      rule = compileRule({ limit: perMinute, periodMs: MINUTE }, name);
      this.rules.set(id, rule);
    }
    return { key, name, kind, cost, rule };
  }
}

function scale(l: Limits, factor: number): Limits {
  if (factor === 1) return l;
  return {
    requests_per_minute: Math.max(1, Math.floor(l.requests_per_minute * factor)),
    tokens_per_minute: Math.max(1, Math.floor(l.tokens_per_minute * factor)),
    concurrency: Math.max(1, Math.floor(l.concurrency * factor)),
  };
}
