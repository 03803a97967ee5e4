import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { keyvFormat } from '../../../src/decode/formats/keyv.js';
import { SAMPLE, SAMPLE_JSON, options, utf8 } from '../helpers/fixtures.js';

// Strings captured from a Map store under the real libraries (keyv 4.5.4, keyv 5.6.0,
// @keyv/compress-gzip 1.2.3 and 2.0.3), for SAMPLE unless noted.
const KEYV4 = '{"value":{"id":1041,"tenant_id":"t-a","name":"x"},"expires":null}';
const KEYV5_TTL = '{"value":{"id":1041,"tenant_id":"t-a","name":"x"},"expires":1795839524754}';
const KEYV5_NO_TTL = '{"value":{"id":1041,"tenant_id":"t-a","name":"x"}}';
const KEYV_BUFFER = '{"value":":base64:eyJpZCI6MTA0MSwidGVuYW50X2lkIjoidC1hIiwibmFtZSI6IngifQ==","expires":null}';
const KEYV_COLON = '{"value":"::colon text","expires":null}';
const KEYV_NESTED_COLON = '{"value":{"note":"::x","list":["::y","z"]},"expires":null}';
// kv.set(key, JSON.stringify(SAMPLE)) with the gzip plugin: pako's Uint8Array, serialized by index.
const KEYV_GZIP_PLUGIN =
  '{"value":{"0":120,"1":156,"2":171,"3":86,"4":202,"5":76,"6":81,"7":178,"8":50,"9":52,"10":48,"11":49,"12":212,"13":81,"14":42,"15":73,"16":205,"17":75,"18":204,"19":43,"20":137,"21":7,"22":9,"23":40,"24":149,"25":232,"26":38,"27":42,"28":233,"29":40,"30":229,"31":37,"32":230,"33":166,"34":2,"35":57,"36":21,"37":74,"38":181,"39":0,"40":238,"41":140,"42":11,"43":183},"expires":null}';

const envelope = (value: unknown, expires: number | null = null) => utf8(JSON.stringify({ value, expires }));

