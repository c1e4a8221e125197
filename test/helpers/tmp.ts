/**
 * Temporary directories for one test file: created under the OS temp dir and removed when the
 * test process exits (node's runner gives each file its own process). Set DG_KEEP_TEST_TMP=1 to
 * keep them for a post-mortem; their paths are then printed on exit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

function cleanUp(): void {
  if (process.env.DG_KEEP_TEST_TMP === "1") {
    for (const dir of made) process.stderr.write(`kept ${dir}\n`);
    return;
  }
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a child process may still hold a file open on some platforms: leave it to the OS
    }
  }
}

/** A fresh directory whose name starts with `prefix`, removed at process exit. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.length === 0) process.once("exit", cleanUp);
  made.push(dir);
  return dir;
}
