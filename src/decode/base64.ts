import { Buffer } from 'node:buffer';
import { undecodable } from './decode-error.js';

const PAD = 0x3d; // '='

function isBase64Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2b || c === 0x2f || // + /  (standard alphabet)
    c === 0x2d || c === 0x5f //    - _  (URL-safe alphabet, which Buffer also decodes)
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Decodes standard or URL-safe base64, with or without padding, ignoring line breaks.
 * Buffer.from(…, 'base64') alone silently skips invalid characters and would turn garbage into
 * plausible bytes; checking first makes garbage `undecodable` instead.
 */
export function decodeBase64(input: Uint8Array | string): Uint8Array {
  const length = input.length;
  const at = typeof input === 'string' ? (i: number) => input.charCodeAt(i) : (i: number) => input[i] ?? 0;
  let chars = 0;
  let padding = 0;
  for (let i = 0; i < length; i++) {
    const c = at(i);
    if (isSpace(c)) continue;
    if (c === PAD) {
      padding++;
    } else if (padding > 0 || !isBase64Char(c)) {
      throw undecodable('invalid base64');
    } else {
      chars++;
    }
  }
  if (padding > 2 || chars % 4 === 1 || (padding > 0 && (chars + padding) % 4 !== 0)) {
    throw undecodable('invalid base64');
  }
  const text =
    typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  return Buffer.from(text, 'base64');
}
