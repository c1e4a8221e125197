/** Provenance: response watermarks, detection, signed receipts (public API used by the gateway and CLI). */
export * from "./detect.js";
export * from "./keys.js";
export * from "./receipts/jws.js";
export * from "./receipts/keyring.js";
export * from "./receipts/merkle.js";
export * from "./receipts/receipt.js";
export * from "./receipts/route.js";
export * from "./receipts/signer.js";
export * from "./receipts/store.js";
export * from "./receipts/verify.js";
export * from "./scanner.js";
export * from "./sse.js";
export * from "./stats.js";
export * from "./watermark.js";
export * from "./wordnet.js";
