import { join } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../../core/errors.js";
import { loadGatewayConfig } from "../../gateway/config.js";
import { KeyStore } from "../../gateway/keys/store.js";
import type { Register } from "./index.js";

interface StoreOpts {
  config?: string;
  stateDir?: string;
  json?: boolean;
}

function openStore(opts: StoreOpts): KeyStore {
  const stateDir = opts.stateDir ?? loadGatewayConfig(opts.config).state_dir;
  return KeyStore.open(join(stateDir, "keys.json"));
}

function out(opts: StoreOpts, value: unknown, human: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

function storeOptions(cmd: Command): Command {
  return cmd
    .option("-c, --config <file>", "gateway config file (for its state_dir)")
    .option("--state-dir <dir>", "state directory holding keys.json (default: .distillguard)")
    .option("--json", "print JSON");
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number (got ${v})`);
    return n;
  };
}

/** `distillguard keys ...`: orgs, accounts and API keys in the gateway's key store. */
export const register: Register = (program) => {
  const keys = program
    .command("keys")
    .description("manage orgs, accounts and API keys (works while the gateway runs: it reloads within 1 s)");

  storeOptions(keys.command("create-org").description("create an org"))
    .requiredOption("--name <name>", "display name")
    .option("--id <id>", "org id (default: generated)")
    .action((o: StoreOpts & { name: string; id?: string }) => {
      const org = openStore(o).createOrg({ name: o.name, ...(o.id ? { id: o.id } : {}) });
      out(o, org, () => `created org ${org.id} (${org.name})`);
    });

  storeOptions(keys.command("create-account").description("create an account"))
    .option("--id <id>", "account id (default: generated)")
    .option("--org <org>", "org the account belongs to")
    .option(
      "--tier <tier>",
      "commercial tier (free, build, scale, enterprise, education, research, startup)",
      "build",
    )
    .option("--verified", "the account passed verification", false)
    .option("--email-domain <domain>", "domain of the account's e-mail")
    .option("--payment <fingerprint>", "payment-method fingerprint")
    .option("--rpm <n>", "requests per minute for this account", positiveInt("--rpm"))
    .option("--tpm <n>", "tokens per minute for this account", positiveInt("--tpm"))
    .option("--concurrency <n>", "in-flight requests for this account", positiveInt("--concurrency"))
    .action(
      (
        o: StoreOpts & {
          id?: string;
          org?: string;
          tier: string;
          verified: boolean;
          emailDomain?: string;
          payment?: string;
          rpm?: number;
          tpm?: number;
          concurrency?: number;
        },
      ) => {
        const limits = {
          ...(o.rpm ? { requests_per_minute: o.rpm } : {}),
          ...(o.tpm ? { tokens_per_minute: o.tpm } : {}),
          ...(o.concurrency ? { concurrency: o.concurrency } : {}),
        };
        const account = openStore(o).createAccount({
          ...(o.id ? { id: o.id } : {}),
          org_id: o.org ?? null,
          tier: o.tier,
          verified: o.verified,
          email_domain: o.emailDomain ?? null,
          payment_fingerprint: o.payment ?? null,
          ...(Object.keys(limits).length ? { limits } : {}),
        });
        out(
          o,
          account,
          () => `created account ${account.id}${account.org_id ? ` in org ${account.org_id}` : ""}`,
        );
      },
    );

  storeOptions(keys.command("create").description("issue an API key for an account (the key is shown once)"))
    .requiredOption("--account <id>", "account the key belongs to")
    .option("--name <name>", "label for the key")
    .action((o: StoreOpts & { account: string; name?: string }) => {
      const { record, secret } = openStore(o).createKey(o.account, o.name);
      out(
        o,
        { id: record.id, account_id: record.account_id, key: secret },
        () => `${secret}\n(key id ${record.id}; this is the only time the key is shown — store it now)`,
      );
    });

  storeOptions(keys.command("list").description("list keys (ids and prefixes only, never secrets)"))
    .option("--account <id>", "only this account's keys")
    .action((o: StoreOpts & { account?: string }) => {
      const list = openStore(o)
        .listKeys(o.account)
        .map(({ hash: _h, ...k }) => k);
      out(o, list, () =>
        list.length === 0
          ? "no keys"
          : list
              .map(
                (k) =>
                  `${k.id}  ${k.account_id}  ${k.revoked_at ? `revoked ${k.revoked_at}` : "active"}  ${k.name ?? ""}`,
              )
              .join("\n"),
      );
    });

  storeOptions(keys.command("accounts").description("list accounts")).action((o: StoreOpts) => {
    const list = openStore(o).listAccounts();
    out(o, list, () =>
      list.length === 0
        ? "no accounts"
        : list
            .map(
              (a) =>
                `${a.id}  org=${a.org_id ?? "-"}  tier=${a.tier ?? "-"}  verified=${a.verified ? "yes" : "no"}`,
            )
            .join("\n"),
    );
  });

  storeOptions(keys.command("revoke").description("revoke a key by id"))
    .argument("<key-id>", "the key id (dg-...)")
    .action((keyId: string, o: StoreOpts) => {
      const k = openStore(o).revokeKey(keyId);
      out(o, { id: k.id, revoked_at: k.revoked_at }, () => `revoked ${k.id} at ${k.revoked_at}`);
    });
};
