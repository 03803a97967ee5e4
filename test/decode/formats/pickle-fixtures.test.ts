import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decompress } from '../../../src/decode/compression/decompress.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { pickleFormat } from '../../../src/decode/formats/pickle.js';
import { isNegativeValue } from '../../../src/decode/negative-value.js';
import { canonicalTenant } from '../../../src/markers/canonical-tenant.js';
import { extractMarkers } from '../../../src/markers/extract-markers.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import { pickleContext } from './pickle-helpers.js';

interface Manifest {
  framework: string;
  pattern: { format: string; marker: string[] };
  fixtures: { file: string; keyTenant: string; expect: string[] }[];
}

const MiB = 1024 * 1024;
const FRAMEWORKS = ['flask-caching', 'django-redis'];
const dir = (framework: string) => new URL(`../../fixtures/frameworks/${framework}/`, import.meta.url);
const manifests = FRAMEWORKS.map((framework) => JSON.parse(readFileSync(new URL('manifest.json', dir(framework)), 'utf8')) as Manifest);
const bytesOf = (m: Manifest, file: string): Uint8Array => readFileSync(new URL(file, dir(m.framework)));

/** What `compression: auto` then `format: pickle` make of stored bytes (the pipeline's order). */
function decodeStored(bytes: Uint8Array): unknown {
  return pickleFormat.decode(decompress(bytes, 'auto', MiB), pickleContext());
}

function failureOf(bytes: Uint8Array): DecodeError | undefined {
  try {
    decodeStored(bytes);
    return undefined;
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
}

// Every detail the pickle decoder (and the compression beneath it) produces: fixed words and
// numbers, never payload content.
const KNOWN_DETAIL =
  /^(truncated pickle|not a pickle|trailing bytes after pickle|invalid pickle( number| memo index| string| bytes| memo reference)?|invalid UTF-8 in pickle string|unknown pickle opcode|unsupported pickle protocol|pickle (integer too long|work budget exceeded|references a code-execution callable|calls a computed callable|value refers to itself|persistent ids are not supported|extension codes are not supported)|pickle (stack|nesting) deeper than \d+|pickle memo larger than \d+|out-of-band pickle buffers are not supported|(value size|decompressed size) exceeds \d+ bytes|(truncated|corrupt|empty) (gzip|zlib|zstd) stream|(truncated|corrupt) lz4 frame|corrupt lz4 block|(truncated|corrupt) xz stream|xz integrity check failed|unsupported xz (filter|integrity check))$/;

describe.each(manifests)('format: pickle, $framework fixtures', (manifest) => {
  const paths = manifest.pattern.marker.map(compileJsonPath);

  it.each(manifest.fixtures)('classifies $file as the manifest says ($expect)', ({ file, keyTenant, expect: kinds }) => {
    const bytes = bytesOf(manifest, file);
    if (kinds.includes('oversized')) {
      expect(failureOf(bytes)?.reason).toBe('oversized');
      return;
    }
    if (kinds.includes('undecodable')) {
      const error = failureOf(bytes);
      expect(error?.reason).toBe('undecodable');
      expect(error?.message).toMatch(KNOWN_DETAIL);
      return;
    }
    const value = decodeStored(bytes);
    const found = extractMarkers(value, paths);
    if (kinds.includes('negative_cache')) {
      expect(isNegativeValue(value)).toBe(true);
    } else if (kinds.includes('unmarked_payload')) {
      expect(isNegativeValue(value)).toBe(false);
      expect(found.found).toBe(false);
    } else if (kinds.includes('cross_tenant_payload')) {
      expect(found.tenants.some((tenant) => tenant !== canonicalTenant(keyTenant))).toBe(true);
    } else {
      expect(kinds).toEqual([]);
      expect(found).toEqual({ found: true, tenants: [canonicalTenant(keyTenant)], invalid: 0 });
    }
  });
});

describe('format: pickle, real library shapes', () => {
  const flask = manifests[0] as Manifest;
  const django = manifests[1] as Manifest;

  it('shows a pickled object as its class and its __dict__ fields (SPEC §2)', () => {
    expect(decodeStored(bytesOf(flask, 'object-acme.bin'))).toEqual({ __class__: 'app.models.Project', id: 1043, tenant_id: 'acme', name: 'Launch' });
  });

  it('shows a Django model instance as its fields, under its app label and model name', () => {
    const value = decodeStored(bytesOf(django, 'model-acme.bin'));
    expect(value).toMatchObject({ __class__: 'tenancy.Project', id: 1045, tenant_id: 'acme', name: 'Launch' });
  });

  it('reads a uuid.UUID tenant id as its canonical text', () => {
    expect(decodeStored(bytesOf(flask, 'object-uuid-tenant.bin'))).toMatchObject({ tenant_id: '6f1c2a44-93f1-4d8e-a0c7-2b5e9d4f0a11' });
  });

  it('reads protocol 2 bytes, datetimes and Decimals as django-redis wrote them', () => {
    expect(decodeStored(bytesOf(django, 'dict-protocol2-acme.bin'))).toEqual({
      id: 1043,
      tenant_id: 'acme',
      name: 'Roadmap',
      budget: '1200.50',
      updated: '2024-05-01T12:30:00+00:00',
      logo: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
    });
  });

  it('reads the same record through every compressor django-redis can use here', () => {
    for (const file of ['zlib-globex.bin', 'lz4-globex.bin', 'zstd-reproduced-globex.bin', 'gzip-reproduced-globex.bin', 'lzma-globex.bin']) {
      expect(decodeStored(bytesOf(django, file)), file).toMatchObject({ tenant_id: 'globex' });
    }
    expect(decodeStored(bytesOf(django, 'lzma-acme.bin'))).toEqual({ id: 1052, tenant_id: 'acme', name: 'Roadmap', budget: '1200.50' });
  });

  it('reads ASCII-digit ints as integers', () => {
    expect(decodeStored(bytesOf(django, 'int-ascii.bin'))).toBe(42);
    expect(decodeStored(bytesOf(flask, 'counter-incr.bin'))).toBe(1);
  });
});

const pickles = manifests.flatMap((m) => m.fixtures.map((f) => bytesOf(m, f.file)));

/** Real fixtures with some bytes overwritten and a random cut: reaches deep into the machine. */
const mutated = fc
  .tuple(fc.constantFrom(...pickles), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
  .map(([source, edits, cut]) => {
    const bytes = Uint8Array.from(source.subarray(0, 1 + (cut % source.length)));
    for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
    return bytes;
  });

const headed = fc.tuple(fc.constantFrom([0x80, 0x04], [0x80, 0x02], [0x21, 0x80, 0x05], []), fc.uint8Array({ maxLength: 256 })).map(([head, rest]) => Uint8Array.from([...head, ...rest]));

describe('format: pickle, properties', () => {
  it('never throws anything but a DecodeError with a fixed detail, for any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, headed, fc.uint8Array({ maxLength: 512 })), fc.integer({ min: 1, max: 64 }), (bytes, maxDepth) => {
        try {
          pickleFormat.decode(bytes, pickleContext({ maxDepth, maxBytes: 64 * 1024 }));
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
          expect((error as DecodeError).message).toMatch(KNOWN_DETAIL);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
