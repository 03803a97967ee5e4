import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { DecodeError } from '../../../src/decode/decode-error.js';
import type { DecodeContext } from '../../../src/decode/formats/format-decoder.js';
import { railsFormat } from '../../../src/decode/formats/rails.js';

const FIXTURES = new URL('../../fixtures/frameworks/rails/', import.meta.url);

/** One value of test/fixtures/frameworks/rails/manifest.json. */
export interface RailsFixture {
  file: string;
  keyTenant: string;
  expect: string[];
  note?: string;
}

export const manifest = JSON.parse(readFileSync(new URL('manifest.json', FIXTURES), 'utf8')) as {
  framework: string;
  pattern: { format: string; marker: string[]; type: string };
  fixtures: RailsFixture[];
};

export function railsFixture(file: string): Uint8Array {
  return readFileSync(new URL(file, FIXTURES));
}

/** The context decodeValue would pass: 1 MiB values, depth 256, as the config defaults. */
export function context(overrides: Partial<Pick<DecodeContext, 'maxBytes' | 'maxDepth'>> = {}): DecodeContext {
  return {
    maxBytes: 1024 * 1024,
    maxDepth: 256,
    sniffed: false,
    decodeEmbedded: () => {
      throw new Error('rails never decodes embedded payloads');
    },
    ...overrides,
  };
}

export function decodeRails(bytes: Uint8Array, overrides: Partial<Pick<DecodeContext, 'maxBytes' | 'maxDepth'>> = {}): unknown {
  return railsFormat.decode(bytes, context(overrides));
}

// Every reason the rails decoder gives, spelled out: fixed words and limits, never payload
// content (no class, symbol or ivar name from the stream can appear in one).
export const RAILS_DETAIL =
  /^(truncated (Marshal|MessagePack) data|truncated Rails 7\.1 entry header|not Marshal 4\.8 data|trailing bytes after the (Marshal|MessagePack) value|negative Marshal length|dangling Marshal (object|symbol) link|unknown Marshal type|unknown Rails 7\.1 (entry type|serializer)|too many Marshal links|invalid Marshal bignum sign|invalid MessagePack (bignum|byte)|invalid Rails 7\.1 version length|missing ActiveSupport MessagePack signature|malformed (ActiveRecord MessagePack record|HashWithIndifferentAccess|MessagePack object extension)|unsupported MessagePack extension type|Marshal (length exceeds the data|nesting deeper than \d+|nesting too deep|bignum too large)|expected a Marshal symbol|MessagePack (length exceeds the data|nesting deeper than \d+|nesting too deep)|ActiveModel attribute sets exceed the work budget|Rails 7\.0 entry is not a packed entry|(truncated|corrupt|empty) zlib stream|decompressed size exceeds \d+ bytes|empty value|not a Rails cache entry)$/;

/** Asserts that decoding `bytes` fails with a DecodeError whose reason matches `reason`. */
export function expectUndecodable(bytes: Uint8Array, reason?: RegExp, overrides: Partial<Pick<DecodeContext, 'maxBytes' | 'maxDepth'>> = {}): DecodeError {
  let caught: unknown;
  try {
    decodeRails(bytes, overrides);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecodeError);
  const error = caught as DecodeError;
  expect(error.message).toMatch(RAILS_DETAIL);
  if (reason) expect(error.message).toMatch(reason);
  return error;
}

const latin1 = (text: string): number[] => [...Buffer.from(text, 'latin1')];

/** Marshal's packed integer (marshal.c w_long). */
export function long(n: number): number[] {
  if (n === 0) return [0];
  if (n > 0 && n < 123) return [n + 5];
  if (n < 0 && n > -124) return [(n - 5) & 0xff];
  const bytes: number[] = [];
  let x = n;
  for (let i = 0; i < 4; i++) {
    bytes.push(x & 0xff);
    x >>= 8;
    if ((n >= 0 && x === 0) || (n < 0 && x === -1)) break;
  }
  return [n >= 0 ? bytes.length : 256 - bytes.length, ...bytes];
}

/** Pieces of a hand-built Marshal stream; `marshal(...)` prepends 04 08. */
export const m = {
  sym: (name: string): number[] => [0x3a, ...long(Buffer.byteLength(name, 'latin1')), ...latin1(name)],
  str: (text: string): number[] => [0x22, ...long(Buffer.byteLength(text, 'latin1')), ...latin1(text)],
  int: (n: number): number[] => [0x69, ...long(n)],
  array: (...items: number[][]): number[] => [0x5b, ...long(items.length), ...items.flat()],
  hash: (...pairs: Array<[number[], number[]]>): number[] => [0x7b, ...long(pairs.length), ...pairs.flat(2)],
  object: (className: string, ...ivars: Array<[string, number[]]>): number[] => [
    0x6f,
    ...m.sym(className),
    ...long(ivars.length),
    ...ivars.flatMap(([name, value]) => [...m.sym(name), ...value]),
  ],
  link: (index: number): number[] => [0x40, ...long(index)],
  nil: [0x30],
};

export function marshal(...body: number[][]): Uint8Array {
  return Uint8Array.from([0x04, 0x08, ...body.flat()]);
}

/** A Rails 7.1 header (type, no expiry, no version) before `payload`. */
export function header71(type: number, payload: Uint8Array | number[]): Uint8Array {
  const head = Buffer.alloc(15);
  head[1] = 0x11;
  head[2] = type;
  head.writeDoubleLE(-1, 3);
  head.writeInt32LE(-1, 11);
  return Uint8Array.from([...head, ...payload]);
}
