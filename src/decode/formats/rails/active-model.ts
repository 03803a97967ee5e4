import type { WorkBudget } from './limits.js';

/**
 * A decoded Ruby Hash or object: a plain object of string keys, as JSON.parse builds them.
 * Plain rather than null-prototype because V8 keeps null-prototype objects in dictionary mode,
 * which made decoding twice as slow; every key is written through setKey(), so a "__proto__"
 * key is an own property like any other and never reaches Object.prototype's setter.
 */
export type RubyMap = Record<string, unknown>;

export function newMap(): RubyMap {
  return {};
}

/** Sets `map[key]` as an own data property, "__proto__" included. */
export function setKey(map: RubyMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** The key a Ruby Hash key becomes: symbols and strings as they are, other scalars as text. */
export function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'object' && key !== null) return Array.isArray(key) ? '[array]' : '[object]';
  return String(key);
}

export function isRubyMap(value: unknown): value is RubyMap {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Classes whose instances hold an ActiveRecord model's attributes (`record.@attributes`).
 * ActiveRecord:: names are Rails 5.0–5.1, ActiveModel:: names 5.2 on.
 */
const ATTRIBUTE_SETS = new Set(['ActiveModel::AttributeSet', 'ActiveRecord::AttributeSet']);
/** Rails 6.1–7.x: records loaded from the database keep raw column values until read. */
const LAZY_ATTRIBUTE_SETS = new Set(['ActiveModel::LazyAttributeSet']);
/** Rails 5.0–6.0: AttributeSet's @attributes, dumped by marshal_dump as an array (`U`). */
const LAZY_ATTRIBUTE_HASHES = new Set(['ActiveModel::LazyAttributeHash', 'ActiveRecord::LazyAttributeHash']);

/** Which rebuild, if any, an object of `className` gets. */
export function attributeSetKind(className: string): 'set' | 'lazy' | undefined {
  if (ATTRIBUTE_SETS.has(className)) return 'set';
  if (LAZY_ATTRIBUTE_SETS.has(className)) return 'lazy';
  return undefined;
}

/**
 * The value an ActiveModel::Attribute stands for: its type-cast @value once the app read it,
 * else the raw @value_before_type_cast (a column value, or what the app assigned). Anything
 * that is not an attribute object is already a value.
 */
function attributeValue(attribute: unknown): unknown {
  if (!isRubyMap(attribute)) return attribute;
  if (Object.hasOwn(attribute, '@value')) return attribute['@value'];
  if (Object.hasOwn(attribute, '@value_before_type_cast')) return attribute['@value_before_type_cast'];
  return attribute;
}

function copyAttributes(target: RubyMap, source: unknown, budget: WorkBudget): void {
  if (!isRubyMap(source)) return;
  const names = Object.keys(source);
  budget.spend(names.length);
  for (const name of names) setKey(target, name, attributeValue(source[name]));
}

/**
 * `raw` column values (name → value), overlaid by the cast ones the app has read, with
 * defaults for columns the query did not select, then the attributes the app assigned.
 */
function mergeLazy(target: RubyMap, raw: unknown, casted: unknown, defaults: unknown, assigned: unknown, budget: WorkBudget): void {
  if (isRubyMap(raw)) {
    const names = Object.keys(raw);
    budget.spend(names.length);
    const cast = isRubyMap(casted) ? casted : undefined;
    for (const name of names) setKey(target, name, cast !== undefined && Object.hasOwn(cast, name) ? cast[name] : raw[name]);
  }
  if (isRubyMap(defaults)) {
    const names = Object.keys(defaults);
    budget.spend(names.length);
    for (const name of names) if (!Object.hasOwn(target, name)) setKey(target, name, attributeValue(defaults[name]));
  }
  copyAttributes(target, assigned, budget);
}

/**
 * Fills `target` with name → value from the instance variables of an attribute set, so that
 * `$['@attributes'].tenant_id` reads a record's column as SPEC §2 promises, whatever Rails
 * version built it. Only plain data is read; nothing is type-cast.
 */
export function rebuildAttributeSet(kind: 'set' | 'lazy', ivars: RubyMap, target: RubyMap, budget: WorkBudget): void {
  if (kind === 'set') copyAttributes(target, ivars['@attributes'], budget);
  else mergeLazy(target, ivars['@values'], ivars['@casted_values'], ivars['@default_attributes'], ivars['@attributes'], budget);
}

/**
 * What a `U` object (class with marshal_dump) stands for: the data it dumped, except for two
 * ActiveRecord shapes rebuilt like their ivar-based counterparts: LazyAttributeHash (Rails
 * 5.0–6.0) and a record under `marshalling_format_version = 7.1`, which dumps
 * `[attributes_for_database, new_record?, [[association, target], …]?]`.
 */
export function userMarshalValue(className: string, data: unknown, budget: WorkBudget): unknown {
  if (LAZY_ATTRIBUTE_HASHES.has(className) && Array.isArray(data)) {
    // marshal_dump: [@types, @values, @additional_types, @default_attributes, @delegate_hash]
    const target = newMap();
    mergeLazy(target, data[1], undefined, data[3], data[4], budget);
    return target;
  }
  if (Array.isArray(data) && (data.length === 2 || data.length === 3) && isRubyMap(data[0]) && typeof data[1] === 'boolean') {
    const associations = data[2];
    if (associations !== undefined && !Array.isArray(associations)) return data;
    const record = newMap();
    record['@attributes'] = data[0];
    record['@new_record'] = data[1];
    if (Array.isArray(associations)) record['@association_cache'] = associationMap(associations, budget);
    return record;
  }
  return data;
}

function associationMap(pairs: unknown[], budget: WorkBudget): RubyMap {
  const cache = newMap();
  budget.spend(pairs.length);
  for (const pair of pairs) {
    if (Array.isArray(pair) && typeof pair[0] === 'string') setKey(cache, pair[0], pair[1]);
  }
  return cache;
}
