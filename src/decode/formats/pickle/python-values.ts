import { pickleError } from './pickle-reader.js';

// Standard-library value types whose pickled form (a REDUCE of the type with plain arguments) has
// an obvious JSON-like reading: what json.dumps(default=str) or DRF would show for them.

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The state bytes of a date/datetime/time: bytes (protocol 3+), or latin1 text (Python 2, protocol 0–2 str). */
function stateBytes(value: unknown, length: number): ArrayLike<number> | undefined {
  if (value instanceof Uint8Array) return value.length === length ? value : undefined;
  if (typeof value === 'string' && value.length === length) {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0xff) return undefined;
      out[i] = code;
    }
    return out;
  }
  return undefined;
}

const at = (b: ArrayLike<number>, i: number): number => b[i] as number;

function clock(b: ArrayLike<number>, from: number): string {
  // The hour byte of a time carries `fold` in its top bit (datetime.py, __reduce_ex__).
  const time = `${pad(at(b, from) & 0x7f)}:${pad(at(b, from + 1))}:${pad(at(b, from + 2))}`;
  const micros = (at(b, from + 3) << 16) | (at(b, from + 4) << 8) | at(b, from + 5);
  return micros === 0 ? time : `${time}.${pad(micros, 6)}`;
}

/** tzinfo as an ISO offset suffix: a datetime.timezone decodes to one; other zones are dropped. */
const offsetOf = (tz: unknown): string => (typeof tz === 'string' && /^[+-]\d\d:\d\d/.test(tz) ? tz : '');

function date(args: unknown[]): string | undefined {
  const b = stateBytes(args[0], 4);
  if (b === undefined) return undefined;
  return `${pad(at(b, 0) * 256 + at(b, 1), 4)}-${pad(at(b, 2) & 0x7f)}-${pad(at(b, 3))}`;
}

/** datetime.datetime → Python's isoformat(). */
function datetime(args: unknown[]): string | undefined {
  const b = stateBytes(args[0], 10);
  if (b === undefined) return undefined;
  // The month byte carries `fold` in its top bit.
  const day = `${pad(at(b, 0) * 256 + at(b, 1), 4)}-${pad(at(b, 2) & 0x7f)}-${pad(at(b, 3))}`;
  return `${day}T${clock(b, 4)}${offsetOf(args[1])}`;
}

function time(args: unknown[]): string | undefined {
  const b = stateBytes(args[0], 6);
  return b === undefined ? undefined : `${clock(b, 0)}${offsetOf(args[1])}`;
}

const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** datetime.timedelta(days, seconds, microseconds) → total seconds, as total_seconds() gives. */
function timedelta(args: unknown[]): number | undefined {
  const [days, seconds, micros] = args.map(asNumber);
  if (days === undefined || seconds === undefined || micros === undefined) return undefined;
  return days * 86_400 + seconds + micros / 1e6;
}

/** datetime.timezone(offset[, name]) → "+HH:MM" (the offset arrives as timedelta seconds). */
function timezone(args: unknown[]): string | undefined {
  const offset = args[0];
  if (typeof offset !== 'number' || !Number.isFinite(offset) || Math.abs(offset) >= 86_400) return undefined;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.round(Math.abs(offset));
  const text = `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}`;
  return abs % 60 === 0 ? text : `${text}:${pad(abs % 60)}`;
}

/** decimal.Decimal('1.50') → "1.50": exact, as a string (a double would round it). */
const decimal = (args: unknown[]): string | undefined => (typeof args[0] === 'string' && args.length === 1 ? args[0] : undefined);

/** Protocol 2 bytes: _codecs.encode(text, 'latin1'). */
function codecsEncode(args: unknown[]): Uint8Array | undefined {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) return undefined;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw pickleError('invalid pickle bytes');
    out[i] = code;
  }
  return out;
}

/** bytes() / bytearray(): empty, from bytes, or (protocol 2) from latin1 text. */
function byteString(args: unknown[]): Uint8Array | undefined {
  if (args.length === 0) return new Uint8Array(0);
  if (args[0] instanceof Uint8Array && args.length === 1) return args[0];
  return codecsEncode(args);
}

/** set/frozenset(list), deque(list): the list itself, shared rather than copied. */
const sequence = (args: unknown[]): unknown[] | undefined => (args.length === 0 ? [] : Array.isArray(args[0]) ? args[0] : undefined);

/** Reducers whose value needs no BUILD; undefined means "arguments not as CPython writes them". */
export const VALUE_REDUCERS: readonly [string, (args: unknown[]) => unknown][] = [
  ['datetime.datetime', datetime],
  ['datetime.date', date],
  ['datetime.time', time],
  ['datetime.timedelta', timedelta],
  ['datetime.timezone', timezone],
  ['decimal.Decimal', decimal],
  ['_pydecimal.Decimal', decimal],
  ['_codecs.encode', codecsEncode],
  ['builtins.bytes', byteString],
  ['builtins.bytearray', byteString],
  ['builtins.set', sequence],
  ['builtins.frozenset', sequence],
  ['collections.deque', sequence],
];

const UUID_LIMIT = 1n << 128n;

/** uuid.UUID's state {'int': N} → the canonical text form, or undefined. */
export function uuidText(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  const int = (state as Record<string, unknown>)['int'];
  // Compared before any conversion: a memo-shared 4 KiB int must not cost 4 KiB per use.
  if ((typeof int !== 'number' && typeof int !== 'bigint') || int < 0 || int >= UUID_LIMIT) return undefined;
  const big = BigInt(int);
  const hex = big.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
