import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { SAMPLE, options } from '../helpers/fixtures.js';
import { readFileSync } from 'node:fs';

const withMarker = (body: Uint8Array, marker: number) => Uint8Array.from([...body, marker]);

describe('format: go-cache', () => {
  it('decodes go-redis/cache msgpack with its trailing 0x00 marker, named or under auto', () => {
    const stored = withMarker(encode({ ID: 7, TenantID: 'acme' }), 0x00);
    expect(decodeValue(stored, options({ format: 'go-cache' }))).toEqual({ ok: true, value: { ID: 7, TenantID: 'acme' }, format: 'go-cache' });
    expect(decodeValue(stored, options())).toEqual({ ok: true, value: { ID: 7, TenantID: 'acme' }, format: 'go-cache' });
  });

  it('decodes an S2-compressed value that the real s2.Encode wrote, named or under auto', () => {
    const stored = readFileSync(new URL('../../fixtures/frameworks/go-cache/s2-globex.bin', import.meta.url));
    expect(stored[stored.length - 1]).toBe(0x01);
    for (const format of ['go-cache', 'auto']) {
      expect(decodeValue(stored, options({ format }))).toMatchObject({ ok: true, format: 'go-cache', value: { ID: 1041, TenantID: 'globex', Name: 'Roadmap 2025' } });
    }
  });

  it('reports a broken S2 body as undecodable, and one stating more than maxBytes as oversized', () => {
    const broken = withMarker(Uint8Array.from([0x10, 0x00, 0x41]), 0x01); // 16 bytes stated, 1 given
    expect(decodeValue(broken, options({ format: 'go-cache' }))).toEqual({ ok: false, reason: 'undecodable', format: 'go-cache', detail: 'corrupt S2 block' });
    const bomb = withMarker(Uint8Array.from([0x80, 0x80, 0x80, 0x40, 0x00, 0x00]), 0x01); // 128 MiB stated
    expect(decodeValue(bomb, options())).toMatchObject({ ok: false, reason: 'oversized', format: 'go-cache' });
  });

  it('reports, under auto, bytes that merely end in 0x01 as undecodable, never clean', () => {
    const stray = Uint8Array.from([...Buffer.from('tenant acme'), 0x01]);
    expect(decodeValue(stray, options())).toMatchObject({ ok: false, reason: 'undecodable', detail: 'corrupt S2 block' });
  });

  it('refuses bytes without the marker byte when go-cache is named', () => {
    expect(decodeValue(encode(SAMPLE), options({ format: 'go-cache' }))).toMatchObject({ ok: false, reason: 'undecodable' });
  });
});
