/**
 * Deterministic token estimates. Real tokenizers average about four characters of English per token;
 * the mock uses exactly that rule so streamed and non-streamed answers to one request always report the
 * same counts, and a text cut at `max_tokens * 4` characters costs exactly `max_tokens`.
 */

/** Characters per token used by every estimate in the mock. */
export const CHARS_PER_TOKEN = 4;

/** Estimated tokens of a text: ceil(length / 4), 0 for an empty text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Cuts a text to at most `tokens` estimated tokens, never splitting a surrogate pair. */
export function truncateToTokens(text: string, tokens: number): string {
  const max = Math.max(0, tokens) * CHARS_PER_TOKEN;
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** Image size in pixels, when it can be read from the data. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Bytes of a JPEG scanned for its frame header (SOFn), which follows the APPn segments. */
const JPEG_SCAN_BYTES = 64 * 1024;

function jpegSize(data: Buffer): ImageSize | null {
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { width: data.readUInt16BE(at + 7), height: data.readUInt16BE(at + 5) };
    at += 2 + length;
  }
  return null;
}

/**
 * Reads width and height from a base64 PNG, GIF, WebP (VP8X) or JPEG image; null if unknown. Decodes
 * only the first bytes (64 KiB at most, for a JPEG's frame header).
 */
export function sniffImageSize(base64: string): ImageSize | null {
  const head = Buffer.from(base64.slice(0, 48), "base64");
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47) {
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.length >= 10 && head.toString("latin1", 0, 3) === "GIF") {
    return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
  }
  if (head.length >= 30 && head.toString("latin1", 8, 16) === "WEBPVP8X") {
    return { width: 1 + head.readUIntLE(24, 3), height: 1 + head.readUIntLE(27, 3) };
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return jpegSize(Buffer.from(base64.slice(0, Math.ceil(JPEG_SCAN_BYTES / 3) * 4), "base64"));
  }
  return null;
}

/** Size assumed when the image cannot be read (a URL, a JPEG): a typical 1024 x 768 screenshot or photo. */
export const DEFAULT_IMAGE_SIZE: ImageSize = { width: 1024, height: 768 };

/**
 * Anthropic's published rule: tokens ≈ width × height / 750, after scaling the image down to fit
 * about 1.15 megapixels (so at most about 1,600 tokens).
 */
export function anthropicImageTokens(size: ImageSize | null): number {
  const { width, height } = size ?? DEFAULT_IMAGE_SIZE;
  const pixels = Math.max(1, width) * Math.max(1, height);
  const scale = Math.min(1, Math.sqrt(1_150_000 / pixels));
  return Math.max(1, Math.ceil((pixels * scale * scale) / 750));
}

/**
 * OpenAI's published rule for GPT-4o class models: 85 tokens for detail "low"; otherwise fit in
 * 2048 × 2048, scale the short side to 768, then 85 + 170 per 512-pixel tile.
 */
export function openaiImageTokens(size: ImageSize | null, detail: string | undefined): number {
  if (detail === "low") return 85;
  let { width, height } = size ?? DEFAULT_IMAGE_SIZE;
  width = Math.max(1, width);
  height = Math.max(1, height);
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const short = Math.min(width, height);
  if (short > 768) {
    width *= 768 / short;
    height *= 768 / short;
  }
  return 85 + 170 * Math.ceil(width / 512) * Math.ceil(height / 512);
}