describe('format: keyv', () => {
  it('unwraps keyv 4 and keyv 5 envelopes under auto and records the format as keyv', () => {
    for (const stored of [KEYV4, KEYV5_TTL, KEYV4.replace(':{', ': {').replace(',"expires"', ', "expires"')]) {
      expect(decodeValue(utf8(stored), options())).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
    }
  });

  it('unwraps keyv 5 without a TTL ({"value": …} alone), named or under auto', () => {
    expect(decodeValue(utf8(KEYV5_NO_TTL), options({ format: 'keyv' }))).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
    expect(decodeValue(utf8(KEYV5_NO_TTL), options())).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
  });

  it('decodes a ":base64:" Buffer through auto format', () => {
    expect(decodeValue(utf8(KEYV_BUFFER), options())).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
  });

  it('decodes a ":base64:" Buffer through auto compression', () => {
    for (const compressed of [gzipSync(SAMPLE_JSON), deflateSync(SAMPLE_JSON)]) {
      const stored = envelope(`:base64:${compressed.toString('base64')}`, 1795839524754);
      expect(decodeValue(stored, options({ format: 'keyv' }))).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
    }
  });

  it('decodes what @keyv/compress-gzip stores: compressed bytes serialized as an index-keyed object', () => {
    expect(decodeValue(utf8(KEYV_GZIP_PLUGIN), options())).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
  });

  it("leaves an application's own index-keyed object alone when it is not compressed bytes", () => {
    const stored = envelope({ 0: 1, 1: 2, 2: 3 });
    expect(decodeValue(stored, options())).toEqual({ ok: true, value: { 0: 1, 1: 2, 2: 3 }, format: 'keyv' });
  });

  it('removes the colon Keyv adds to strings that start with one, at any depth', () => {
    expect(decodeValue(utf8(KEYV_COLON), options())).toEqual({ ok: true, value: ':colon text', format: 'keyv' });
    expect(decodeValue(utf8(KEYV_NESTED_COLON), options())).toEqual({ ok: true, value: { note: ':x', list: [':y', 'z'] }, format: 'keyv' });
  });

  it('keeps an escaped "::base64:" string as text', () => {
    expect(decodeValue(envelope('::base64:aGVsbG8='), options())).toEqual({ ok: true, value: ':base64:aGVsbG8=', format: 'keyv' });
  });

  it('parses a value that the application JSON-stringified before Keyv serialized it', () => {
    expect(decodeValue(envelope(SAMPLE_JSON), options())).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
    expect(decodeValue(envelope('"quoted"'), options())).toEqual({ ok: true, value: 'quoted', format: 'keyv' });
    expect(decodeValue(envelope('{not json, just braces}'), options())).toEqual({ ok: true, value: '{not json, just braces}', format: 'keyv' });
    expect(decodeValue(envelope('plain words'), options())).toEqual({ ok: true, value: 'plain words', format: 'keyv' });
  });

  it('refuses a stringified value nested deeper than maxDepth', () => {
    const deep = '['.repeat(300) + ']'.repeat(300);
    expect(decodeValue(envelope(deep), options())).toEqual({
      ok: false,
      reason: 'undecodable',
      format: 'keyv',
      detail: 'Keyv value: JSON nesting deeper than 256',
    });
  });

  it('unwraps null and empty values so they can be reported as negative cache entries', () => {
    expect(decodeValue(envelope(null), options())).toEqual({ ok: true, value: null, format: 'keyv' });
    expect(decodeValue(envelope(''), options())).toEqual({ ok: true, value: '', format: 'keyv' });
  });

  it('requires the envelope when keyv is named', () => {
    expect(decodeValue(utf8(SAMPLE_JSON), options({ format: 'keyv' }))).toEqual({
      ok: false,
      reason: 'undecodable',
      format: 'keyv',
      detail: 'not a Keyv envelope',
    });
    expect(decodeValue(utf8('{"value":1,"expires":"tomorrow"}'), options({ format: 'keyv' }))).toMatchObject({ ok: false, detail: 'not a Keyv envelope' });
  });

  it('reads an object with more keys than value and expires as plain JSON under auto', () => {
    const stored = utf8('{"value":{"tenant_id":"t-a"},"expires":null,"tenant_id":"t-b"}');
    expect(decodeValue(stored, options())).toEqual({
      ok: true,
      value: { value: { tenant_id: 't-a' }, expires: null, tenant_id: 't-b' },
      format: 'json',
    });
  });

  it('reports a recognised envelope with a broken Buffer as undecodable instead of plain JSON', () => {
    for (const broken of [':base64:!!not base64!!', `:base64:${Buffer.from('not a known format').toString('base64')}`]) {
      expect(decodeValue(envelope(broken), options())).toMatchObject({ ok: false, reason: 'undecodable', format: 'keyv' });
    }
    const truncatedGzip = gzipSync(SAMPLE_JSON).subarray(0, 20);
    expect(decodeValue(envelope(`:base64:${truncatedGzip.toString('base64')}`), options())).toEqual({
      ok: false,
      reason: 'undecodable',
      format: 'keyv',
      detail: 'Keyv value: truncated gzip stream',
    });
  });

  it('reports a bomb inside a Keyv Buffer as oversized', () => {
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat(Array<Buffer>(20).fill(member));
    expect(decodeValue(envelope(`:base64:${bomb.toString('base64')}`), options())).toMatchObject({ ok: false, reason: 'oversized', format: 'keyv' });
  });

  it('bounds Buffers nested inside Buffers', () => {
    let stored: Uint8Array = utf8(SAMPLE_JSON);
    for (let i = 0; i < 3; i++) stored = envelope(`:base64:${Buffer.from(stored).toString('base64')}`);
    expect(decodeValue(stored, options())).toEqual({ ok: true, value: SAMPLE, format: 'keyv' });
    stored = envelope(`:base64:${Buffer.from(stored).toString('base64')}`);
    expect(decodeValue(stored, options())).toMatchObject({ ok: false, reason: 'undecodable', detail: expect.stringContaining('nested deeper than 3') });
  });

  it('sniffs objects whose first key is "value" or "expires"', () => {
    expect(keyvFormat.sniff(utf8(KEYV4))).toBe(true);
    expect(keyvFormat.sniff(utf8(' { "expires": 1, "value": 2 }'))).toBe(true);
    expect(keyvFormat.sniff(utf8(SAMPLE_JSON))).toBe(false);
    expect(keyvFormat.sniff(utf8('["value"]'))).toBe(false);
    expect(keyvFormat.sniff(utf8('{'))).toBe(false);
  });
});
