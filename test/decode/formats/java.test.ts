import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { javaFormat } from '../../../src/decode/formats/java.js';
import { isNegativeValue } from '../../../src/decode/negative-value.js';
import { extractMarkers } from '../../../src/markers/extract-markers.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import { options } from '../helpers/fixtures.js';
import { context, failure } from './java-stream-builder.js';

// Written by Java 17's ObjectOutputStream and Jackson 2.17.2: test/fixtures/frameworks/spring/generate.sh.
const DIR = new URL('../../fixtures/frameworks/spring/', import.meta.url);
const spring = (file: string): Uint8Array => readFileSync(new URL(file, DIR));

interface Manifest {
  pattern: { marker: string[] };
  fixtures: { file: string; keyTenant: string; expect: string[] }[];
}
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as Manifest;
const markerPaths = manifest.pattern.marker.map(compileJsonPath);

const decode = (bytes: Uint8Array, ctx = context()): unknown => javaFormat.decode(bytes, ctx);

const markersOf = (value: unknown, ...paths: string[]) => extractMarkers(value, paths.map(compileJsonPath));

describe('format: java (Spring JdkSerializationRedisSerializer)', () => {
  describe('reads every real fixture as its manifest expects', () => {
    for (const fixture of manifest.fixtures.filter((f) => f.file.endsWith('.bin'))) {
      it(`${fixture.file} → ${fixture.expect.join(', ') || 'clean'}`, () => {
        const bytes = spring(fixture.file);
        const [kind] = fixture.expect;
        if (kind === 'undecodable') {
          expect(failure(bytes)).toMatchObject({ reason: 'undecodable', format: 'java', conclusive: true });
          return;
        }
        const value = decode(bytes);
        const markers = extractMarkers(value, markerPaths);
        if (kind === 'negative_cache') expect(isNegativeValue(value)).toBe(true);
        else if (kind === 'unmarked_payload') expect(markers.found).toBe(false);
        else if (kind === 'cross_tenant_payload') expect(markers.tenants.some((t) => t !== fixture.keyTenant)).toBe(true);
        else expect(markers).toEqual({ found: true, tenants: [fixture.keyTenant], invalid: 0 });
      });
    }
  });

  it('turns a DTO into a map of its own and its superclass fields, with JDK values in their natural shape', () => {
    const dto = decode(spring('dto-acme.bin')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(dto)).toBeNull();
    expect(dto).toMatchObject({
      id: 1041, // from the BaseEntity superclass
      createdAt: 1714564800123, // java.util.Date: epoch milliseconds
      tenantId: 'acme',
      projectUuid: '01234567-89ab-d200-fedc-ba9876543210', // java.util.UUID: canonical text
      status: 'ACTIVE', // enum constant name
      priority: 3, // java.lang.Integer
      archived: false,
      score: 0.75,
      updatedAt: '2024-05-01T13:00:00.250Z', // java.time.Instant, as Instant.toString()
      budget: '12500.50', // java.math.BigDecimal, exact
      tags: ['billing', 'q2'], // ArrayList
      settings: { visibility: 'private', limits: { seats: 25, storageGb: 100 } }, // nested HashMaps
    });
    expect(markersOf(dto, '$.tasks[*].tenantId')).toEqual({ found: true, tenants: ['acme'], invalid: 0 });
  });

  it('returns the same object for a back-reference, so a cycle stays a cycle and costs nothing', () => {
    const dto = decode(spring('dto-acme.bin')) as { tasks: { project: unknown }[] };
    expect(dto.tasks[0]?.project).toBe(dto);
    expect(dto.tasks[1]?.project).toBe(dto);
  });

  it('reads LinkedHashMap and HashMap entries in order, keyed by their string form', () => {
    expect(decode(spring('map-acme.bin'))).toEqual({ id: 1041, tenant_id: 'acme', name: 'x', owner: { tenant_id: 'acme', user_id: 77 } });
  });

  it('reads a record whose tenant is a UUID as the canonical lower-case UUID', () => {
    expect(decode(spring('record-uuid-globex.bin'))).toEqual({ number: 7, amount: '99.90', issuedOn: '2024-05-01', tenantId: 'd2c9e0b1-5a4f-4e3d-8c2b-1a0f9e8d7c6b' });
  });

  it('reads every known JDK type as Java would print it', () => {
    expect(decode(spring('types-acme.bin'))).toEqual({
      tenant_id: 'acme',
      int: 42,
      long: 9_007_199_254_740_993n, // beyond 2^53: a bigint, exact
      short: -7,
      byte: 5,
      double: 2.5,
      float: 1.25,
      bool: true,
      char: 'x',
      bigInteger: -123456789012345678901234567890n,
      bigDecimal: '-0.0042',
      uuid: 'd2c9e0b1-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
      date: 1714564800123,
      instant: '2024-05-01T13:00:00.123456789Z',
      localDate: '2024-05-01',
      localDateTime: '2024-05-01T13:45',
      offsetDateTime: '2024-05-01T13:45:30+02:00',
      zonedDateTime: '2024-05-01T13:45:30.500+02:00[Europe/Paris]',
      status: 'ARCHIVED',
      ints: [1, 2, 3],
      bytes: Uint8Array.from([1, 2, 0xff]),
      strings: ['a', null, 'a'],
      treeMap: { a: 1, b: 2 },
      hashSet: ['one'],
      linkedList: [1, 2],
      listOf: ['p', 'q'],
      mapOf: { k: 'v' },
      unmodifiableMap: { tenant_id: 'acme' },
      unmodifiableList: ['u'],
      arraysAsList: ['r', 's'],
      emptyList: [],
      singletonMap: { 7: 'seven' },
      concurrentMap: { c: 3 },
      nullValue: null,
      supplementary: 'café 😀 \u0000', // modified UTF-8: surrogate pairs and C0 80
    });
  });

  it("decodes Spring's NullValue, a serialized null and empty bytes to null (negative values)", () => {
    for (const bytes of [spring('nullvalue.bin'), spring('null.bin'), new Uint8Array(0)]) expect(decode(bytes)).toBeNull();
  });

  it('exposes the objects an unknown class writes in writeObject under @writeObject, where markers reach them', () => {
    const trail = decode(spring('custom-writeobject-list-globex.bin'));
    expect(trail).toEqual({
      tenantId: 'acme',
      '@writeObject': [[{ tenantId: 'acme', action: 'created' }, { tenantId: 'globex', action: 'renamed' }]],
    });
    // Marker alternatives stop at the first that exists, so the inner path is listed first.
    expect(markersOf(trail, "$['@writeObject'][*][*].tenantId", '$.tenantId')).toEqual({ found: true, tenants: ['acme', 'globex'], invalid: 0 });
  });

  it('refuses custom writeObject data holding primitives, whose meaning only the class knows, rather than skipping it', () => {
    // AuditNote writes an int and a writeUTF string after its fields: a tenant could hide in either.
    expect(failure(spring('custom-writeobject-acme.bin')).message).toBe('custom writeObject data not parsed');
    expect(failure(spring('opaque-writeobject.bin')).message).toBe('custom writeObject data not parsed');
  });

  it('refuses an Externalizable class it does not know, naming the class', () => {
    expect(failure(spring('externalizable.bin')).message).toBe('an externalizable class is not supported');
  });

  it('decodes 2^40 paths of shared arrays (billion laughs by handles) as 41 shared arrays, without the marker', () => {
    let level = decode(spring('hostile-shared-refs.bin'));
    let arrays = 0;
    while (Array.isArray(level)) {
      const array = level as unknown[];
      expect(array.every((child) => child === array[0])).toBe(true);
      arrays += 1;
      level = array[0];
    }
    expect(arrays).toBe(41);
    expect((level as { tenantId: string }).tenantId).toBe('globex'); // there, but not at any marker path
    expect(extractMarkers(decode(spring('hostile-shared-refs.bin')), markerPaths).found).toBe(false);
  });

  it('decodes the SerialDOS HashSet nest once per set, not once per path', () => {
    const root = decode(spring('hostile-serialdos.bin')) as unknown[];
    const seen = new Set<unknown>();
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (!Array.isArray(node) || seen.has(node)) continue;
      seen.add(node);
      stack.push(...(node as unknown[]));
    }
    expect(seen.size).toBe(201); // the root and two sets per level: 2^100 paths, 201 objects
  });

  it('refuses 1,500 nested arrays at maxDepth, and at the hard cap when maxDepth is larger', () => {
    expect(failure(spring('hostile-deep-arrays.bin')).message).toBe('Java nesting deeper than 256');
    expect(failure(spring('hostile-deep-arrays.bin'), context(100_000)).message).toBe('Java nesting deeper than 1000');
  });

  it('sniffs the stream magic AC ED 00 05 only', () => {
    expect(javaFormat.sniff(spring('map-acme.bin'))).toBe(true);
    for (const head of [[0xac, 0xed, 0x00], [0xac, 0xed, 0x00, 0x04], [0x7b], [0x80, 0x05], []]) expect(javaFormat.sniff(Uint8Array.from(head))).toBe(false);
  });

  it('reports other bytes as not a Java stream, without claiming them (auto may try others)', () => {
    expect(failure(Uint8Array.from([0x7b, 0x7d]))).toMatchObject({ message: 'not a Java serialization stream', conclusive: false });
  });

  it('refuses a value larger than maxBytes before parsing', () => {
    expect(failure(spring('dto-acme.bin'), context(256, 100))).toMatchObject({ reason: 'oversized' });
  });
});

