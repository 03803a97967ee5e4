import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { options, utf8 } from '../helpers/fixtures.js';

const DTO = { Id: 1041, TenantId: 'acme' };

describe('format: dotnet', () => {
  it('decodes the data field of an IDistributedCache hash, with or without a BOM', () => {
    const json = utf8(JSON.stringify(DTO));
    expect(decodeValue(json, options({ format: 'dotnet' }))).toEqual({ ok: true, value: DTO, format: 'dotnet' });
    expect(decodeValue(Uint8Array.from([0xef, 0xbb, 0xbf, ...json]), options({ format: 'dotnet' }))).toEqual({ ok: true, value: DTO, format: 'dotnet' });
  });

  it('reads a BOM-prefixed JSON value under auto too, as json', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(JSON.stringify(DTO))]);
    expect(decodeValue(bom, options({ format: 'auto' }))).toEqual({ ok: true, value: DTO, format: 'json' });
    expect(decodeValue(Uint8Array.from([0xef, 0xbb, 0xbf, 0x20, ...utf8('[1]')]), options({ format: 'auto' }))).toMatchObject({ ok: true, value: [1] });
    // A BOM alone, or before something that is not JSON, is still no known format.
    expect(decodeValue(Uint8Array.from([0xef, 0xbb, 0xbf]), options({ format: 'auto' }))).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('peels compression an app applied to its bytes', () => {
    expect(decodeValue(gzipSync(JSON.stringify(DTO)), options({ format: 'dotnet' }))).toMatchObject({ ok: true, value: DTO });
  });

  it('reports bytes no format recognises as undecodable', () => {
    expect(decodeValue(Uint8Array.of(0x03, 0x02, 0xff), options({ format: 'dotnet' }))).toMatchObject({ ok: false, reason: 'undecodable' });
  });
});
