import type { DecodeContext } from '../../../src/decode/formats/format-decoder.js';
import { formatContext } from '../helpers/fixtures.js';
import { pickleFormat } from '../../../src/decode/formats/pickle.js';
import { DecodeError } from '../../../src/decode/decode-error.js';

/** A context as the pipeline builds one for a pattern naming `format: pickle`. */
export function pickleContext(overrides: Partial<DecodeContext> = {}): DecodeContext {
  return formatContext(overrides);
}

export const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

export function decodePickle(bytes: Uint8Array, overrides: Partial<DecodeContext> = {}): unknown {
  return pickleFormat.decode(bytes, pickleContext(overrides));
}

/** The DecodeError decode() throws (fails the test if it returns or throws anything else). */
export function decodeFailure(bytes: Uint8Array, overrides: Partial<DecodeContext> = {}): DecodeError {
  try {
    decodePickle(bytes, overrides);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected the value to be undecodable');
}

// Hand-assembled pickles for the cases no real library writes (hostile and broken ones).
const text = (s: string): number[] => [...Buffer.from(s, 'utf8')];
/** SHORT_BINUNICODE. */
export const str = (s: string): number[] => [0x8c, Buffer.byteLength(s), ...text(s)];
/** GLOBAL module\nname\n. */
export const global = (module: string, name: string): number[] => [0x63, ...text(`${module}\n${name}\n`)];
/** PROTO 4 … STOP around opcodes. */
export function pickle(...body: (number | number[])[]): Uint8Array {
  const parts = body.map((part) => (typeof part === 'number' ? [part] : part));
  const out = new Uint8Array(3 + parts.reduce((sum, part) => sum + part.length, 0));
  out.set([0x80, 0x04]);
  let at = 2;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  out[at] = 0x2e;
  return out;
}

export const OPS = {
  MARK: 0x28,
  NONE: 0x4e,
  REDUCE: 0x52,
  BUILD: 0x62,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  EMPTY_TUPLE: 0x29,
  APPEND: 0x61,
  SETITEM: 0x73,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  NEWOBJ: 0x81,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  LONG_BINPUT: 0x72,
  POP: 0x30,
  DUP: 0x32,
  BININT1: 0x4b,
} as const;
