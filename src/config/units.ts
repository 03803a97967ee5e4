/** Durations (`ms`, `s`, `m`, `h`) and binary sizes (`kb`, `mb`, `gb`) of SPEC §2. */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Milliseconds of a duration such as `2s`, `5m` or a bare number of milliseconds. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/i.exec(input);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (DURATION_UNITS[m[2]!.toLowerCase()] ?? NaN));
}

/** Bytes of a size such as `1mb` (binary: 1,048,576) or a bare number of bytes. */
export function parseSize(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && input > 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(input);
  if (!m) return undefined;
  const n = Math.floor(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? NaN));
  return n > 0 ? n : undefined;
}
