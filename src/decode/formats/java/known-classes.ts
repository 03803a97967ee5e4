import type { KnownClass, ObjectReader } from './class-desc.js';
import { javaError } from './errors.js';
import { readJavaTime } from './java-time.js';
import { uuidString, toBigInt, narrow } from './numbers.js';

type Fields = Record<string, unknown>;
type Entries = Record<string, unknown>;

/** A map key as a marker path can name it: strings as-is, scalars in their string form. */
export function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === null || key === undefined) return 'null';
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  // byte[] keys as latin1 text (each byte one character); other objects have no useful text form.
  if (key instanceof Uint8Array) return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
  return Array.isArray(key) ? '[array]' : '[object]';
}

function put(target: unknown, key: unknown, value: unknown): void {
  // A null-prototype object has no inherited "__proto__" setter: every key is an own property.
  (target as Entries)[keyString(key)] = value;
}

function readPairs(r: ObjectReader, target: unknown, size: unknown): unknown {
  const count = r.checkCount(size, 2, 'map entry');
  for (let i = 0; i < count; i++) put(target, r.object(), r.object());
  return target;
}

function readElements(r: ObjectReader, target: unknown, size: unknown): unknown {
  const count = r.checkCount(size, 1, 'collection element');
  const list = target as unknown[];
  for (let i = 0; i < count; i++) list.push(r.object());
  return target;
}

const map = (read: (r: ObjectReader, fields: Fields, target: unknown) => unknown): KnownClass => ({ shape: 'map', read });
const list = (read: (r: ObjectReader, fields: Fields, target: unknown) => unknown): KnownClass => ({ shape: 'list', read });
const value = (read: (r: ObjectReader, fields: Fields) => unknown): KnownClass => ({ shape: 'value', read });

function field(fields: Fields, name: string, type: 'number' | 'boolean' | 'string', what: string): unknown {
  const v = fields[name];
  if (typeof v === type || (type === 'number' && typeof v === 'bigint')) return v;
  throw javaError(`malformed ${what}`);
}

const boxed = (type: 'number' | 'boolean' | 'string', what: string): KnownClass => value((_, f) => field(f, 'value', type, what));

/** The collection a Collections wrapper (unmodifiable, synchronized, checked) holds. */
const wrapper = (name: 'm' | 'c'): KnownClass => value((_, f) => f[name] ?? null);

function copyInto(target: unknown, source: unknown, count?: number): unknown {
  if (!Array.isArray(source)) throw javaError('malformed collection');
  const list = target as unknown[];
  const end = count === undefined ? source.length : Math.max(0, Math.min(count, source.length));
  for (let i = 0; i < end; i++) list.push(source[i]);
  return target;
}

// java.util.ImmutableCollections' serial proxy (List.of, Set.of, Map.of): tag, then an array.
const COLL_SER_MAP = 3;
function readCollSer(r: ObjectReader, fields: Fields): unknown {
  const tag = field(fields, 'tag', 'number', 'java.util.CollSer');
  const length = r.checkCount(r.blockInt(), 1, 'collection element');
  if ((Number(tag) & 0xff) === COLL_SER_MAP) {
    if (length % 2 !== 0) throw javaError('malformed java.util.CollSer');
    return readPairs(r, Object.create(null), length / 2);
  }
  return readElements(r, [], length);
}

function bigDecimalString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  let text: string;
  // BigDecimal.toPlainString, except that absurd scales keep their exponent (no huge strings).
  if (scale > 1000 || scale < -1000) text = `${digits}E${-scale}`;
  else if (scale <= 0) text = digits === '0' ? '0' : digits + '0'.repeat(-scale);
  else if (digits.length > scale) text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  else text = `0.${'0'.repeat(scale - digits.length)}${digits}`;
  return negative ? `-${text}` : text;
}

/** BigInteger's serial form: signum and a big-endian magnitude. */
function readBigInteger(fields: Fields): bigint {
  const signum = fields.signum;
  const magnitude = fields.magnitude;
  if ((signum !== -1 && signum !== 0 && signum !== 1) || !(magnitude instanceof Uint8Array)) throw javaError('malformed java.math.BigInteger');
  // Far beyond any id or amount; keeps BigInt parsing cheap.
  if (magnitude.length > 1024) throw javaError('java.math.BigInteger longer than 1024 bytes');
  let hex = '0x0';
  for (const b of magnitude) hex += (b < 16 ? '0' : '') + b.toString(16);
  return BigInt(hex) * BigInt(signum);
}

/**
 * JDK classes read by their known serial layout (the custom data their writeObject writes),
 * keyed by binary class name. A subclass (LinkedHashMap, Properties, Timestamp) reads as the
 * most derived class listed here. Anything else decodes field by field.
 */
