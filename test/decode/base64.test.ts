import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/decode/base64.js';
import { DecodeError } from '../../src/decode/decode-error.js';
import { decodeValue } from '../../src/decode/decode-value.js';
import { SAMPLE, SAMPLE_JSON, options, utf8 } from './helpers/fixtures.js';
import { gzipSync } from 'node:zlib';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('decodeBase64', () => {
  it('decodes standard and URL-safe base64, padded or not, with line breaks', () => {
    expect(text(decodeBase64('aGk/Pz4+'))).toBe('hi??>>');
    expect(text(decodeBase64('aGk_Pz4-'))).toBe('hi??>>');
    expect(text(decodeBase64('aGk='))).toBe('hi');
    expect(text(decodeBase64('aGk'))).toBe('hi');
    expect(text(decodeBase64(utf8('aGVs\r\nbG8=\n')))).toBe('hello');
    expect(decodeBase64('')).toHaveLength(0);
  });

  it('refuses characters outside the alphabet, misplaced padding and impossible lengths', () => {
    for (const bad of ['aGk!', 'a=Gk', 'aGk===', 'aGVsb', '{"json": true}', 'aGk=aGk=']) {
      expect(() => decodeBase64(bad), bad).toThrow(DecodeError);
    }
  });
});

describe('the base64 option', () => {
  it('unwraps base64 before decompressing and decoding', () => {
    const stored = utf8(gzipSync(SAMPLE_JSON).toString('base64'));
    expect(decodeValue(stored, options({ base64: true }))).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it('reports invalid base64 as undecodable', () => {
    expect(decodeValue(utf8(SAMPLE_JSON), options({ base64: true }))).toEqual({
      ok: false,
      reason: 'undecodable',
      format: 'auto',
      detail: 'invalid base64',
    });
  });
});
