import type { ObjectReader } from './class-desc.js';
import { javaError } from './errors.js';

/**
 * java.time values travel as java.time.Ser, an Externalizable proxy: one type byte, then the
 * value's writeExternal bytes. They decode to the strings their toString() gives (ISO-8601), so
 * they read as Jackson's JavaTimeModule would write them with WRITE_DATES_AS_TIMESTAMPS off.
 */
const DURATION = 1;
const INSTANT = 2;
const LOCAL_DATE = 3;
const LOCAL_TIME = 4;
const LOCAL_DATE_TIME = 5;
const ZONED_DATE_TIME = 6;
const ZONE_REGION = 7;
const ZONE_OFFSET = 8;
const OFFSET_TIME = 9;
const OFFSET_DATE_TIME = 10;
const YEAR = 11;
const YEAR_MONTH = 12;
const MONTH_DAY = 13;
const PERIOD = 14;

const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');

function yearText(year: number): string {
  if (Math.abs(year) < 10000) return (year < 0 ? '-' : '') + pad(year, 4);
  return (year > 0 ? '+' : '') + String(year);
}

/** Fraction digits as Java prints them: none, or groups of 3 as needed. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${pad(nanos / 1_000_000, 3)}`;
  if (nanos % 1000 === 0) return `.${pad(nanos / 1000, 6)}`;
  return `.${pad(nanos, 9)}`;
}

interface Time {
  hour: number;
  minute: number;
  second: number;
  nano: number;
}

function timeText(t: Time, alwaysSeconds = false): string {
  let text = `${pad(t.hour)}:${pad(t.minute)}`;
  if (alwaysSeconds || t.second > 0 || t.nano > 0) text += `:${pad(t.second)}${fraction(t.nano)}`;
  return text;
}

function dateText(year: number, month: number, day: number): string {
  return `${yearText(year)}-${pad(month)}-${pad(day)}`;
}

/** Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function safeLong(r: ObjectReader): number {
  const value = r.blockLong();
  if (typeof value !== 'number') throw javaError('java.time value out of range');
  return value;
}

function readDate(r: ObjectReader): string {
  const year = r.blockInt();
  const month = r.blockByte();
  return dateText(year, month, r.blockByte());
}

// LocalTime.writeExternal drops trailing zero parts and marks the last one written with `~`.
function readTime(r: ObjectReader): Time {
  const time: Time = { hour: r.blockByte(), minute: 0, second: 0, nano: 0 };
  if (time.hour < 0) {
    time.hour = ~time.hour;
    return time;
  }
  time.minute = r.blockByte();
  if (time.minute < 0) {
    time.minute = ~time.minute;
    return time;
  }
  time.second = r.blockByte();
  if (time.second < 0) time.second = ~time.second;
  else time.nano = r.blockInt();
  return time;
}

function readOffset(r: ObjectReader): string {
  const quarters = r.blockByte();
  const total = quarters === 127 ? r.blockInt() : quarters * 900;
  if (total === 0) return 'Z';
  const abs = Math.abs(total);
  const seconds = abs % 60;
  return `${total < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${seconds ? `:${pad(seconds)}` : ''}`;
}

function readZone(r: ObjectReader): string {
  const type = r.blockByte();
  if (type === ZONE_REGION) return r.blockUtf();
  if (type === ZONE_OFFSET) return readOffset(r);
  throw javaError('malformed java.time zone');
}

function instantText(seconds: number, nanos: number): string {
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const time = { hour: Math.floor(secondOfDay / 3600), minute: Math.floor(secondOfDay / 60) % 60, second: secondOfDay % 60, nano: nanos };
  return `${dateText(year, month, day)}T${timeText(time, true)}Z`;
}

function periodText(years: number, months: number, days: number): string {
  if (years === 0 && months === 0 && days === 0) return 'P0D';
  return `P${years ? `${years}Y` : ''}${months ? `${months}M` : ''}${days ? `${days}D` : ''}`;
}

/** One java.time.Ser value: ISO-8601 text, or a number (Duration in seconds, Year). */
export function readJavaTime(r: ObjectReader): unknown {
  const type = r.blockByte();
  switch (type) {
    case DURATION: {
      const seconds = safeLong(r);
      return seconds + r.blockInt() / 1e9;
    }
    case INSTANT: {
      const seconds = safeLong(r);
      return instantText(seconds, r.blockInt());
    }
    case LOCAL_DATE:
      return readDate(r);
    case LOCAL_TIME:
      return timeText(readTime(r));
    case LOCAL_DATE_TIME: {
      const date = readDate(r);
      return `${date}T${timeText(readTime(r))}`;
    }
    case ZONED_DATE_TIME: {
      const date = readDate(r);
      const time = timeText(readTime(r));
      const offset = readOffset(r);
      const zone = readZone(r);
      return `${date}T${time}${offset}${zone === offset ? '' : `[${zone}]`}`;
    }
    case ZONE_REGION:
      return r.blockUtf();
    case ZONE_OFFSET:
      return readOffset(r);
    case OFFSET_TIME: {
      const time = timeText(readTime(r));
      return time + readOffset(r);
    }
    case OFFSET_DATE_TIME: {
      const date = readDate(r);
      const time = timeText(readTime(r));
      return `${date}T${time}${readOffset(r)}`;
    }
    case YEAR:
      return r.blockInt();
    case YEAR_MONTH: {
      const year = r.blockInt();
      return `${yearText(year)}-${pad(r.blockByte())}`;
    }
    case MONTH_DAY: {
      const month = r.blockByte();
      return `--${pad(month)}-${pad(r.blockByte())}`;
    }
    case PERIOD: {
      const years = r.blockInt();
      const months = r.blockInt();
      return periodText(years, months, r.blockInt());
    }
    default:
      throw javaError('unsupported java.time type');
  }
}
