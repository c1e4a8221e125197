/** Where provenance keeps its state inside the gateway's state directory. */
import { join } from "node:path";

/** Paths of the watermark master key, the signing key ring and the receipt log. */
export function provenancePaths(stateDir: string) {
  const root = join(stateDir, "provenance");
  return {
    root,
    watermarkKey: join(root, "watermark.key"),
    signingKeys: join(root, "signing"),
    receipts: join(root, "receipts"),
  };
}
