/** An array or object whose entries are being read. One shape for both, so V8 keeps it monomorphic. */
export interface Frame {
  readonly isObject: boolean;
  /** Entries still to read. */
  remaining: number;
  /** Its slot in the reader's back-reference table. */
  readonly slot: number;
  /** An array whose keys so far are 0, 1, 2…: a PHP list, decoded as a JS array. */
  list: unknown[] | undefined;
  /**
   * Any other array, and every object: a map with string keys. Filled as a plain object and
   * given its null prototype when the frame closes (closeFrame): V8 keeps such an object in
   * fast mode, where one born from Object.create(null) is a slower hash table from the start.
   */
  map: Record<string, unknown> | undefined;
  /** The key read for the next value: an index while `list` is set, else a string. */
  key: string | number;
  /** Objects: where this object's entries start in the shared Holders stack. */
  readonly holdersStart: number;
}

/**
 * The mangled property names (`\0*\0x`) that were given their plain name (`x`), for every open
 * object. One array for the whole reader instead of a Map per object: an object receives
 * properties only while its children are closed, so its entries are always the tail, and
 * closing it truncates them.
 */
export type Holders = string[];

/** A frame for `a:` (map undefined: starts as a list) or `O:` (map is the object). */
export function openFrame(isObject: boolean, count: number, slot: number, map: Record<string, unknown> | undefined, holders: Holders): Frame {
  return { isObject, remaining: count, slot, list: isObject ? undefined : [], map, key: 0, holdersStart: holders.length };
}

const INTEGER_KEY = /^(?:0|-?[1-9][0-9]{0,15})$/;

/** PHP arrays store decimal-integer string keys as ints (`"0"` is key 0), as zend_symtable does. */
export function arrayKey(name: string): string | number {
  const first = name.charCodeAt(0);
  if (!((first >= 0x30 && first <= 0x39) || first === 0x2d) || !INTEGER_KEY.test(name)) return name;
  const n = Number(name);
  return Number.isSafeInteger(n) ? n : name;
}

/** A new, empty object for `O:` (its prototype is dropped at closeFrame). */
export function newObject(): Record<string, unknown> {
  return {};
}

/** The frame's decoded value, now complete: a list, or a map with a null prototype. */
export function closeFrame(frame: Frame, holders: Holders): unknown {
  if (frame.list !== undefined) return frame.list;
  if (frame.isObject) holders.length = frame.holdersStart;
  // Done before anyone reads it: until now keys were own properties stored via put(), so the
  // prototype never mattered, and from now on no inherited member can be mistaken for one.
  return Object.setPrototypeOf(frame.map, null) as Record<string, unknown>;
}

/** Stores `value` under the frame's pending key. */
export function storeEntry(frame: Frame, value: unknown, holders: Holders): void {
  frame.remaining -= 1;
  const list = frame.list;
  if (frame.isObject) {
    setProperty(frame, String(frame.key), value, holders);
  } else if (list !== undefined && frame.key === list.length) {
    list.push(value);
  } else {
    // Keys stopped being 0..n-1 (or an index repeated): from here on the array is a map.
    let map = frame.map;
    if (map === undefined) {
      map = {};
      if (list !== undefined) for (let i = 0; i < list.length; i++) map[i] = list[i];
      frame.list = undefined;
      frame.map = map;
    }
    // A repeated key overwrites, as unserialize() does.
    put(map, frame.key, value);
  }
}

/**
 * `object[key] = value`, except that "__proto__" becomes an own data property: the object still
 * has Object.prototype while it is filled, whose `__proto__` setter would swap its prototype
 * instead (hiding a marker under that key, or injecting one).
 */
function put(object: Record<string, unknown>, key: string | number, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

// Mangled names repeat in every cached model (`\0*\0attributes`): remembering what they strip to
// saves a slice per property, and hands V8 the same string (already internalized) each time.
const MAX_REMEMBERED_NAMES = 4096;
const visibleNames = new Map<string, string>();

/**
 * The name PHP code uses for a mangled property name: `\0*\0name` (protected) and
 * `\0Class\0name` (private) become `name` (SPEC §2). Public and malformed names are kept.
 */
export function visibleName(raw: string): string {
  if (raw.charCodeAt(0) !== 0) return raw;
  let name = visibleNames.get(raw);
  if (name === undefined) {
    const close = raw.indexOf('\0', 1);
    name = close > 0 ? raw.slice(close + 1) : raw;
    if (visibleNames.size >= MAX_REMEMBERED_NAMES) visibleNames.clear();
    visibleNames.set(raw, name);
  }
  return name;
}

/** Index of the mangled name holding plain `name` in this object, or -1 (collisions only). */
function holderOf(holders: Holders, start: number, name: string): number {
  for (let i = start; i < holders.length; i++) if (visibleName(holders[i] as string) === name) return i;
  return -1;
}

/**
 * Sets a property under its visible name. Two properties can share one: a parent's private `$x`
 * beside a child's `$x`. Neither may silently replace the other (a marker could vanish), so the
 * public one gets the plain name (it is what `$object->x` reads) and any other keeps its
 * mangled name, `\0Parent\0x`, where it stays visible to a `$['\u0000Parent\u0000x']` path.
 * The same name twice overwrites, as unserialize() does.
 */
function setProperty(frame: Frame, raw: string, value: unknown, holders: Holders): void {
  const object = frame.map as Record<string, unknown>;
  const name = visibleName(raw);
  if (!Object.hasOwn(object, name)) {
    if (name !== raw) holders.push(raw);
    put(object, name, value);
    return;
  }
  const holder = holderOf(holders, frame.holdersStart, name);
  if (name === raw) {
    if (holder >= 0) {
      // A non-public property took the plain name first: give it back its mangled one.
      put(object, holders[holder] as string, object[name]);
      holders.splice(holder, 1);
    }
    put(object, name, value);
  } else {
    put(object, holder >= 0 && holders[holder] === raw ? name : raw, value);
  }
}
