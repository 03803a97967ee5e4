import { bytesText, pickleError } from './pickle-reader.js';
import { PyGlobal, pyGlobal, type PyReducer } from './python-global.js';
import { VALUE_REDUCERS } from './python-values.js';

/** A Python dict or object as decoded: a plain object whose keys, `__proto__` included, are own properties. */
export type PyDict = Record<string, unknown>;

// Plain objects like JSON.parse's (null-prototype ones are hash tables in V8, several times
// slower to fill); putKey() keeps a "__proto__" key an own property instead of the prototype.
export const newDict = (): PyDict => ({});

/** Sets an own property, `__proto__` included (assignment would replace the prototype). */
export function putKey(dict: PyDict, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
  else dict[key] = value;
}

/** Counts the work that is not one step per payload byte (copies, merges), so shared references cannot multiply it. */
export class WorkBudget {
  constructor(private left: number) {}

  spend(units: number): void {
    this.left -= units;
    if (this.left < 0) throw pickleError('pickle work budget exceeded');
  }
}

/** A dict or decoded instance (not an array, bytes or a global: those have other prototypes). */
export function isPyDict(value: unknown): value is PyDict {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const MAX_KEY_TEXT = 256;

function scalarRepr(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (value instanceof PyGlobal) return value.qualified;
  return '<object>';
}

/** Appends a short repr of a tuple key's element; stops at MAX_KEY_TEXT characters, so a huge or shared key costs O(1). */
function appendRepr(value: unknown, depth: number, out: { text: string }): void {
  if (typeof value === 'string') {
    out.text += `'${value.length > MAX_KEY_TEXT ? value.slice(0, MAX_KEY_TEXT) : value}'`;
  } else if (value instanceof Uint8Array) {
    out.text += `b'${bytesText(value, 0, Math.min(value.length, MAX_KEY_TEXT))}'`;
  } else if (Array.isArray(value) && depth < 3) {
    out.text += '(';
    for (let i = 0; i < value.length && out.text.length < MAX_KEY_TEXT; i++) {
      if (i > 0) out.text += ', ';
      appendRepr(value[i], depth + 1, out);
    }
    out.text += value.length === 1 ? ',)' : ')';
  } else {
    out.text += scalarRepr(value);
  }
}

/** A dict key as a string: str() for scalars, text for bytes, a short repr for tuples (SPEC §2). */
export function dictKey(key: unknown, work: { spend(units: number): void }): string {
  if (typeof key === 'string') return key;
  if (key instanceof Uint8Array) {
    work.spend(key.length); // a memo-shared bytes key may be used many times
    return bytesText(key, 0, key.length);
  }
  if (!Array.isArray(key)) return scalarRepr(key);
  const out = { text: '' };
  appendRepr(key, 0, out);
  return out.text.length > MAX_KEY_TEXT ? out.text.slice(0, MAX_KEY_TEXT) : out.text;
}

/** SETITEM(S): dicts and dict-like instances take keys; anything else is not a pickle CPython wrote. */
export function setItem(target: unknown, key: unknown, value: unknown, work: WorkBudget): void {
  if (!isPyDict(target)) throw pickleError('invalid pickle');
  putKey(target, typeof key === 'string' ? key : dictKey(key, work), value);
}

/** APPEND(S)/ADDITEMS: lists and sets; a list-like instance keeps its items under `__items__`. */
export function appendTo(target: unknown, value: unknown): void {
  if (Array.isArray(target)) {
    target.push(value);
    return;
  }
  if (!isPyDict(target)) throw pickleError('invalid pickle');
  const items = target['__items__'];
  if (Array.isArray(items)) items.push(value);
  else target['__items__'] = [value];
}

function merge(target: PyDict, source: PyDict, work: { spend(units: number): void }): void {
  const keys = Object.keys(source);
  work.spend(keys.length);
  // Object.assign sets with [[Set]]: fine for every key but "__proto__", which it would make the prototype.
  if (!Object.hasOwn(source, '__proto__')) Object.assign(target, source);
  else for (const key of keys) putKey(target, key, source[key]);
}

// O(1), unlike Object.keys(): a memo-shared dict may be checked many times.
function hasKeys(dict: PyDict): boolean {
  for (const key in dict) if (Object.hasOwn(dict, key)) return true;
  return false;
}

/** An inert instance of `cls`: its class name, plus constructor arguments when there were any. */
export function instance(cls: unknown, args: unknown, kwargs?: unknown): PyDict {
  if (!(cls instanceof PyGlobal)) throw pickleError('pickle calls a computed callable');
  const record = newDict();
  record['__class__'] = cls.qualified;
  if (Array.isArray(args) && args.length > 0) record['__args__'] = args;
  if (isPyDict(kwargs) && hasKeys(kwargs)) record['__kwargs__'] = kwargs;
  return record;
}

/** collections.OrderedDict / defaultdict / Counter: dicts whose items usually follow via SETITEMS. */
function dictLike(args: unknown[], work: { spend(units: number): void }, counter: boolean): PyDict {
  const first = args[0];
  if (counter && isPyDict(first)) return first;
  const dict = newDict();
  // OrderedDict([[key, value], …]): the older list-of-pairs argument.
  if (!counter && Array.isArray(first)) {
    work.spend(first.length);
    for (const pair of first) {
      if (!Array.isArray(pair) || pair.length !== 2) throw pickleError('invalid pickle');
      putKey(dict, dictKey(pair[0], work), pair[1]);
    }
  }
  return dict;
}

/** copyreg._reconstructor(cls, base, base_state): protocols 0–1 default object pickling; fields follow in BUILD. */
function reconstructor(args: unknown[], work: { spend(units: number): void }): PyDict {
  const record = instance(args[0], []);
  if (isPyDict(args[2])) merge(record, args[2], work);
  else if (args[2] !== null && args[2] !== undefined) record['__args__'] = [args[2]];
  return record;
}

/** getattr(Class, 'name'): how protocols 2–3 spell a nested name (a classmethod, an inner class). */
function getattr(args: unknown[]): PyGlobal {
  const [owner, attribute] = args;
  if (!(owner instanceof PyGlobal) || typeof attribute !== 'string' || args.length !== 2) throw pickleError('pickle calls a computed callable');
  return pyGlobal(owner.module, `${owner.name}.${attribute}`, 3);
}

/** Django's Model.__reduce__: model_unpickle((app_label, ModelName)); the fields follow in BUILD. */
function modelUnpickle(args: unknown[]): PyDict | undefined {
  const id = args[0];
  if (!Array.isArray(id) || id.length !== 2 || typeof id[0] !== 'string' || typeof id[1] !== 'string') return undefined;
  const record = newDict();
  record['__class__'] = `${id[0]}.${id[1]}`;
  return record;
}

const REDUCERS = new Map<string, PyReducer>([
  ...VALUE_REDUCERS,
  ['collections.OrderedDict', (args, work) => dictLike(args, work, false)],
  ['collections.defaultdict', (args, work) => dictLike(args, work, false)],
  ['collections.Counter', (args, work) => dictLike(args, work, true)],
  ['copyreg._reconstructor', reconstructor],
  ['copyreg.__newobj__', (args) => instance(args[0], args.slice(1))],
  ['copyreg.__newobj_ex__', (args) => instance(args[0], args[1], args[2])],
  ['builtins.getattr', getattr],
  ['django.db.models.base.model_unpickle', modelUnpickle],
]);

/**
 * REDUCE: what calling `callable(*args)` would mean, as data and without calling anything.
 * Standard value types become their JSON-like reading, object-creation helpers an inert
 * instance, and any other callable an inert `{ __reduce__: "module.name", __args__: [...] }`.
 */
export function reduce(callable: unknown, args: unknown, work: WorkBudget): unknown {
  if (!(callable instanceof PyGlobal)) throw pickleError('pickle calls a computed callable');
  if (!Array.isArray(args)) throw pickleError('invalid pickle');
  let reducer = callable.reducer;
  if (reducer === undefined) reducer = callable.reducer = REDUCERS.get(callable.qualified) ?? null;
  if (reducer !== null) {
    const value = reducer(args, work);
    if (value !== undefined) return value;
  }
  const record = newDict();
  record['__reduce__'] = callable.qualified;
  record['__args__'] = args;
  return record;
}

/**
 * BUILD: an object's state becomes its fields (SPEC §2). The state is a dict (`__dict__`), a
 * (dict, slots) pair, or for pydantic v2 a dict whose `__dict__` entry holds the fields; anything
 * else is kept under `__state__`.
 */
export function build(target: unknown, state: unknown, work: WorkBudget): void {
  if (state === null) return;
  if (!isPyDict(target)) {
    // A builtin value (list, set, bytes) with extra attributes: CPython never writes a non-empty
    // state for those, and we have nowhere to put it without changing the value's shape.
    if (isPyDict(state) && !hasKeys(state)) return;
    throw pickleError('invalid pickle');
  }
  if (isPyDict(state)) {
    merge(target, state, work);
    const fields = state['__dict__'];
    if (isPyDict(fields)) merge(target, fields, work);
  } else if (Array.isArray(state) && state.length === 2 && state.every((part) => part === null || isPyDict(part))) {
    for (const part of state) if (part !== null) merge(target, part as PyDict, work);
  } else {
    target['__state__'] = state;
  }
}
