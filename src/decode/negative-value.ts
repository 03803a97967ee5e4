/**
 * Whether a decoded value is "nothing" (SPEC §3 negative_cache): null, undefined, '', [], an
 * object with no own keys, or an empty Map. Only plain and null-prototype objects count as
 * objects here: a Date or a class instance has no own keys either, but is not empty.
 */
export function isNegativeValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map) return value.size === 0;
  if (typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // for…in stops at the first key without allocating a key array (this runs for every value).
  for (const _key in value) return false;
  return Object.getOwnPropertySymbols(value).length === 0 && Object.getOwnPropertyNames(value).length === 0;
}
