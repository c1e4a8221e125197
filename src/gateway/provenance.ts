import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  appendBatch,
  createSseWatermarkTransform,
  createWatermarker,
  deriveWatermarkKey,
  handleReceiptRoute,
  KeyRing,
  loadOrCreateMasterKey,
  provenancePaths,
  RECEIPT_HEADER,
  ReceiptSigner,
  readReceipts,
  responseText,
  resumeState,
  scopes,
  textHash,
  type Watermarker,
  watermarkJsonResponse,
} from "../provenance/index.js";
import type { GatewayConfig } from "./config.js";
import type { ExtraRoute } from "./gateway.js";
import type { ExchangeShaper, ResponseShaper, ShapeContext } from "./shaper.js";

type ProvenanceConfig = GatewayConfig["provenance"];

const EMPTY = Buffer.alloc(0);
const MAX_WATERMARKERS = 10_000;

/** The gateway's provenance: a signed receipt for every answer, and optionally keyed watermarks. */
export interface Provenance {
  shaper: ResponseShaper;
  /** GET /v1/receipts/{id} and GET /.well-known/jwks.json. */
  route: ExtraRoute;
  signer: ReceiptSigner | null;
  /** Signs what is queued (shutdown). */
  flush(): void;
}

/**
 * Builds provenance from the config: Ed25519 signing keys and the receipt log under
 * `<state_dir>/provenance/`, the watermark master key beside them (created on first use, mode 0600).
 */
export function createProvenance(cfg: ProvenanceConfig, stateDir: string): Provenance {
  const paths = provenancePaths(stateDir);
  const signer = cfg.receipts
    ? new ReceiptSigner({
        keys: KeyRing.open(paths.signingKeys),
        maxDelayMs: cfg.receipt_batch_ms,
        resume: resumeState(readReceipts(paths.receipts)),
        onBatch: (receipts) => {
          try {
            appendBatch(paths.receipts, receipts);
          } catch (err) {
            process.stderr.write(`distillguard: receipt log not written: ${(err as Error).message}\n`);
          }
        },
      })
    : null;

  let watermarkerFor: ((ctx: ShapeContext) => { w: Watermarker; kid: string }) | null = null;
  if (cfg.watermark) {
    const master = loadOrCreateMasterKey(paths.watermarkKey);
    const cache = new Map<string, { w: Watermarker; kid: string }>();
    watermarkerFor = (ctx) => {
      const scope = cfg.watermark_scope === "account" ? scopes.account(ctx.account.id) : scopes.deployment();
      let entry = cache.get(scope);
      if (!entry) {
        const key = deriveWatermarkKey(master, scope);
        entry = { w: createWatermarker({ key: key.key }), kid: key.kid };
        if (cache.size >= MAX_WATERMARKERS) cache.delete(cache.keys().next().value as string);
        cache.set(scope, entry);
      }
      return entry;
    };
    watermarkerFor({ account: { id: "-", org_id: null, created_at: "" } } as ShapeContext); // loads WordNet now
  }

  const shaper: ResponseShaper = {
    begin(ctx) {
      if (!signer && !watermarkerFor) return null;
      const wm = watermarkerFor?.(ctx) ?? null;
      const receiptId = signer?.reserve() ?? null;
      const sse = wm ? createSseWatermarkTransform(ctx.dialect.api, wm.w) : null;
      let markedText: string | null = null;
      let streamed = false;
      const headers: Record<string, string> = {};
      if (receiptId) headers[RECEIPT_HEADER] = receiptId;
      if (wm) headers["x-distillguard-watermark"] = wm.kid;
      const shaped: ExchangeShaper = {
        headers,
        rewrites: wm !== null,
        streamChunk: (chunk) => {
          streamed = true;
          return sse ? sse.push(chunk) : chunk;
        },
        streamEnd: () => (sse ? sse.end() : EMPTY),
        jsonBody(body) {
          if (!wm) return body;
          try {
            const marked = watermarkJsonResponse(ctx.dialect.api, JSON.parse(body.toString("utf8")), wm.w);
            markedText = responseText(ctx.dialect.api, marked);
            return Buffer.from(JSON.stringify(marked));
          } catch {
            return body;
          }
        },
        finish({ responseSha256, status, complete }) {
          if (!signer || !receiptId) return;
          if (status >= 300 || !complete) {
            signer.release(receiptId);
            return;
          }
          signer.sign(
            {
              requestHash: createHash("sha256").update(ctx.requestBody).digest("hex"),
              responseHash: responseSha256,
              account_id: ctx.account.id,
              model: ctx.model,
              time: ctx.time,
              key_id: wm?.kid ?? null,
              // The answer text as sent, so a harvested text can be matched to its receipt exactly.
              textHash:
                markedText !== null ? textHash(markedText) : streamed && sse ? textHash(sse.text()) : null,
            },
            receiptId,
          );
        },
      };
      return shaped;
    },
  };

  const route: ExtraRoute = (req: IncomingMessage, res: ServerResponse, path: string) =>
    signer !== null && handleReceiptRoute(req, res, path, signer);

  return { shaper, route, signer, flush: () => signer?.flush() };
}
