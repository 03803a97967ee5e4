const SPRING_NULL_VALUE = 'org.springframework.cache.support.NullValue';

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
  // Spring's cached null as GenericJackson2JsonRedisSerializer writes it (NullValueSerializer).
  if (Object.hasOwn(value, '@class')) return (value as Record<string, unknown>)['@class'] === SPRING_NULL_VALUE && Object.keys(value).length === 1;
  // for…in stops at the first key without allocating a key array (this runs for every value).
  for (const _key in value) return false;
  return Object.getOwnPropertySymbols(value).length === 0 && Object.getOwnPropertyNames(value).length === 0;
}
