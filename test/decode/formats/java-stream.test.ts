import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { javaFormat } from '../../../src/decode/formats/java.js';
import { MAX_HANDLES } from '../../../src/decode/formats/java/stream-parser.js';
import { extractMarkers } from '../../../src/markers/extract-markers.js';
import { compileJsonPath } from '../../../src/markers/json-path.js';
import {
  END,
  HEADER,
  SC_BLOCK_DATA,
  SC_EXTERNALIZABLE,
  SC_SERIALIZABLE,
  SC_WRITE_METHOD,
  TC_NULL,
  block,
  classDesc,
  context,
  f32,
  failure,
  i32,
  ref,
  str,
  stream,
  u16,
  type Field,
} from './java-stream-builder.js';
import { JAVA_DETAIL } from './java-stream-builder.js';

const decode = (bytes: Uint8Array): unknown => javaFormat.decode(bytes, context());
const STRING: Field[1] = 'Ljava/lang/String;';
const arrayListDesc = () => classDesc('java.util.ArrayList', SC_SERIALIZABLE | SC_WRITE_METHOD, [['I', 'size']]);
const hashMapDesc = (flags = SC_SERIALIZABLE | SC_WRITE_METHOD) => classDesc('java.util.HashMap', flags, [['F', 'loadFactor'], ['I', 'threshold']]);

