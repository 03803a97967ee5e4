/**
 * Recently seen short ASCII strings, by their bytes. Field names and enum-like values repeat in
 * every payload of a pattern, and building a JS string from bytes costs 100–300 ns while this
 * lookup costs ~40 (decode speed is a sweep's budget: see the performance target).
 * Module-wide and bounded (4,096 slots × 32 bytes); a colliding string simply replaces the slot,
 * so hostile input can only cause misses.
 */
const SLOTS = 4096;
export const MAX_CACHED_LENGTH = 32;

const texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
const lengths = new Uint8Array(SLOTS);
const stored = new Uint8Array(SLOTS * MAX_CACHED_LENGTH);

function build(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

/** bytes[start, end) as a string when all ASCII and at most MAX_CACHED_LENGTH long; else undefined. */
export function cachedAscii(bytes: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  let hash = length;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return undefined;
    hash = (Math.imul(hash, 31) + b) | 0;
  }
  const slot = (hash ^ (hash >>> 13)) & (SLOTS - 1);
  const base = slot * MAX_CACHED_LENGTH;
  const hit = texts[slot];
  if (hit !== undefined && lengths[slot] === length) {
    let i = 0;
    while (i < length && stored[base + i] === bytes[start + i]) i++;
    if (i === length) return hit;
  }
  const text = build(bytes, start, end);
  texts[slot] = text;
  lengths[slot] = length;
  stored.set(bytes.subarray(start, end), base);
  return text;
}
