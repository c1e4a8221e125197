import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** CPU seconds (user + system, all threads) a process has used so far, from /proc; null elsewhere. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat(5) (utime, stime) in clock ticks; field 3 is fields[0] here.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** A port that was free a moment ago (for servers that cannot listen on port 0 and report back). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A forked Node child speaking the benchmark's small IPC protocol. */
export class Child {
  private waiters = new Map<string, ((m: Record<string, unknown>) => void)[]>();
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess) {
    proc.on("message", (m: Record<string, unknown>) => {
      const type = String(m.type);
      const list = this.waiters.get(type);
      const w = list?.shift();
      if (w) w(m);
    });
    this.exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
  }

  /** Forks `file` with `args`; resolves with the child once it has sent `{ type: "ready" }`. */
  static async fork(
    file: string,
    args: string[],
    execArgv: string[] = [],
  ): Promise<[Child, Record<string, unknown>]> {
    const c = new Child(fork(file, args, { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv }));
    const ready = await Promise.race([
      c.next("ready"),
      c.exited.then((code) => {
        throw new Error(`${file} ${args[0] ?? ""} exited with ${code} before it was ready`);
      }),
    ]);
    return [c, ready];
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** The next message of `type`. */
  next(type: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const list = this.waiters.get(type) ?? [];
      list.push(resolve);
      this.waiters.set(type, list);
    });
  }

  /** Sends `message` and waits for the reply of type `replyType`. */
  ask(message: Record<string, unknown>, replyType: string): Promise<Record<string, unknown>> {
    const reply = this.next(replyType);
    this.proc.send(message);
    return reply;
  }

  /** Asks the child to close, waits for it to exit (killing it after `graceMs`). */
  async close(graceMs = 10_000): Promise<Record<string, unknown> | null> {
    if (this.proc.exitCode !== null) return null;
    const closed = this.next("closed");
    this.proc.send({ type: "close" });
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    const [info] = await Promise.all([Promise.race([closed, this.exited.then(() => null)]), this.exited]);
    clearTimeout(timer);
    return info;
  }
}

/** A non-Node-IPC server process (Portkey's gateway), started with `spawn`, ready when `probe` passes. */
export async function spawnServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  probe: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<ChildProcess> {
  const proc = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr?.on("data", (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString("utf8");
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(`${command} exited with ${proc.exitCode}: ${stderr.slice(0, 500)}`);
    if (await probe().catch(() => false)) return proc;
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill("SIGKILL");
  throw new Error(`${command} did not become ready in ${timeoutMs} ms: ${stderr.slice(0, 500)}`);
}
