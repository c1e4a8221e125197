/** The bundled IPv4 -> ASN table (@ip-location-db/asn), loaded from node_modules at run time. */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { AsnTable } from "../detect/asn-table.js";

/** Loads the bundled IPv4 -> ASN table, or null when the package is missing. */
export function loadAsnTable(): AsnTable | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve("@ip-location-db/asn/package.json");
    const csv = pkg.replace(/package\.json$/, "asn-ipv4-num.csv");
    if (!existsSync(csv)) return null;
    return AsnTable.fromCsv(readFileSync(csv, "utf8"));
  } catch {
    return null;
  }
}
