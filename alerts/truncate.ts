/**
 * Provider limits are in characters (Slack, PagerDuty summary) or bytes (PagerDuty's 512 KB
 * event): cut strings on code points, never inside a surrogate pair, and say that they were cut.
 */

const ELLIPSIS = '…';

/** `s` cut to at most `max` characters (UTF-16 units, as providers count), ending in … when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  // Do not split a surrogate pair.
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return s.slice(0, Math.max(end, 0)) + ELLIPSIS;
}

/** Bytes of `value` as JSON (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 9000 → "2h 30m"; 45_000 → "45s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
