import { rubyText } from './ruby-text.js';

function u32le(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24)) >>> 0;
}

/**
 * Time#_dump (Ruby's time.c, time_mdump): two little-endian words holding the UTC calendar
 * fields, read here as an ISO-8601 string. Sub-microsecond digits and the zone live in ivars
 * and are left out; a pre-1.9 dump (high bit clear) holds seconds and microseconds.
 */
function timeFromDump(bytes: Uint8Array, start: number): string | undefined {
  const p = u32le(bytes, start);
  const s = u32le(bytes, start + 4);
  let millis: number;
  if (p >= 0x80000000) {
    const year = 1900 + ((p >>> 14) & 0xffff);
    const month = (p >>> 10) & 0xf;
    const day = (p >>> 5) & 0x1f;
    const hour = p & 0x1f;
    millis = Date.UTC(year, month, day, hour, (s >>> 26) & 0x3f, (s >>> 20) & 0x3f) + Math.floor((s & 0xfffff) / 1000);
  } else {
    millis = p * 1000 + Math.floor(s / 1000);
  }
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * What a `u` object (class with _dump/_load) stands for: its dumped string, read as data.
 * Time becomes an ISO string and BigDecimal ("18:0.1e1") its number text; `_load` is never
 * called, so an unknown class's string is just text.
 */
export function userDefinedValue(className: string, bytes: Uint8Array, start: number, end: number): string {
  if (className === 'Time' && end - start === 8) {
    const iso = timeFromDump(bytes, start);
    if (iso !== undefined) return iso;
  }
  const text = rubyText(bytes, start, end);
  if (className === 'BigDecimal') {
    const colon = text.indexOf(':');
    if (colon !== -1) return text.slice(colon + 1);
  }
  return text;
}