describe("Spring's GenericJackson2JsonRedisSerializer (plain JSON with @class)", () => {
  it('is decoded by the json format, "@class" being just a field and $.tenantId the marker', () => {
    const result = decodeValue(spring('jackson-dto-acme.json'), options({ format: 'json' }));
    expect(result).toMatchObject({ ok: true, format: 'json', value: { '@class': 'com.acme.app.ProjectDto', tenantId: 'acme', createdAt: ['java.util.Date', 1714564800123] } });
    expect(result.ok && markersOf(result.value, '$.tenantId')).toEqual({ found: true, tenants: ['acme'], invalid: 0 });
    const poisoned = decodeValue(spring('jackson-dto-globex.json'), options());
    expect(poisoned.ok && markersOf(poisoned.value, '$.tenantId')).toEqual({ found: true, tenants: ['globex'], invalid: 0 });
  });

  it('wraps collections as [class, items] arrays, so list items sit at $[1][*]', () => {
    const result = decodeValue(spring('jackson-list-one-globex.json'), options());
    expect(result.ok && markersOf(result.value, '$[1][*].tenantId')).toEqual({ found: true, tenants: ['acme', 'globex'], invalid: 0 });
  });

  it('writes NullValue as an object holding only its "@class" (negative-value.ts must treat it as null)', () => {
    const result = decodeValue(spring('jackson-nullvalue.json'), options({ format: 'json' }));
    expect(result).toEqual({ ok: true, format: 'json', value: { '@class': 'org.springframework.cache.support.NullValue' } });
  });
});
