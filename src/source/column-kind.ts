/** How a column's values must look, so a key's text never makes a typed query fail. */
export type ColumnKind = 'integer' | 'uuid' | 'text' | 'other';

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

export function columnKind(sqlType: string): ColumnKind {
  if (sqlType in INTEGER_RANGES) return 'integer';
  if (sqlType === 'uuid') return 'uuid';
  if (sqlType === 'text' || sqlType === 'character' || sqlType.startsWith('character varying') || sqlType.startsWith('character(')) return 'text';
  return 'other';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The value as the column can take it, or undefined when no row could hold it. */
export function coerceForColumn(value: string, sqlType: string): string | undefined {
  const kind = columnKind(sqlType);
  if (kind === 'integer') {
    if (!/^-?\d{1,20}$/.test(value)) return undefined;
    // Hot path: ids of up to 9 digits fit every integer type but smallint; no BigInt needed.
    if (value.length <= 9 && sqlType !== 'smallint') return String(Number(value));
    const n = BigInt(value);
    const [lo, hi] = INTEGER_RANGES[sqlType]!;
    return n >= lo && n <= hi ? n.toString() : undefined;
  }
  if (kind === 'uuid') {
    const v = value.replace(/^\{(.*)\}$/, '$1');
    return UUID.test(v) ? v.toLowerCase() : undefined;
  }
  // Postgres text cannot hold NUL; such a value names no row.
  return value.includes('\0') ? undefined : value;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The forms a canonical tenant id may be stored in. A uuid column compares UUIDs itself; a
 * text column may hold `3F2504E0-…` or `{…}` (.NET's Guid.ToString), which SPEC §2 says equal
 * the canonical lower-case form. An id the column cannot hold ("acme" in a uuid column) has none.
 */
export function storedTenantForms(canonical: string, sqlType: string): string[] {
  const t = coerceForColumn(canonical, sqlType);
  if (t === undefined) return [];
  if (columnKind(sqlType) !== 'text' || !CANONICAL_UUID.test(t)) return [t];
  const upper = t.toUpperCase();
  return [t, upper, `{${t}}`, `{${upper}}`];
}
