import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { phpFormat } from '../../../src/decode/formats/php.js';
import { compileJsonPath, evaluateJsonPath } from '../../../src/markers/json-path.js';
import { options } from '../helpers/fixtures.js';
import { decodeFailure, decodePhp, laravelFixture, laravelManifest, payloadKinds, phpContext } from './php-helpers.js';

type Props = Record<string, unknown>;
const at = (value: unknown, path: string): unknown[] => evaluateJsonPath(value, compileJsonPath(path));

// Every reason the php decoder gives: fixed words and numbers, never payload content.
const PHP_DETAIL =
  /^(truncated PHP value|invalid PHP serialize syntax|invalid PHP (float|enum|array key)|trailing bytes after the PHP value|PHP (string|array) longer than the value|PHP (length|integer) out of range|PHP nesting deeper than \d+|PHP back-reference out of range|more than \d+ PHP back-references|cyclic PHP array reference is not supported|PHP custom-serialized objects \(C:\) are not supported|PHP escaped strings \(S:\) are not supported|igbinary serialization is not supported|value size exceeds \d+ bytes)$/;

describe('format: php, on values Laravel RedisStore wrote (test/fixtures/frameworks/laravel)', () => {
  for (const { file, keyTenant, expect: kinds } of laravelManifest.fixtures) {
    it(`finds exactly ${kinds.length === 0 ? 'nothing' : kinds.join(', ')} in ${file} under a key of ${keyTenant}`, () => {
      expect(payloadKinds(laravelFixture(file), keyTenant)).toEqual([...kinds].sort());
    });
  }

  it('sniffs every fixture PHP wrote as php, except the raw numeric that JSON reads the same', () => {
    for (const { file } of laravelManifest.fixtures) {
      expect(phpFormat.sniff(laravelFixture(file)), file).toBe(file !== 'int-raw.bin');
    }
  });

  it("shows an Eloquent model's protected attributes under `attributes`, as SPEC §2 says", () => {
    const model = decodePhp(laravelFixture('model-acme.bin')) as Props;
    expect(Object.getPrototypeOf(model)).toBeNull();
    expect(at(model, '$.attributes.tenant_id')).toEqual(['acme']);
    expect(at(model, '$.original.id')).toEqual([1041]);
    expect(model).toMatchObject({ exists: true, incrementing: true, perPage: 15, connection: 'pgsql', table: null, guarded: ['*'] });
  });

  it('strips the private prefix too, and adds no class field that a property could collide with', () => {
    const model = decodePhp(laravelFixture('model-acme.bin')) as Props;
    expect(model.auditToken).toBe('tok-1041');
    expect(Object.keys(model).filter((k) => k.includes('\0') || /^_*class$/i.test(k))).toEqual([]);
    expect(Object.keys(model)).toHaveLength(31);
  });

  it('lists the models of a collection under `items`, each item checkable on its own', () => {
    const collection = decodePhp(laravelFixture('collection-poisoned.bin'));
    expect(at(collection, '$.items[*].attributes.tenant_id')).toEqual(['acme', 'globex', 'acme']);
    expect(at(collection, '$.escapeWhenCastingToString')).toEqual([false]);
  });

  it('returns the very object an r: back-reference names, never a copy', () => {
    const collection = decodePhp(laravelFixture('collection-acme.bin'));
    const owners = at(collection, '$.items[*].relations.tenant');
    expect(owners).toHaveLength(3);
    expect(owners[1]).toBe(owners[0]);
    expect(owners[2]).toBe(owners[0]);
    expect(at(owners[0], '$.attributes.name')).toEqual(['Acme']);
  });

  it('decodes arrays, enums, floats, booleans and nulls of a plain cached record', () => {
    expect(decodePhp(laravelFixture('array-acme.bin'))).toEqual({
      id: 1041,
      tenant_id: 'acme',
      name: 'Roadmap',
      status: 'App\\Enums\\Status:Active',
      tags: ['q3', 'launch'],
      budget: 1500.5,
      archived: false,
      owner: null,
    });
  });

  it('reads a raw numeric (RedisStore skips serialize() for them) as the number, and N; as null', () => {
    expect(decodePhp(laravelFixture('int-raw.bin'))).toBe(1041);
    expect(decodePhp(laravelFixture('null.bin'))).toBeNull();
  });

  it('refuses a Serializable object (C:) with a reason, whatever its bytes hold', () => {
    expect(decodeFailure(laravelFixture('custom-serializable.bin')).message).toBe('PHP custom-serialized objects (C:) are not supported');
  });

  it('refuses an igbinary value with a reason naming igbinary, under php and under auto', () => {
    const bytes = laravelFixture('igbinary-acme.bin');
    expect(decodeFailure(bytes)).toMatchObject({ reason: 'undecodable', format: 'php', message: 'igbinary serialization is not supported' });
    expect(decodeValue(bytes, options({ format: 'auto' }))).toMatchObject({ ok: false, reason: 'undecodable', detail: 'igbinary serialization is not supported' });
  });

  it('fails on a string declaring 2 GB at once, without reading on', () => {
    const error = decodeFailure(laravelFixture('hostile-2gb-string.bin'));
    expect(error).toMatchObject({ reason: 'undecodable', format: 'php', message: 'PHP string longer than the value' });
  });

  it('refuses the 1,000-deep array at the depth limit', () => {
    expect(decodeFailure(laravelFixture('hostile-deep-nesting.bin')).message).toBe('PHP nesting deeper than 256');
    expect(decodePhp(laravelFixture('hostile-deep-nesting.bin'), { maxDepth: 1001 })).toBeInstanceOf(Array);
  });

  it('decodes the reference bomb to shared objects, without expanding its 2^40 paths', () => {
    const value = decodePhp(laravelFixture('hostile-reference-bomb.bin')) as { bomb: Props; refs: unknown[] };
    expect(value.bomb.a).toBe(value.bomb.b);
    expect(value.refs).toHaveLength(1000);
    expect(new Set(value.refs)).toEqual(new Set(['v']));
    expect(at(value, '$.tenant_id')).toEqual([]);
  });

  it('never throws anything but a DecodeError with a fixed reason, for any bytes', () => {
    const heads = fc.constantFrom('a:', 'O:', 's:', 'i:', 'd:', 'b:', 'E:', 'r:', 'R:', 'a:1:{', 'O:1:"A":1:{', 'N;');
    const arbitrary = fc.oneof(
      fc.uint8Array({ maxLength: 256 }),
      fc.tuple(heads, fc.string({ unit: fc.constantFrom(...'0123456789:;{}"aOsidbNrR-.E~'), maxLength: 64 })).map(([h, t]) => Buffer.from(h + t)),
    );
    fc.assert(fc.property(arbitrary, checkOnlyDecodeErrors), { numRuns: 3000 });
  });

  it('never throws anything but a DecodeError for mutated or truncated real fixtures', () => {
    const sources = laravelManifest.fixtures.map((f) => laravelFixture(f.file)).filter((b) => b.length > 8);
    const mutated = fc
      .tuple(fc.constantFrom(...sources), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
      .map(([source, edits, cut]) => {
        const bytes = Uint8Array.from(source.subarray(0, 1 + (cut % source.length)));
        for (const [offset, byte] of edits) bytes[offset % bytes.length] = byte;
        return bytes;
      });
    fc.assert(fc.property(mutated, checkOnlyDecodeErrors), { numRuns: 3000 });
  });
});

function checkOnlyDecodeErrors(bytes: Uint8Array): void {
  try {
    phpFormat.decode(bytes, phpContext({ maxDepth: 32 }));
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).message).toMatch(PHP_DETAIL);
  }
}
