/** PHP's integers are 64-bit; unserialize() refuses (or clamps) anything beyond. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A number when it is exact as a double (|n| < 2^53), else the bigint itself. */
export function narrowInteger(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/**
 * The integer an `i:` body (`[+-]?[0-9]+`, already checked) names, or undefined beyond PHP's
 * 64-bit range. Only long digit runs reach here: short ones are summed in the reader.
 */
export function parseLongInteger(text: string): number | bigint | undefined {
  const value = BigInt(text.charCodeAt(0) === 0x2b ? text.slice(1) : text); // BigInt() refuses '+'
  return value < INT64_MIN || value > INT64_MAX ? undefined : narrowInteger(value);
}

// var_unserializer.re: `"d:" (iv | nv | nvexp) ";"` and `"d:" ("NAN" | "-"? "INF") ";"`.
const DOUBLE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** The value of a `d:` body, or undefined when it is not PHP's float syntax. */
export function parseDouble(text: string): number | undefined {
  if (DOUBLE.test(text)) return Number(text);
  if (text === 'NAN') return NaN;
  if (text === 'INF') return Infinity;
  if (text === '-INF') return -Infinity;
  return undefined;
}

// PHP 8's is_numeric(): optional surrounding whitespace, sign, digits/decimals, exponent.
const PHP_NUMERIC = /^[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\v\f]*$/;
// How PHP itself prints an int or a float (`(string) 42`, `(string) 1.5`, `1.0E+25`, `-0`).
const CANONICAL_INT = /^-?(?:0|[1-9][0-9]*)$/;
const CANONICAL_FLOAT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:E[+-][0-9]+)?$/;

/** Whether a first byte may start an is_numeric() string: whitespace, sign, '.', digit. */
export function mayStartNumeric(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x20 || (b >= 0x09 && b <= 0x0d));
}

/**
 * Laravel's RedisStore stores numerics raw (`is_numeric($value) ? $value : serialize($value)`),
 * and hands the raw string back on read. An int or a float as PHP prints them becomes that
 * number (bigint beyond 2^53); any other numeric string (`007`, ` 5`, `+1`, `.5`, 30 digits) stays the
 * string the application gets back, since `"007"` is not the tenant `7`. Undefined when the
 * text is not numeric at all.
 */
export function rawNumeric(text: string): number | bigint | string | undefined {
  if (!PHP_NUMERIC.test(text)) return undefined;
  if (CANONICAL_INT.test(text)) {
    if (text.length <= 15) return Number(text);
    // PHP prints ints of at most 20 characters; a longer digit run was a numeric string, and
    // BigInt() of a megabyte of digits is slow.
    return text.length <= 20 ? narrowInteger(BigInt(text)) : text;
  }
  if (CANONICAL_FLOAT.test(text)) return Number(text);
  return text;
}
