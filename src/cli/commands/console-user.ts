import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConsoleUserStore, generatePassword, ROLES, type Role } from "../../console/users.js";
import { ConfigError } from "../../core/errors.js";
import { loadGatewayConfig } from "../../gateway/config.js";
import type { Register } from "./index.js";

interface UserOpts {
  config?: string;
  stateDir?: string;
}

function openUsers(o: UserOpts): ConsoleUserStore {
  const stateDir = o.stateDir ?? loadGatewayConfig(o.config).state_dir;
  return new ConsoleUserStore(join(stateDir, "console-users.json"));
}

/** The first line of standard input (the password), without its line ending. */
function readPasswordFromStdin(): string {
  const text = readFileSync(0, "utf8");
  const line = text.split(/\r?\n/)[0] ?? "";
  if (!line) throw new ConfigError("--password-stdin: no password on standard input");
  return line;
}

/** `distillguard console-user ...`: sign-in accounts of the analyst console. */
export const register: Register = (program) => {
  const cmd = program
    .command("console-user")
    .description("manage console sign-ins (roles: viewer, analyst, admin); works while the gateway runs");
  const common = (c: ReturnType<typeof cmd.command>) =>
    c
      .option("-c, --config <file>", "gateway config file (for its state_dir)")
      .option("--state-dir <dir>", "state directory (default: .distillguard)");

  common(cmd.command("create").description("create a user; prints a generated password unless one is given"))
    .requiredOption("--username <name>", "sign-in name")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--password-stdin", "read the password from the first line of standard input", false)
    .option("--reset", "replace an existing user's role and password", false)
    .action((o: UserOpts & { username: string; role: string; passwordStdin: boolean; reset: boolean }) => {
      if (!ROLES.includes(o.role as Role)) throw new ConfigError(`--role must be one of ${ROLES.join(", ")}`);
      const password = o.passwordStdin ? readPasswordFromStdin() : generatePassword();
      openUsers(o).create(o.username, o.role as Role, password, o.reset);
      process.stdout.write(`created console user ${o.username} (${o.role})\n`);
      if (!o.passwordStdin) process.stdout.write(`password (shown once): ${password}\n`);
    });

  common(cmd.command("list").description("list users (never their passwords)")).action((o: UserOpts) => {
    for (const u of openUsers(o).list())
      process.stdout.write(`${u.username}\t${u.role}\t${u.created_at}${u.disabled ? "\tdisabled" : ""}\n`);
  });

  common(cmd.command("disable").description("disable a user (their sessions end)"))
    .argument("<username>")
    .action((username: string, o: UserOpts) => {
      openUsers(o).setDisabled(username, true);
      process.stdout.write(`disabled console user ${username}\n`);
    });
};
