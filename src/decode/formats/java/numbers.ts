const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as a number when that is exact (SPEC §2: bigint only beyond 2^53). */
export function narrow(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/** A decoded Java long (number when safe, else bigint) back as a bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return 0n;
}

function hex64(value: unknown): string {
  return BigInt.asUintN(64, toBigInt(value)).toString(16).padStart(16, '0');
}

/** java.util.UUID's two longs as UUID.toString() writes them: canonical, lower case. */
export function uuidString(mostSigBits: unknown, leastSigBits: unknown): string {
  const hi = hex64(mostSigBits);
  const lo = hex64(leastSigBits);
  return `${hi.slice(0, 8)}-${hi.slice(8, 12)}-${hi.slice(12)}-${lo.slice(0, 4)}-${lo.slice(4)}`;
}
