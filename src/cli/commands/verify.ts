import { readFileSync } from "node:fs";
import { ConfigError } from "../../core/errors.js";
import type { Jwks } from "../../provenance/receipts/jws.js";
import { KeyRing } from "../../provenance/receipts/keyring.js";
import type { Receipt } from "../../provenance/receipts/receipt.js";
import { verifyReceipt } from "../../provenance/receipts/verify.js";
import type { Register } from "./index.js";
import { pathsOf, type StateOpts, stateOptions } from "./provenance-common.js";

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** `distillguard verify`: checks a receipt (and optionally the exchange) offline. */
export const register: Register = (program) => {
  stateOptions(
    program
      .command("verify")
      .description(
        "verify a provenance receipt offline: Ed25519 tree-head signature, Merkle inclusion, hashes",
      )
      .requiredOption("--receipt <file>", "receipt JSON (from GET /v1/receipts/{id})"),
  )
    .option("--jwks <file>", "JWKS JSON (from /.well-known/jwks.json); default: the state dir's signing keys")
    .option("--request <file>", "request body bytes to check against the receipt")
    .option("--response <file>", "response body bytes to check against the receipt")
    .option("--text <file>", "assistant text to check against the receipt")
    .action(
      (
        o: StateOpts & { receipt: string; jwks?: string; request?: string; response?: string; text?: string },
      ) => {
        const receipt = readJson<Receipt>(o.receipt);
        const jwks = o.jwks ? readJson<Jwks>(o.jwks) : KeyRing.open(pathsOf(o).signingKeys).jwks();
        const bytes = (f?: string) => (f ? readFileSync(f) : undefined);
        const material = {
          ...(o.request ? { request: bytes(o.request) } : {}),
          ...(o.response ? { response: bytes(o.response) } : {}),
          ...(o.text ? { text: readFileSync(o.text, "utf8") } : {}),
        };
        const r = verifyReceipt(receipt, jwks, material);
        if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          for (const c of r.checks)
            process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.check}${c.detail ? ` (${c.detail})` : ""}\n`);
          if (r.leaf)
            process.stdout.write(
              `receipt ${r.leaf.receipt_id}: account ${r.leaf.account_id}, model ${r.leaf.model}, ${r.leaf.time}, key ${r.kid}\n`,
            );
          process.stdout.write(r.ok ? "VALID\n" : "INVALID\n");
        }
        process.exitCode = r.ok ? 0 : 1;
      },
    );
};
