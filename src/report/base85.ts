/**
 * Base-85 text for the report's binary data blocks: 5 characters per 4 bytes where base64 spends 5.33, so a
 * 100k-item report carries 6% more answer text in the same file. The alphabet is printable ASCII without the
 * characters that matter to HTML markup or to a JavaScript string (" & ' < > \ `), so a block can never end its script
 * element, form markup, or break the string literal the page's decoder keeps the alphabet in.
 * Groups are big-endian; a last group of n bytes (1-3) is written as its first n + 1 characters (as Ascii85 does).
 */
import { gzipSync } from 'node:zlib';

const EXCLUDED = `"&'<>\\\``;

/** The 85 digits, in value order: printable ASCII from "!" up, skipping EXCLUDED. */
export const BASE85_ALPHABET = (() => {
  let a = '';
  for (let c = 33; c < 127 && a.length < 85; c++) if (!EXCLUDED.includes(String.fromCharCode(c))) a += String.fromCharCode(c);
  return a;
})();

const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 85; i++) DIGIT[BASE85_ALPHABET.charCodeAt(i)] = i;

export function encodeBase85(bytes: Uint8Array): string {
  const n = bytes.length;
  const rest = n % 4;
  const out = Buffer.alloc(Math.floor(n / 4) * 5 + (rest ? rest + 1 : 0));
  let at = 0;
  const code = (v: number, chars: number) => {
    const digits = [0, 0, 0, 0, 0];
    for (let d = 4; d >= 0; d--) {
      digits[d] = v % 85;
      v = Math.floor(v / 85);
    }
    for (let d = 0; d < chars; d++) out[at++] = BASE85_ALPHABET.charCodeAt(digits[d]);
  };
  let i = 0;
  for (; i + 4 <= n; i += 4) code(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0, 5);
  if (rest) {
    let v = 0;
    for (let k = 0; k < 4; k++) v = v * 256 + (i + k < n ? bytes[i + k] : 0);
    code(v, rest + 1);
  }
  return out.toString('latin1');
}

/**
 * A data block of the page: base85 of gzip (the page reads it back with bytesOf and DecompressionStream). A string is
 * its UTF-8 bytes. Callers choose the level: 9 for the small binary indexes, where it pays; less for large text.
 */
export function gzipBase85(data: Uint8Array | string, level: number): string {
  return encodeBase85(gzipSync(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { level }));
}

/** The inverse of encodeBase85; throws on a character outside the alphabet or a dangling single character. */
export function decodeBase85(text: string): Buffer {
  const n = text.length;
  const rest = n % 5;
  if (rest === 1) throw new Error(`base85: ${n} characters cannot end a block (a last group has 2 to 4)`);
  const out = Buffer.alloc(Math.floor(n / 5) * 4 + (rest ? rest - 1 : 0));
  let at = 0;
  for (let i = 0; i < n; i += 5) {
    const chars = Math.min(5, n - i);
    let v = 0;
    for (let k = 0; k < 5; k++) {
      const c = k < chars ? text.charCodeAt(i + k) : 0;
      const d = k < chars ? (c < 128 ? DIGIT[c] : -1) : 84;
      if (d < 0) throw new Error(`base85: character ${JSON.stringify(text[i + k])} at ${i + k} is not in the alphabet`);
      v = v * 85 + d;
    }
    for (let k = 0; k < chars - 1; k++) out[at++] = Math.floor(v / 256 ** (3 - k)) % 256;
  }
  return out;
}

/**
 * The page's decoder, inlined into the drill-down script: `bytesOf(text)` -> Uint8Array. Same format as decodeBase85
 * (the browser tests read every block through it).
 */
export const BASE85_PAGE_DECODER = `
  var B85 = '${BASE85_ALPHABET}', B85_DIGIT = new Int8Array(128);
  for (var b85i = 0; b85i < 85; b85i++) B85_DIGIT[B85.charCodeAt(b85i)] = b85i;
  function bytesOf(text) {
    text = text.trim();
    var n = text.length, rest = n % 5, out = new Uint8Array(Math.floor(n / 5) * 4 + (rest ? rest - 1 : 0)), at = 0, D = B85_DIGIT;
    var full = n - rest, i = 0, v, k;
    // Whole groups unrolled (85^4, 85^3, 85^2): a search decodes up to a page of chunks, and the looped form was a
    // tenth of its CPU. A group's value is exact in a double, and below 2^32 for any block encodeBase85 wrote.
    for (; i < full; i += 5) {
      v = D[text.charCodeAt(i)] * 52200625 + D[text.charCodeAt(i + 1)] * 614125 + D[text.charCodeAt(i + 2)] * 7225 + D[text.charCodeAt(i + 3)] * 85 + D[text.charCodeAt(i + 4)];
      out[at] = v >>> 24; out[at + 1] = (v >>> 16) & 255; out[at + 2] = (v >>> 8) & 255; out[at + 3] = v & 255;
      at += 4;
    }
    if (rest) {
      for (v = 0, k = 0; k < 5; k++) v = v * 85 + (k < rest ? D[text.charCodeAt(i + k)] : 84);
      for (k = 0; k < rest - 1; k++) out[at++] = Math.floor(v / Math.pow(256, 3 - k)) % 256;
    }
    return out;
  }`;
