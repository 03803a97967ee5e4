import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { railsFormat } from '../../../src/decode/formats/rails.js';
import { isNegativeValue } from '../../../src/decode/negative-value.js';
import { extractMarkers } from '../../../src/markers/extract-markers.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import { RAILS_DETAIL, decodeRails, expectUndecodable, header71, m, manifest, marshal, railsFixture } from './rails-helpers.js';

const markers = manifest.pattern.marker.map(compileJsonPath);
const markersOf = (value: unknown) => extractMarkers(value, markers);

describe('format: rails', () => {
  describe('the generated fixtures (test/fixtures/frameworks/rails)', () => {
    it('lists a clean, a poisoned and a nil value for every cache format, and the hostile streams', () => {
      const files = manifest.fixtures.map((f) => f.file);
      for (const prefix of ['v61', 'v70', 'v71', 'v71-msgpack']) {
        expect(files.some((f) => f.startsWith(`${prefix}-`) && manifest.fixtures.find((x) => x.file === f)?.expect.length === 0)).toBe(true);
        expect(files).toContain(`${prefix}-nil.bin`);
        expect(files.some((f) => f.startsWith(`${prefix}-`) && f.includes('globex'))).toBe(true);
      }
      expect(files).toEqual(expect.arrayContaining(['hostile-deep-links.bin', 'hostile-shared-graph.bin', 'hostile-erb-gadget.bin']));
      expect(manifest.pattern.format).toBe('rails');
    });

    for (const fixture of manifest.fixtures) {
      it(`decodes ${fixture.file} to what the manifest expects (${fixture.expect.join(', ') || 'clean'})`, () => {
        const bytes = railsFixture(fixture.file);
        expect(railsFormat.sniff(bytes)).toBe(true);
        if (fixture.expect.includes('undecodable')) {
          expectUndecodable(bytes);
          return;
        }
        const value = decodeRails(bytes);
        const found = markersOf(value);
        if (fixture.expect.includes('negative_cache')) {
          expect(isNegativeValue(value)).toBe(true);
        } else if (fixture.expect.includes('unmarked_payload')) {
          expect(isNegativeValue(value)).toBe(false);
          expect(found.found).toBe(false);
        } else if (fixture.expect.includes('cross_tenant_payload')) {
          expect(found.tenants).toEqual(['globex']);
        } else {
          expect(fixture.expect).toEqual([]);
          expect(found.tenants).toEqual([fixture.keyTenant]);
        }
      });
    }
  });

  describe('what a cached value looks like to markers', () => {
    it('turns a record loaded from the database (6.1 LazyAttributeSet) into @attributes of column values', () => {
      const record = decodeRails(railsFixture('v61-record-acme.bin')) as Record<string, unknown>;
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
      expect({ ...(record['@attributes'] as object) }).toEqual({ id: 1041, tenant_id: 'acme', name: 'Apollo', owner_id: 7 });
      expect(record['@new_record']).toBe(false);
    });

    it('lets an assigned attribute override the loaded one, as the app would see it', () => {
      const record = decodeRails(railsFixture('v61-record-assigned-globex.bin')) as Record<string, Record<string, unknown>>;
      expect(record['@attributes']?.tenant_id).toBe('globex');
      expect(record['@attributes']?.name).toBe('Apollo');
    });

    it('reads a new record (AttributeSet of FromUser attributes) the same way', () => {
      const record = decodeRails(railsFixture('v61-record-new-acme.bin')) as Record<string, Record<string, unknown>>;
      expect({ ...record['@attributes'] }).toEqual({ id: null, tenant_id: 'acme', name: 'New', owner_id: null });
    });

    it('reads every record of a cached collection with an items path', () => {
      const list = decodeRails(railsFixture('v61-record-list.bin'));
      const tenants = extractMarkers(list, [compileJsonPath("$[*]['@attributes'].tenant_id")]).tenants;
      expect(tenants).toEqual(['acme', 'globex']);
    });

    it('gives records from :message_pack and from the 7.1 marshalling format the same @attributes', () => {
      for (const file of ['v71-msgpack-record-globex.bin', 'v71-record-marshal71-globex.bin', 'v70-record-globex.bin']) {
        const record = decodeRails(railsFixture(file)) as Record<string, Record<string, unknown>>;
        expect({ ...record['@attributes'] }, file).toEqual({ id: 1042, tenant_id: 'globex', name: 'Borealis', owner_id: 8 });
      }
    });

    it('turns symbol keys into string keys and a :message_pack Time into ISO text', () => {
      expect({ ...(decodeRails(railsFixture('v61-symbol-keys-acme.bin')) as object) }).toEqual({ id: 1041, tenant_id: 'acme' });
      expect({ ...(decodeRails(railsFixture('v71-msgpack-acme.bin')) as object) }).toEqual({
        id: 1041,
        tenant_id: 'acme',
        updated_at: '2023-11-14T22:13:20.123Z',
      });
    });

    it('keeps a gadget chain as inert instance variables', () => {
      const value = decodeRails(railsFixture('hostile-erb-gadget.bin')) as Record<string, Record<string, unknown>>;
      expect(value['@method']).toBe('result');
      expect(value['@instance']?.['@src']).toContain('system(');
    });

    it('returns the same object for every back-reference, so a 2^60-path graph stays small', () => {
      const value = decodeRails(railsFixture('hostile-shared-graph.bin')) as { graph: unknown[] };
      expect(value.graph[0]).toBe(value.graph[1]);
      const cycle = decodeRails(railsFixture('hostile-cycle-globex.bin')) as Record<string, unknown>;
      expect(cycle.self).toBe(cycle);
    });
  });

  describe('telling the cache formats apart', () => {
    it('sniffs 6.1 Marshal, 7.0 (00 04 08 and 01 78) and 7.1 (00 11) only', () => {
      for (const head of [[0x04, 0x08], [0x00, 0x04, 0x08], [0x01, 0x78], [0x00, 0x11]]) expect(railsFormat.sniff(Uint8Array.from(head)), head.join()).toBe(true);
      for (const head of [[], [0x00], [0x00, 0x04, 0x09], [0x01, 0x79], [0x04, 0x09], [0x7b], [0x80, 0x04], [0x21, 0x80], [0xac, 0xed]]) {
        expect(railsFormat.sniff(Uint8Array.from(head)), head.join()).toBe(false);
      }
    });

    it('reads a 7.0 entry holding [] as nil, and only up to three packed members', () => {
      expect(decodeRails(Uint8Array.from([0x00, ...marshal(m.array())]))).toBeNull();
      expect(decodeRails(Uint8Array.from([0x00, ...marshal(m.array(m.str('t'), m.nil, m.str('v1')))]))).toBe('t');
      expectUndecodable(Uint8Array.from([0x00, ...marshal(m.array(m.nil, m.nil, m.nil, m.nil))]), /packed entry/);
      expectUndecodable(Uint8Array.from([0x00, ...marshal(m.hash())]), /packed entry/);
    });

    it('skips a 7.1 version and reads string types 02, 03 and 04 as text', () => {
      const withVersion = Buffer.from(header71(0x02, Buffer.from('tenant acme')));
      withVersion.writeInt32LE(2, 11);
      const stored = Buffer.concat([withVersion.subarray(0, 15), Buffer.from('v1'), withVersion.subarray(15)]);
      expect(decodeRails(stored)).toBe('tenant acme');
      expect(decodeRails(header71(0x03, [0x61, 0xff]))).toBe('a\u00ff');
      expect(decodeRails(header71(0x84, deflateSync('ascii text')))).toBe('ascii text');
    });

    it('refuses a broken 7.1 header with a reason', () => {
      expectUndecodable(Uint8Array.from([0x00, 0x11, 0x01]), /truncated Rails 7.1/);
      expectUndecodable(header71(0x05, []), /unknown Rails 7.1 entry type/);
      expectUndecodable(header71(0x01, [0x7b, 0x7d]), /unknown Rails 7.1 serializer/);
      const longVersion = Buffer.from(header71(0x01, marshal(m.nil)));
      longVersion.writeInt32LE(1000, 11);
      expectUndecodable(longVersion, /version length/);
      longVersion.writeInt32LE(-7, 11);
      expectUndecodable(longVersion, /version length/);
      expectUndecodable(header71(0x81, [0x78, 0x9c, 0x01]), /zlib stream/);
    });

    it('stops a zlib bomb inside a 7.1 entry at maxBytes', () => {
      const bomb = header71(0x82, deflateSync(Buffer.alloc(4 * 1024 * 1024, 0x61)));
      const error = expectUndecodable(bomb, /decompressed size exceeds 1048576 bytes/);
      expect(error.reason).toBe('oversized');
      expect(error.format).toBe('rails');
    });

    it('returns a Marshal stream that is not a cache entry as the value it holds', () => {
      expect({ ...(decodeRails(marshal(m.hash([m.str('tenant_id'), m.str('acme')]))) as object) }).toEqual({ tenant_id: 'acme' });
    });

    it('reads a 6.1 entry whose @value is an uncompressed binary string as text', () => {
      const entry = marshal(m.object('ActiveSupport::Cache::Entry', ['@value', m.str('acme')], ['@version', m.nil]));
      expect(decodeRails(entry)).toBe('acme');
    });

    it('refuses bytes that are no Rails entry, and an empty value', () => {
      expectUndecodable(Buffer.from('{"tenant_id":"acme"}'), /not a Rails cache entry/);
      expectUndecodable(new Uint8Array(0), /empty value/);
    });
  });

  describe('properties', () => {
    const samples = manifest.fixtures.map((f) => railsFixture(f.file)).filter((b) => b.length < 2000);
    const heads = [[0x04, 0x08], [0x00, 0x04, 0x08], [0x01, 0x78, 0x9c], [0x00, 0x11, 0x01], [0x00, 0x11, 0x81], [...header71(0x01, [0xcc, 0x80])]];
    const mutated = fc
      .tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
      .map(([source, edits, cut]) => {
        const bytes = Uint8Array.from(source.subarray(0, 1 + (cut % source.length)));
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        return bytes;
      });
    const prefixed = fc.tuple(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 300 })).map(([head, rest]) => Uint8Array.from([...head, ...rest]));

    it('never throws anything but a DecodeError with a fixed reason, for any bytes', () => {
      fc.assert(
        fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), prefixed, mutated), (bytes) => {
          try {
            decodeRails(bytes, { maxBytes: 64 * 1024, maxDepth: 32 });
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
            expect((error as DecodeError).message).toMatch(RAILS_DETAIL);
          }
        }),
        { numRuns: 4000 },
      );
    });
  });
});