export const KNOWN_CLASSES: ReadonlyMap<string, KnownClass> = new Map<string, KnownClass>([
  // Maps: HashMap/Hashtable write capacity then size; TreeMap, IdentityHashMap and EnumMap the size.
  ['java.util.HashMap', map((r, _, t) => (r.blockInt(), readPairs(r, t, r.blockInt())))],
  ['java.util.Hashtable', map((r, _, t) => (r.blockInt(), readPairs(r, t, r.blockInt())))],
  ['java.util.TreeMap', map((r, _, t) => readPairs(r, t, r.blockInt()))],
  ['java.util.IdentityHashMap', map((r, _, t) => readPairs(r, t, r.blockInt()))],
  ['java.util.EnumMap', map((r, _, t) => readPairs(r, t, r.blockInt()))],
  [
    'java.util.concurrent.ConcurrentHashMap',
    map((r, _, t) => {
      // Key/value pairs up to a null/null pair; each pair costs bytes, so the loop is bounded.
      for (;;) {
        const key = r.object();
        const entry = r.object();
        if (key === null && entry === null) return t;
        put(t, key, entry);
      }
    }),
  ],
  ['java.util.Collections$EmptyMap', map((_, __, t) => t)],
  ['java.util.Collections$SingletonMap', map((_, f, t) => (put(t, f.k, f.v), t))],
  // Lists and sets.
  ['java.util.ArrayList', list((r, f, t) => (r.blockInt(), readElements(r, t, f.size)))],
  ['java.util.LinkedList', list((r, _, t) => readElements(r, t, r.blockInt()))],
  ['java.util.ArrayDeque', list((r, _, t) => readElements(r, t, r.blockInt()))],
  ['java.util.concurrent.CopyOnWriteArrayList', list((r, _, t) => readElements(r, t, r.blockInt()))],
  ['java.util.PriorityQueue', list((r, f, t) => (r.blockInt(), readElements(r, t, f.size)))],
  ['java.util.HashSet', list((r, _, t) => (r.blockInt(), r.blockFloat(), readElements(r, t, r.blockInt())))],
  ['java.util.TreeSet', list((r, _, t) => (r.object(), readElements(r, t, r.blockInt())))],
  ['java.util.Vector', list((_, f, t) => copyInto(t, f.elementData, typeof f.elementCount === 'number' ? f.elementCount : 0))],
  ['java.util.Arrays$ArrayList', list((_, f, t) => copyInto(t, f.a))],
  ['java.util.Collections$EmptyList', list((_, __, t) => t)],
  ['java.util.Collections$EmptySet', list((_, __, t) => t)],
  ['java.util.Collections$SingletonList', list((_, f, t) => ((t as unknown[]).push(f.element), t))],
  ['java.util.Collections$SingletonSet', list((_, f, t) => ((t as unknown[]).push(f.element), t))],
  ['java.util.CollSer', value(readCollSer)],
  ['java.util.Collections$UnmodifiableMap', wrapper('m')],
  ['java.util.Collections$UnmodifiableCollection', wrapper('c')],
  ['java.util.Collections$SynchronizedMap', wrapper('m')],
  ['java.util.Collections$SynchronizedCollection', wrapper('c')],
  ['java.util.Collections$CheckedMap', wrapper('m')],
  ['java.util.Collections$CheckedCollection', wrapper('c')],
  // Boxed values.
  ['java.lang.Integer', boxed('number', 'java.lang.Integer')],
  ['java.lang.Long', boxed('number', 'java.lang.Long')],
  ['java.lang.Short', boxed('number', 'java.lang.Short')],
  ['java.lang.Byte', boxed('number', 'java.lang.Byte')],
  ['java.lang.Double', boxed('number', 'java.lang.Double')],
  ['java.lang.Float', boxed('number', 'java.lang.Float')],
  ['java.lang.Boolean', boxed('boolean', 'java.lang.Boolean')],
  ['java.lang.Character', boxed('string', 'java.lang.Character')],
  ['java.util.concurrent.atomic.AtomicInteger', boxed('number', 'AtomicInteger')],
  ['java.util.concurrent.atomic.AtomicLong', boxed('number', 'AtomicLong')],
  ['java.util.concurrent.atomic.AtomicBoolean', value((_, f) => field(f, 'value', 'number', 'AtomicBoolean') !== 0)],
  ['java.math.BigInteger', value((_, f) => narrow(readBigInteger(f)))],
  [
    'java.math.BigDecimal',
    value((_, f) => {
      const unscaled = f.intVal;
      if (unscaled === null || typeof f.scale !== 'number' || (typeof unscaled !== 'bigint' && typeof unscaled !== 'number')) throw javaError('malformed java.math.BigDecimal');
      return bigDecimalString(toBigInt(unscaled), f.scale);
    }),
  ],
  ['java.util.UUID', value((_, f) => uuidString(field(f, 'mostSigBits', 'number', 'java.util.UUID'), field(f, 'leastSigBits', 'number', 'java.util.UUID')))],
  // Date (and java.sql.Timestamp/Date/Time) writes its epoch milliseconds as custom data.
  ['java.util.Date', value((r) => r.blockLong())],
  ['java.time.Ser', { shape: 'value', externalizable: true, read: (r) => readJavaTime(r) }],
  // Spring's cached null (RedisCache stores it whatever the value serializer): it is null.
  ['org.springframework.cache.support.NullValue', value(() => null)],
]);
