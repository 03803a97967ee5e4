import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../src/decode/decode-value.js';
import { FORMATS, findFormat } from '../../src/decode/formats/index.js';
import { SAMPLE, SAMPLE_JSON, options, utf8 } from './helpers/fixtures.js';

describe('decodeValue', () => {
  it('decodes base64, then compression, then format, and names the format that matched', () => {
    const stored = utf8(gzipSync(SAMPLE_JSON).toString('base64'));
    expect(decodeValue(stored, options({ base64: true }))).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it('reports an empty value as undecodable under auto', () => {
    expect(decodeValue(new Uint8Array(0), options())).toEqual({ ok: false, reason: 'undecodable', format: 'auto', detail: 'empty value' });
  });

  it('reports garbage bytes as undecodable under auto', () => {
    const garbage = Uint8Array.from([0xc1, 0x00, 0xff, 0x13, 0x37]);
    expect(decodeValue(garbage, options())).toEqual({ ok: false, reason: 'undecodable', format: 'auto', detail: 'no known format' });
  });

  it('reports a format it does not know as undecodable', () => {
    expect(decodeValue(utf8(SAMPLE_JSON), options({ format: 'protobuf' }))).toEqual({
      ok: false,
      reason: 'undecodable',
      format: 'protobuf',
      detail: 'format "protobuf" is not supported',
    });
  });

  it('never puts payload content in the detail', () => {
    const secret = 'tenant-7f3a-SECRET';
    const payloads = [
      utf8(`{"tenant_id":"${secret}", broken`),
      utf8(`{"value":":base64:${secret}","expires":null}`),
      gzipSync(`{"tenant_id":"${secret}"}`).subarray(0, 30),
      Uint8Array.from([0x81, 0xa4, ...utf8('name'), 0xd9, secret.length, ...utf8(secret), 0xc1]),
    ];
    for (const bytes of payloads) {
      for (const format of ['auto', 'json', 'msgpack', 'keyv', 'text']) {
        const result = decodeValue(bytes, options({ format }));
        if (!result.ok) expect(result.detail).not.toContain('SECRET');
      }
    }
  });

  it('refuses invalid limits as a programming error', () => {
    expect(() => decodeValue(utf8('1'), options({ maxBytes: 0 }))).toThrow(RangeError);
    expect(() => decodeValue(utf8('1'), options({ maxBytes: 1.5 }))).toThrow(RangeError);
    expect(() => decodeValue(utf8('1'), options({ maxDepth: 0 }))).toThrow(RangeError);
  });
});

describe('the format list', () => {
  it('tries Keyv before JSON, and lists every format by a unique name', () => {
    const names = FORMATS.map((format) => format.name);
    expect(names.indexOf('keyv')).toBeLessThan(names.indexOf('json'));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['json', 'msgpack', 'keyv', 'text']));
    expect(findFormat('msgpack')?.name).toBe('msgpack');
    expect(findFormat('nope')).toBeUndefined();
  });
});
