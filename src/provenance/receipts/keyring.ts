/**
 * Ed25519 signing keys for receipts, with rotation. Every key ever used stays in the JWKS (receipts
 * signed before a rotation must keep verifying); one is active. On disk (state dir) each private key
 * is a JWK file with mode 0600 and `active` names the active kid. Private keys are never logged or
 * returned by any method here except sign().
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type Jwks, jwkThumbprint, type PublicJwk, signCompact } from "./jws.js";

interface Entry {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  createdAt: string;
}

/** A set of Ed25519 keys with one active signing key. */
export class KeyRing {
  private readonly entries = new Map<string, Entry>();
  private activeKid: string | null = null;

  private constructor(private readonly dir: string | null) {}

  /** An in-memory ring with one fresh key (tests, benchmarks). */
  static memory(): KeyRing {
    const ring = new KeyRing(null);
    ring.rotate();
    return ring;
  }

  /** Opens (or creates with one key) the ring stored in `dir`. */
  static open(dir: string): KeyRing {
    const ring = new KeyRing(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(".jwk.json")) continue;
      const jwk = JSON.parse(readFileSync(join(dir, f), "utf8")) as {
        x: string;
        d: string;
        created_at?: string;
      };
      ring.add(
        createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }, format: "jwk" }),
        jwk.created_at,
      );
    }
    const activeFile = join(dir, "active");
    if (existsSync(activeFile)) {
      const kid = readFileSync(activeFile, "utf8").trim();
      if (ring.entries.has(kid)) ring.activeKid = kid;
    }
    if (ring.activeKid === null) ring.rotate();
    return ring;
  }

  private add(privateKey: KeyObject, createdAt = new Date().toISOString()): Entry {
    const jwk = privateKey.export({ format: "jwk" }) as { x: string };
    const kid = jwkThumbprint(jwk.x);
    const entry: Entry = {
      kid,
      privateKey,
      publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" },
      createdAt,
    };
    this.entries.set(kid, entry);
    return entry;
  }

  /** Generates a new key and makes it active; returns its kid. Old keys stay published. */
  rotate(): string {
    const { privateKey } = generateKeyPairSync("ed25519");
    const entry = this.add(privateKey);
    if (this.dir !== null) {
      const jwk = {
        ...(privateKey.export({ format: "jwk" }) as object),
        kid: entry.kid,
        created_at: entry.createdAt,
      };
      const file = join(this.dir, `${entry.kid}.jwk.json`);
      writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      const tmp = join(this.dir, "active.tmp");
      writeFileSync(tmp, `${entry.kid}\n`, { mode: 0o600 });
      renameSync(tmp, join(this.dir, "active"));
    }
    this.activeKid = entry.kid;
    return entry.kid;
  }

  /** Kid of the active signing key. */
  get active(): string {
    if (this.activeKid === null) throw new Error("key ring has no active key");
    return this.activeKid;
  }

  /** Public keys of every key in the ring (for /.well-known/jwks.json). */
  jwks(): Jwks {
    return { keys: [...this.entries.values()].map((e) => e.publicJwk) };
  }

  /** Signs a payload as a compact JWS with the active key. */
  sign(payload: object): string {
    const e = this.entries.get(this.active) as Entry;
    return signCompact(payload, e.privateKey, e.kid);
  }
}