describe('format: java, hand-built streams', () => {
  it('keeps a "__proto__" field as an own property of a null-prototype object', () => {
    const bytes = stream([0x73], classDesc('X', SC_SERIALIZABLE, [['L', '__proto__', STRING], ['L', 'tenant_id', STRING]]), str('globex'), str('acme'));
    const value = decode(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(['__proto__', 'tenant_id']);
    expect(extractMarkers(value, [compileJsonPath("$['__proto__']")])).toEqual({ found: true, tenants: ['globex'], invalid: 0 });
    expect(({} as Record<string, unknown>).tenant_id).toBeUndefined();
  });

  it('reads a HashMap whose size straddles two block-data chunks, "__proto__" key included', () => {
    const custom = [...block([0, 0, 0, 16, 0, 0]), ...block([0, 2]), ...str('__proto__'), ...str('globex'), ...str('tenant_id'), ...str('acme'), ...END];
    const value = decode(stream([0x73], hashMapDesc(), f32(0.75), i32(12), custom)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('globex');
    expect(value.tenant_id).toBe('acme');
  });

  it('turns map keys that are not strings into their string form', () => {
    const bytesKey = [0x75, ...classDesc('[B', SC_SERIALIZABLE), ...i32(2), 0x74, 0x2d]; // byte[] "t-"
    const intKey = [0x73, ...classDesc('java.lang.Integer', SC_SERIALIZABLE, [['I', 'value']]), ...i32(42)];
    const custom = [...block([...i32(16), ...i32(4)]), ...bytesKey, ...str('a'), ...intKey, ...str('b'), ...TC_NULL, ...str('c'), ...[0x75, ...classDesc('[Ljava.lang.Object;', SC_SERIALIZABLE), ...i32(0)], ...str('d'), ...END];
    expect(decode(stream([0x73], hashMapDesc(), f32(0.75), i32(12), custom))).toEqual({ 't-': 'a', 42: 'b', null: 'c', '[array]': 'd' });
  });

  it('reads ConcurrentHashMap entries up to the null/null pair', () => {
    const desc = classDesc('java.util.concurrent.ConcurrentHashMap', SC_SERIALIZABLE | SC_WRITE_METHOD, [['I', 'segmentMask']]);
    expect(decode(stream([0x73], desc, i32(15), str('tenant_id'), str('acme'), TC_NULL, TC_NULL, END))).toEqual({ tenant_id: 'acme' });
  });

  it('exposes the objects of custom writeObject data under @writeObject, empty block-data chunks aside', () => {
    const desc = classDesc('com.acme.Trail', SC_SERIALIZABLE | SC_WRITE_METHOD, [['L', 'tenantId', STRING]]);
    expect(decode(stream([0x73], desc, str('acme'), block([]), str('globex'), TC_NULL, END))).toEqual({ tenantId: 'acme', '@writeObject': ['globex', null] });
  });

  it('refuses custom writeObject data it would have to skip: primitives, or objects of a JDK collection subclass', () => {
    const desc = classDesc('com.acme.Trail', SC_SERIALIZABLE | SC_WRITE_METHOD, [['L', 'tenantId', STRING]]);
    expect(failure(stream([0x73], desc, str('acme'), block([0, 6, ...Buffer.from('globex')]), END)).message).toBe('custom writeObject data not parsed');
    const list = classDesc('com.acme.TenantList', SC_SERIALIZABLE | SC_WRITE_METHOD, [], arrayListDesc());
    expect(failure(stream([0x73], list, i32(0), block(i32(0)), END, str('globex'), END)).message).toBe('custom writeObject data not parsed');
  });

  it('refuses a subclass of a JDK collection that declares fields, rather than dropping them', () => {
    const list = classDesc('com.acme.TenantList', SC_SERIALIZABLE, [['L', 'tenantId', STRING]], arrayListDesc());
    expect(failure(stream([0x73], list, i32(0), block(i32(0)), END, str('globex'))).message).toBe('fields of a subclass of a JDK class not parsed');
  });

  it('refuses a field name declared at two class levels, rather than keeping only one value', () => {
    const base = classDesc('com.acme.Base', SC_SERIALIZABLE, [['L', 'tenantId', STRING]]);
    const sub = classDesc('com.acme.Sub', SC_SERIALIZABLE, [['L', 'tenantId', STRING]], base);
    expect(failure(stream([0x73], sub, str('acme'), str('globex'))).message).toBe('a field name repeats across class levels');
  });

  it('refuses a class annotation with content, which ObjectOutputStream never writes', () => {
    const annotated = [...classDesc('com.acme.X', SC_SERIALIZABLE).slice(0, -2), ...str('codebase'), ...END, ...TC_NULL];
    expect(failure(stream([0x73], annotated)).message).toBe('class annotation data not parsed');
  });

  it('fails fast, without allocating, on declared lengths beyond the payload', () => {
    expect(failure(stream([0x7c], i32(0), i32(0x80000000))).message).toBe('truncated Java stream'); // a 2 GB string
    expect(failure(stream([0x7c], i32(1), i32(0))).message).toBe('string longer than the payload');
    expect(failure(stream([0x75], classDesc('[I', SC_SERIALIZABLE), i32(0x7fffffff))).message).toBe('array longer than the payload');
    expect(failure(stream([0x75], classDesc('[Ljava.lang.Object;', SC_SERIALIZABLE), i32(0x7fffffff))).message).toBe('array element count larger than the payload');
    const hugeMap = stream([0x73], hashMapDesc(), f32(0.75), i32(12), block([...i32(16), ...i32(0x7fffffff)]));
    expect(failure(hugeMap).message).toBe('map entry count larger than the payload');
  });

  it(`refuses more than ${MAX_HANDLES} handles`, () => {
    const count = MAX_HANDLES + 1;
    const strings = new Array<number[]>(count).fill([0x74, 0, 0]).flat();
    const bytes = stream([0x75], classDesc('[Ljava.lang.Object;', SC_SERIALIZABLE), i32(count), strings);
    expect(failure(bytes).message).toBe(`more than ${MAX_HANDLES} objects`);
  });

  it('refuses references to unknown handles, cyclic superclass chains and unfinished values', () => {
    expect(failure(stream(ref(5))).message).toBe('reference to an unknown handle');
    const selfSuper = [0x72, ...classDesc('X', SC_SERIALIZABLE, [], ref(0)).slice(1)];
    expect(failure(stream([0x73], selfSuper)).message).toBe('class descriptor reference to something else');
    // List.of(itself): the CollSer handle is referenced before its value exists.
    const collSer = stream([0x73], classDesc('java.util.CollSer', SC_SERIALIZABLE | SC_WRITE_METHOD, [['I', 'tag']]), i32(1), block(i32(1)), ref(1), END);
    expect(failure(collSer).message).toBe('reference to an object still being read');
  });

  it('reuses a class descriptor parsed before only with the handles of the stream at hand', () => {
    // Element 1's class names its field type by a reference to handle 2, whatever that is here.
    const xDesc = [0x72, ...classDesc('X', SC_SERIALIZABLE, [['L', 'a']]).slice(1, -2), ...ref(2), ...END, ...TC_NULL];
    const array = (first: number[]) => stream([0x75], classDesc('[Ljava.lang.Object;', SC_SERIALIZABLE), i32(2), first, [0x73], xDesc, str('v'));
    const typeNameFirst = array(str('Ljava/lang/String;'));
    expect(decode(typeNameFirst)).toEqual(['Ljava/lang/String;', { a: 'v' }]);
    expect(decode(typeNameFirst)).toEqual(['Ljava/lang/String;', { a: 'v' }]); // the cached descriptor
    const arrayFirst = array([0x75, ...ref(0), ...i32(0)]); // handle 2 is now an array
    expect(failure(arrayFirst).message).toBe('field type name is not a string');
  });

  it('refuses superclass chains longer than 64', () => {
    let desc: number[] = TC_NULL;
    for (let i = 0; i < 70; i++) desc = classDesc(`C${i}`, SC_SERIALIZABLE, [], desc);
    expect(failure(stream([0x73], desc)).message).toBe('class hierarchy deeper than 64');
  });

  it('refuses structural errors with a fixed reason', () => {
    expect(failure(stream(TC_NULL, TC_NULL)).message).toBe('trailing bytes after the object');
    expect(failure(stream([0x7b])).message).toBe('the stream holds a write-time exception');
    expect(failure(stream([0x00])).message).toBe('unknown type code');
    expect(failure(stream(block([1, 2]))).message).toBe('block data where an object was expected');
    expect(failure(stream([0x73], classDesc('X', SC_SERIALIZABLE, [['L', 'a', STRING], ['I', 'b']]))).message).toBe('primitive field after an object field');
    expect(failure(stream([0x73], hashMapDesc(SC_SERIALIZABLE), f32(0.75), i32(12))).message).toBe('class data is missing its custom data');
    expect(failure(stream([0x73], classDesc('java.time.Ser', SC_EXTERNALIZABLE), [2])).message).toBe('externalizable data without block framing');
  });

  it('accepts stream resets between top-level objects only', () => {
    expect(decode(stream([0x79], str('t-a'), [0x79]))).toBe('t-a');
    expect(failure(stream([0x75], classDesc('[Ljava.lang.Object;', SC_SERIALIZABLE), i32(1), [0x79])).message).toBe('stream reset inside an object');
  });

  it('never names the class in an error: class names come from the payload', () => {
    const named = (name: string) => failure(stream([0x73], classDesc(name, SC_EXTERNALIZABLE | SC_BLOCK_DATA), END)).message;
    expect(named('com.acme.Profile$Inner')).toBe('an externalizable class is not supported');
    expect(named('tenant_globex.Secret')).toBe('an externalizable class is not supported');
  });
});

// Every reason the java format gives: fixed words and numbers, never payload.
const FIXTURE_DIR = new URL('../../fixtures/frameworks/spring/', import.meta.url);
const fixtures = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.bin') && !f.startsWith('hostile-deep'))
  .map((f) => Uint8Array.from(readFileSync(new URL(f, FIXTURE_DIR))));

/** Real streams truncated and with a few bytes overwritten: reaches every branch noise cannot. */
function mutated(source: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 0, maxLength: 4 }), fc.nat({ max: source.length }))
    .map(([edits, cut]) => {
      const bytes = Uint8Array.from(source.subarray(0, Math.max(5, cut)));
      for (const [at, byte] of edits) bytes[4 + (at % (bytes.length - 4))] = byte; // keep the magic
      return bytes;
    });
}

