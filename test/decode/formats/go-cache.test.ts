import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { SAMPLE, options } from '../helpers/fixtures.js';

const withMarker = (body: Uint8Array, marker: number) => Uint8Array.from([...body, marker]);

describe('format: go-cache', () => {
  it('decodes go-redis/cache msgpack with its trailing 0x00 marker, named or under auto', () => {
    const stored = withMarker(encode({ ID: 7, TenantID: 'acme' }), 0x00);
    expect(decodeValue(stored, options({ format: 'go-cache' }))).toEqual({ ok: true, value: { ID: 7, TenantID: 'acme' }, format: 'go-cache' });
    expect(decodeValue(stored, options())).toEqual({ ok: true, value: { ID: 7, TenantID: 'acme' }, format: 'go-cache' });
  });

  it('reports an S2-compressed value as undecodable with the reason, never clean', () => {
    const result = decodeValue(withMarker(encode(SAMPLE), 0x01), options({ format: 'go-cache' }));
    expect(result).toMatchObject({ ok: false, reason: 'undecodable' });
    expect(result.ok === false && result.detail).toMatch(/S2/);
  });

  it('refuses bytes without the marker byte when go-cache is named', () => {
    expect(decodeValue(encode(SAMPLE), options({ format: 'go-cache' }))).toMatchObject({ ok: false, reason: 'undecodable' });
  });
});
