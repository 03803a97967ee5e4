import { isRubyMap, newMap, setKey, type RubyMap } from './active-model.js';
import { MAX_BIGNUM_BYTES, railsError, type WorkBudget } from './limits.js';
import { rubyText } from './ruby-text.js';
import { userDefinedValue } from './ruby-user-types.js';

/** What an extension decoder needs from the reader it sits in. */
export interface ExtensionReader {
  readonly bytes: Uint8Array;
  readonly budget: WorkBudget;
  /** The MessagePack values packed one after another in bytes[start, end) (a recursive type). */
  values(start: number, end: number, depth: number): unknown[];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Ruby's Date#jd of 1970-01-01. */
const UNIX_EPOCH_JD = 2440588;
const DAY_MS = 86_400_000;

function pad(n: unknown): string {
  return typeof n === 'number' ? String(Math.trunc(n)).padStart(2, '0') : '00';
}

/** A chronological Julian day as YYYY-MM-DD, or the number when it is out of Date's range. */
function dateOfJd(jd: unknown): string | unknown {
  if (typeof jd !== 'number') return jd;
  const date = new Date((jd - UNIX_EPOCH_JD) * DAY_MS);
  return Number.isNaN(date.getTime()) ? jd : date.toISOString().slice(0, 10);
}

/** Seconds and nanoseconds since the epoch as an ISO-8601 UTC string (or the seconds). */
function isoOfTime(seconds: unknown, nanos: unknown): unknown {
  if (typeof seconds !== 'number') return seconds;
  const date = new Date(seconds * 1000 + (typeof nanos === 'number' ? Math.floor(nanos / 1e6) : 0));
  return Number.isNaN(date.getTime()) ? seconds : date.toISOString();
}

/** MessagePack::Bigint: a sign byte, then 32-bit big-endian chunks, least significant first. */
function bigint(bytes: Uint8Array, start: number, end: number): number | bigint {
  const length = end - start - 1;
  if (length < 0 || length % 4 !== 0 || length > MAX_BIGNUM_BYTES) throw railsError('invalid MessagePack bignum');
  let hex = '0x0';
  for (let chunk = end - 4; chunk > start; chunk -= 4) {
    for (let i = chunk; i < chunk + 4; i++) hex += (bytes[i] as number).toString(16).padStart(2, '0');
  }
  const magnitude = BigInt(hex);
  const value = bytes[start] === 0 ? magnitude : -magnitude;
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
}

/** Takes a Rational as written by write_rational: numerator, then a denominator unless zero. */
function takeRational(values: unknown[], at: number): [number, number] {
  const numerator = values[at];
  if (numerator === 0) return [0, at + 1];
  const denominator = values[at + 1];
  const ratio = typeof numerator === 'number' && typeof denominator === 'number' ? numerator / denominator : NaN;
  return [ratio, at + 2];
}

/** DateTime: jd, hour, min, sec, sec_fraction, offset (a fraction of a day), as local ISO text. */
function dateTime(values: unknown[]): unknown {
  const [, next] = takeRational(values, 4);
  const [offset] = takeRational(values, next);
  const minutes = Number.isFinite(offset) ? Math.round(offset * 1440) : 0;
  const zone = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  return `${String(dateOfJd(values[0]))}T${pad(values[1])}:${pad(values[2])}:${pad(values[3])}${zone}`;
}

/**
 * ActiveRecord::MessagePack's record graph, `[1, top, entries]`, each entry
 * `[class, attributes_for_database, new_record?, association, ref(s), …]`, rebuilt with the
 * instance-variable names a Marshal'd record has, so `$['@attributes'].tenant_id` reads both.
 */
function activeRecord(payload: unknown, budget: WorkBudget): unknown {
  if (!Array.isArray(payload) || payload[0] !== 1 || !Array.isArray(payload[2])) throw railsError('malformed ActiveRecord MessagePack record');
  const entries = payload[2] as unknown[];
  budget.spend(entries.length);
  const records: RubyMap[] = entries.map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw railsError('malformed ActiveRecord MessagePack record');
    const record = newMap();
    record['@attributes'] = entry[1];
    record['@new_record'] = entry[2];
    return record;
  });
  const resolve = (ref: unknown): unknown => {
    if (Array.isArray(ref)) {
      budget.spend(ref.length);
      return ref.map((one) => (Number.isInteger(one) ? (records[one as number] ?? null) : null));
    }
    return Number.isInteger(ref) ? (records[ref as number] ?? null) : null;
  };
  entries.forEach((entry, index) => {
    const fields = entry as unknown[];
    if (fields.length <= 3) return;
    budget.spend(fields.length);
    const cache = newMap();
    for (let i = 3; i + 1 < fields.length; i += 2) setKey(cache, String(fields[i]), resolve(fields[i + 1]));
    (records[index] as RubyMap)['@association_cache'] = cache;
  });
  return resolve(payload[1]);
}

/**
 * One extension value, by ActiveSupport::MessagePack::Extensions' type ids (Rails 7.1), plus
 * ActiveRecord's 119/120 and the 127 fallback of the cache serializer. Every type becomes
 * plain data (times as ISO text, sets and ranges as arrays); no class is looked up.
 */
export function railsExtension(reader: ExtensionReader, type: number, start: number, end: number, depth: number): unknown {
  const bytes = reader.bytes;
  const inner = (): unknown[] => reader.values(start, end, depth + 1);
  switch (type) {
    case 0: // Symbol
    case 9: // ActiveSupport::TimeZone (its name)
    case 13: // URI::Generic
    case 15: // Pathname
    case 16: // Regexp (#to_s)
    case 119: // ActiveModel::Type::Binary::Data
      return rubyText(bytes, start, end);
    case 1:
      return bigint(bytes, start, end);
    case 2: // BigDecimal#_dump
      return userDefinedValue('BigDecimal', bytes, start, end);
    case 3:
      return takeRational(inner(), 0)[0];
    case 4: // Complex: [real, imaginary]
      return inner().slice(0, 2);
    case 5:
      return dateTime(inner());
    case 6:
      return dateOfJd(inner()[0]);
    case 7: // Time: tv_sec, tv_nsec, utc_offset
    case 8: {
      // TimeWithZone: the UTC time, then the zone name
      const values = inner();
      return isoOfTime(values[0], values[1]);
    }
    case 10: // Duration: value, parts
      return inner()[0];
    case 11: // Range: begin, end, exclude_end?
      return inner().slice(0, 2);
    case 12: // Set: an array
    case 14: // IPAddr: its text
    case 17: {
      // HashWithIndifferentAccess: a hash
      const value = inner()[0];
      if (type === 17 && !isRubyMap(value)) throw railsError('malformed HashWithIndifferentAccess');
      return value;
    }
    case 120: // ActiveRecord::Base
      return activeRecord(inner()[0], reader.budget);
    case 127: {
      // Unregistered class: [0, class, to_msgpack_ext data] or [1, class, as_json]
      const values = inner();
      if (values.length < 3 || typeof values[1] !== 'string') throw railsError('malformed MessagePack object extension');
      return values[2];
    }
    default:
      throw railsError('unsupported MessagePack extension type');
  }
}
