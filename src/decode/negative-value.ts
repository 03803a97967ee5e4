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
  return (prototype === Object.prototype || prototype === null) && Reflect.ownKeys(value).length === 0;
}