function onlyDecodeErrors(bytes: Uint8Array): void {
  try {
    javaFormat.decode(bytes, context(64, 64 * 1024));
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).message).toMatch(JAVA_DETAIL);
  }
}

describe('format: java, properties', () => {
  it('throws nothing but DecodeError with a fixed reason for arbitrary bytes', () => {
    const arbitrary = fc.oneof(
      fc.uint8Array({ maxLength: 256 }),
      fc.uint8Array({ maxLength: 256 }).map((rest) => Uint8Array.from([...HEADER, ...rest])),
      // Streams of type codes, lengths and short names: gets past the first byte far more often.
      fc
        .array(fc.oneof(fc.integer({ min: 0x70, max: 0x7e }), fc.constantFrom(0, 1, 2, 3, 0x7e, 0x4c, 0x49, 0x5b), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
        .map((rest) => Uint8Array.from([...HEADER, ...rest])),
    );
    fc.assert(fc.property(arbitrary, onlyDecodeErrors), { numRuns: 3000 });
  });

  it('throws nothing but DecodeError with a fixed reason for mutated and truncated real fixtures', () => {
    fc.assert(fc.property(fc.oneof(...fixtures.map(mutated)), onlyDecodeErrors), { numRuns: 5000 });
  });

  it('decodes the real fixtures again after a failed decode (no state is shared between calls)', () => {
    const dto = Uint8Array.from(readFileSync(new URL('dto-acme.bin', FIXTURE_DIR)));
    expect(() => decode(Uint8Array.from([...HEADER, ...u16(0x7300)]))).toThrow(DecodeError);
    expect(decode(dto)).toMatchObject({ tenantId: 'acme' });
  });
});
