import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { DistillguardError } from "../../core/errors.js";

/** A request body read and validated as a JSON object. */
export interface JsonBody {
  raw: Buffer;
  text: string;
  json: Record<string, unknown>;
}

/**
 * Reads the request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before anything is read; a chunked body is cut off as soon as it passes the limit.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      new DistillguardError("DG_BODY_TOO_LARGE", `The request body exceeds ${limit} bytes.`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new DistillguardError("DG_BODY_TOO_LARGE", `The request body exceeds ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => {
      cleanup();
      reject(new Error("client aborted the request"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

/**
 * Validates content type, UTF-8 and JSON, in that order, each with its own error code. `text` is the
 * body already decoded as UTF-8, when the caller has it (saves decoding it twice).
 */
export function parseJsonBody(contentType: string | undefined, raw: Buffer, text?: string): JsonBody {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new DistillguardError(
      "DG_BAD_CONTENT_TYPE",
      `Content-Type must be application/json (got ${JSON.stringify(type.slice(0, 60) || "none")}).`,
    );
  }
  if (!isUtf8(raw)) throw new DistillguardError("DG_BAD_UTF8");
  const decoded = text ?? raw.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(decoded);
  } catch (err) {
    throw new DistillguardError(
      "DG_BAD_JSON",
      `The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new DistillguardError("DG_BAD_BODY");
  return { raw, text: decoded, json: json as Record<string, unknown> };
}
