import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { options, utf8 } from '../helpers/fixtures.js';

describe('format: text', () => {
  it('decodes UTF-8 text when the pattern names text', () => {
    expect(decodeValue(utf8('hello, Zoë'), options({ format: 'text' }))).toEqual({ ok: true, value: 'hello, Zoë', format: 'text' });
    expect(decodeValue(new Uint8Array(0), options({ format: 'text' }))).toEqual({ ok: true, value: '', format: 'text' });
  });

  it('keeps JSON-looking text as a string', () => {
    expect(decodeValue(utf8('{"a":1}'), options({ format: 'text' }))).toEqual({ ok: true, value: '{"a":1}', format: 'text' });
  });

  it('reports invalid UTF-8 as undecodable', () => {
    expect(decodeValue(Uint8Array.from([0x68, 0x69, 0xff]), options({ format: 'text' }))).toEqual({
      ok: false,
      reason: 'undecodable',
      format: 'text',
      detail: 'invalid UTF-8',
    });
  });

  it('is never chosen by auto', () => {
    expect(decodeValue(utf8('hello, world'), options())).toEqual({ ok: false, reason: 'undecodable', format: 'auto', detail: 'no known format' });
  });

  it('decompresses before decoding text', () => {
    expect(decodeValue(gzipSync('plain words'), options({ format: 'text' }))).toMatchObject({ ok: true, value: 'plain words' });
  });
});
