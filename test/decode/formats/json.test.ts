import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { jsonFormat } from '../../../src/decode/formats/json.js';
import { SAMPLE, SAMPLE_JSON, options, utf8 } from '../helpers/fixtures.js';

describe('format: json', () => {
  it('decodes an object, an array and scalars', () => {
    expect(decodeValue(utf8(SAMPLE_JSON), options({ format: 'json' }))).toEqual({ ok: true, value: SAMPLE, format: 'json' });
    expect(decodeValue(utf8(' [1, "t-a", null] \n'), options())).toEqual({ ok: true, value: [1, 't-a', null], format: 'json' });
    expect(decodeValue(utf8('1041'), options())).toEqual({ ok: true, value: 1041, format: 'json' });
    expect(decodeValue(utf8('-3.5'), options())).toEqual({ ok: true, value: -3.5, format: 'json' });
    expect(decodeValue(utf8('"t-a"'), options())).toEqual({ ok: true, value: 't-a', format: 'json' });
    expect(decodeValue(utf8('null'), options())).toEqual({ ok: true, value: null, format: 'json' });
    expect(decodeValue(utf8('true'), options())).toEqual({ ok: true, value: true, format: 'json' });
  });

  it('sniffs the first non-whitespace byte', () => {
    for (const text of ['{}', '[]', '"x"', '-1', '0', '9', 'true', 'false', 'null', ' \t\r\n{}']) {
      expect(jsonFormat.sniff(utf8(text)), text).toBe(true);
    }
    for (const text of ['', '   ', 'hello', '+1', '.5', 'x^2', '<xml/>', "'single'"]) {
      expect(jsonFormat.sniff(utf8(text)), text).toBe(false);
    }
    expect(jsonFormat.sniff(Uint8Array.from([0x83, 0xa2]))).toBe(false);
  });

  it('reports invalid JSON as undecodable without quoting it', () => {
    const result = decodeValue(utf8('{"tenant_id": "t-secret", oops}'), options());
    expect(result).toEqual({ ok: false, reason: 'undecodable', format: 'json', detail: 'invalid JSON' });
  });

  it('reports invalid UTF-8 as undecodable', () => {
    const bytes = Uint8Array.from([...utf8('{"name":"'), 0xc3, 0x28, ...utf8('"}')]);
    expect(decodeValue(bytes, options({ format: 'json' }))).toEqual({ ok: false, reason: 'undecodable', format: 'json', detail: 'invalid UTF-8' });
    expect(decodeValue(bytes, options())).toMatchObject({ ok: false, detail: 'invalid UTF-8' });
  });

  it('decodes multi-byte UTF-8 and a leading byte-order mark', () => {
    expect(decodeValue(utf8('{"name":"Zoë 🚀"}'), options())).toEqual({ ok: true, value: { name: 'Zoë 🚀' }, format: 'json' });
    expect(decodeValue(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('[1]')]), options({ format: 'json' }))).toMatchObject({ ok: true, value: [1] });
  });

  it('refuses a 10,000-deep JSON before parsing it', () => {
    const deep = utf8('['.repeat(10_000) + ']'.repeat(10_000));
    const result = decodeValue(deep, options());
    expect(result).toEqual({ ok: false, reason: 'undecodable', format: 'json', detail: 'JSON nesting deeper than 256' });
  });

  it('accepts nesting up to maxDepth and refuses one level more', () => {
    const nested = (depth: number) => utf8('{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1));
    expect(decodeValue(nested(8), options({ maxDepth: 8 })).ok).toBe(true);
    expect(decodeValue(nested(9), options({ maxDepth: 8 }))).toMatchObject({ ok: false, detail: 'JSON nesting deeper than 8' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[[[[[[[', b: 'say \\"{{{{{{{{{{\\"', c: '\\' });
    expect(decodeValue(utf8(text), options({ maxDepth: 1 }))).toMatchObject({ ok: true, value: JSON.parse(text) as unknown });
  });

  it('reports an empty value as undecodable when JSON is named', () => {
    expect(decodeValue(new Uint8Array(0), options({ format: 'json' }))).toMatchObject({ ok: false, reason: 'undecodable', format: 'json' });
  });
});
