/**
 * The canonical form tenant ids compare in (SPEC §2 "Values"): UUIDs lower-case without
 * braces, integers as decimal strings (`42` equals `"42"`), any other string exactly as is.
 */

const UUID = /^(?:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|\{([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\})$/i;

/**
 * A tenant id in canonical form, or undefined when `raw` is not a scalar tenant id: null,
 * booleans, objects, arrays, the empty string, non-integer numbers, and integers beyond 2^53
 * (JSON.parse has already rounded those, so the digits would name some other tenant; decoders
 * that keep 64-bit integers exact return bigints, which are kept).
 * Decimal-digit strings are not normalised: `"042"` stays `"042"`.
 */
export function canonicalTenant(raw: unknown): string | undefined {
  if (typeof raw === 'string') {
    if (raw === '') return undefined;
    const uuid = UUID.exec(raw);
    return uuid === null ? raw : (uuid[1] ?? uuid[2] ?? raw).toLowerCase();
  }
  if (typeof raw === 'bigint') return raw.toString();
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) {
    // String(-0) is "0": the same tenant as 0.
    return String(raw);
  }
  return undefined;
}
