import { Buffer } from 'node:buffer';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const otherDecoders = new Map<string, InstanceType<typeof TextDecoder>>();

/** Latin-1 keeps one character per byte, so a binary string stays lossless and comparable. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

// Short ASCII strings (hash keys, ivar names, statuses, tenant ids) repeat within a payload and
// across payloads. Building each anew and then having V8 internalize it as a property key cost
// more than the rest of the parse; a small direct-mapped table of recent strings halves that.
// Bounded: CACHE_SLOTS strings of at most MAX_CACHED characters.
const CACHE_SLOTS = 4096;
const MAX_CACHED = 32;
const recent: Array<string | undefined> = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);

function shortAscii(bytes: Uint8Array, start: number, end: number, hash: number): string {
  const slot = hash & (CACHE_SLOTS - 1);
  const seen = recent[slot];
  if (seen !== undefined && seen.length === end - start) {
    let same = true;
    for (let i = start; i < end; i++) {
      if (seen.charCodeAt(i - start) !== bytes[i]) {
        same = false;
        break;
      }
    }
    if (same) return seen;
  }
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  recent[slot] = text;
  return text;
}

/**
 * The text of a Ruby string's bytes `[start, end)`. Whatever its declared encoding (UTF-8,
 * US-ASCII or none: binary), valid UTF-8 is read as UTF-8 and anything else as Latin-1, so a
 * tenant id compares equal however Ruby tagged it, and broken bytes never turn into U+FFFD
 * look-alikes.
 */
export function rubyText(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  if (end - start <= MAX_CACHED) {
    let hash = end - start;
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b >= 0x80) {
        ascii = false;
        break;
      }
      hash = (Math.imul(hash, 31) + b) | 0;
    }
    if (ascii) return shortAscii(bytes, start, end, hash);
  } else {
    for (let i = start; i < end; i++) {
      if ((bytes[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return latin1(bytes, start, end);
  }
  try {
    return utf8Strict.decode(bytes.subarray(start, end));
  } catch {
    return latin1(bytes, start, end);
  }
}

/**
 * Re-reads a string whose `encoding` ivar names something other than UTF-8/ASCII (Shift_JIS,
 * EUC-JP, Windows-1252…) with that encoding when the platform knows it; otherwise keeps `text`.
 */
export function reencode(bytes: Uint8Array, start: number, end: number, encoding: string, text: string): string {
  const label = encoding.toLowerCase();
  if (label === 'utf-8' || label === 'us-ascii' || label === 'ascii-8bit' || label === 'binary') return text;
  let decoder = otherDecoders.get(label);
  if (decoder === undefined) {
    // Only labels the WHATWG Encoding standard knows are cached: the map stays small.
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      return text;
    }
    otherDecoders.set(label, decoder);
  }
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch {
    return text;
  }
}
