import { bytesText, narrowBigInt, pickleError } from './pickle-reader.js';

// Protocol 0 writes numbers, strings and memo indexes as text lines. These parse exactly what
// CPython's pickle writes (and a little more, as its loader accepts), never via eval.

const DECIMAL = /^[+-]?[0-9]+$/;
const FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;
// CPython's default int-to-str limit; longer digit strings are not something a cache holds.
const MAX_DIGITS = 4300;

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > MAX_DIGITS + 2) throw pickleError('pickle integer too long');
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

/** A decimal integer as Python's int() reads it: a number when exact, else a bigint. */
export function parseDecimal(text: string): number | bigint {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) throw pickleError('invalid pickle number');
  if (trimmed.length > MAX_DIGITS + 1) throw pickleError('pickle integer too long');
  const value = Number(trimmed);
  // `+ 0` turns "-0" into 0, as Python's int() does.
  return Number.isSafeInteger(value) ? value + 0 : narrowBigInt(BigInt(trimmed));
}

/** INT: `I01`/`I00` are Python 2's True/False, anything else a decimal. */
export function parseIntLine(bytes: Uint8Array, start: number, end: number): number | bigint | boolean {
  const text = ascii(bytes, start, end);
  if (text === '01') return true;
  if (text === '00') return false;
  return parseDecimal(text);
}

/** LONG: a decimal with an optional trailing `L`. */
export function parseLongLine(bytes: Uint8Array, start: number, end: number): number | bigint {
  const text = ascii(bytes, start, end);
  return parseDecimal(text.endsWith('L') ? text.slice(0, -1) : text);
}

/** FLOAT: Python's float repr, including inf and nan. */
export function parseFloatLine(bytes: Uint8Array, start: number, end: number): number {
  const text = ascii(bytes, start, end).trim();
  if (FLOAT.test(text)) return Number(text);
  const special = SPECIAL_FLOAT.exec(text);
  if (special === null) throw pickleError('invalid pickle number');
  if ((special[2] as string).toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

/** A memo index of GET/PUT. */
export function parseIndexLine(bytes: Uint8Array, start: number, end: number): number {
  const value = parseDecimal(ascii(bytes, start, end));
  if (typeof value !== 'number' || value < 0) throw pickleError('invalid pickle memo index');
  return value;
}

const SIMPLE_ESCAPES: Record<number, number> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x61: 0x07, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b };

const hexValue = (b: number | undefined): number => {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
};

/** STRING: a quoted Python 2 str repr, unescaped as codecs.escape_decode does. */
export function parseStringLine(bytes: Uint8Array, start: number, end: number): string {
  const quote = bytes[start];
  if (end - start < 2 || (quote !== 0x27 && quote !== 0x22) || bytes[end - 1] !== quote) throw pickleError('invalid pickle string');
  const out = new Uint8Array(end - start - 2);
  let n = 0;
  for (let i = start + 1; i < end - 1; i++) {
    const b = bytes[i] as number;
    if (b !== 0x5c) {
      out[n++] = b;
      continue;
    }
    const e = bytes[++i];
    if (e === undefined || i >= end - 1) throw pickleError('invalid pickle string');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out[n++] = simple;
    } else if (e === 0x78) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi < 0 || lo < 0 || i + 2 >= end - 1) throw pickleError('invalid pickle string');
      out[n++] = hi * 16 + lo;
      i += 2;
    } else if (e >= 0x30 && e <= 0x37) {
      let value = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < end - 1 && (bytes[i + 1] as number) >= 0x30 && (bytes[i + 1] as number) <= 0x37; k++) value = value * 8 + ((bytes[++i] as number) - 0x30);
      out[n++] = value & 0xff;
    } else if (e !== 0x0a) {
      // An unknown escape stays as written, backslash included (Python 2 behaviour).
      out[n++] = 0x5c;
      out[n++] = e;
    }
  }
  return bytesText(out, 0, n);
}

/** UNICODE: raw-unicode-escape, i.e. latin1 bytes with \uXXXX and \UXXXXXXXX escapes. */
export function parseUnicodeLine(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    const kind = b === 0x5c ? bytes[i + 1] : undefined;
    const digits = kind === 0x75 ? 4 : kind === 0x55 ? 8 : 0;
    if (digits === 0 || i + 1 + digits >= end) {
      text += String.fromCharCode(b);
      continue;
    }
    let code = 0;
    for (let k = 0; k < digits; k++) {
      const h = hexValue(bytes[i + 2 + k]);
      if (h < 0) throw pickleError('invalid pickle string');
      code = code * 16 + h;
    }
    if (code > 0x10ffff) throw pickleError('invalid pickle string');
    text += String.fromCodePoint(code);
    i += 1 + digits;
  }
  return text;
}
