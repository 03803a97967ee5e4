import { DecodeError } from '../../../src/decode/decode-error.js';
import type { DecodeContext } from '../../../src/decode/formats/format-decoder.js';
import { javaFormat } from '../../../src/decode/formats/java.js';

/**
 * Hand-built Java serialization streams for cases ObjectOutputStream will not write (broken,
 * hostile or rare ones), spelled with the grammar of the Java Object Serialization spec §6.4.
 * Handles count from 0 in the order objects appear (0x7E0000 + n on the wire).
 */
export const HEADER = [0xac, 0xed, 0x00, 0x05];

export const u16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
export const i32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const utf = (text: string): number[] => {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...u16(bytes.length), ...bytes];
};
export const f32 = (n: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(n);
  return [...b];
};

export const TC_NULL = [0x70];
export const END = [0x78];
export const str = (text: string): number[] => [0x74, ...utf(text)];
export const ref = (handle: number): number[] => [0x71, ...i32(0x7e0000 + handle)];
export const block = (bytes: number[]): number[] => [0x77, bytes.length, ...bytes];

/** A field: primitive type code and name, or L/[ with its JVM signature (a new TC_STRING). */
export type Field = [type: string, name: string, signature?: string];

/** TC_CLASSDESC: handle first, then one more per signature string, then the superclass's. */
export function classDesc(name: string, flags: number, fields: Field[] = [], superDesc: number[] = TC_NULL): number[] {
  const out = [0x72, ...utf(name), 0, 0, 0, 0, 0, 0, 0, 1, flags, ...u16(fields.length)];
  for (const [type, fieldName, signature] of fields) {
    out.push(type.charCodeAt(0), ...utf(fieldName));
    if (signature !== undefined) out.push(...str(signature));
  }
  return [...out, ...END, ...superDesc];
}

export const stream = (...parts: number[][]): Uint8Array => Uint8Array.from([...HEADER, ...parts.flat()]);

export const SC_WRITE_METHOD = 0x01;
export const SC_SERIALIZABLE = 0x02;
export const SC_EXTERNALIZABLE = 0x04;
export const SC_BLOCK_DATA = 0x08;

/** A DecodeContext as the pipeline builds one (the java format never embeds payloads). */
export const context = (maxDepth = 256, maxBytes = 1024 * 1024): DecodeContext => ({
  maxBytes,
  maxDepth,
  sniffed: false,
  decodeEmbedded: () => {
    throw new Error('unused');
  },
});

/** The DecodeError decode() throws for these bytes (a failed test if it returns or throws anything else). */
export function failure(bytes: Uint8Array, ctx = context()): DecodeError {
  try {
    javaFormat.decode(bytes, ctx);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

/** Every fixed failure reason of the java format. */
export const JAVA_DETAIL = new RegExp(
  '^(?:' +
    [
      'truncated Java stream',
      'malformed modified UTF-8 string',
      'trailing bytes after the object',
      'the stream holds a write-time exception',
      'stream reset inside an object',
      '(?:end of )?block data where an object was expected',
      'unknown (?:type code|field type code|array element type)',
      String.raw`more than \d+ objects`,
      String.raw`Java nesting deeper than \d+`,
      'reference to (?:an unknown handle|an object still being read|a class descriptor still being read)',
      'string longer than the payload',
      '(?:object|class object|array|enum constant) without a class descriptor',
      'expected a class descriptor',
      'class descriptor reference to something else',
      'class flags are both serializable and externalizable',
      'primitive field after an object field',
      'field type name is not a string',
      String.raw`class hierarchy deeper than \d+`,
      'enum constant (?:written as an object|of a class that is not an enum|name is not a string)',
      'an externalizable class is not supported',
      'externalizable data without block framing',
      'a class has no serialized data',
      '(?:custom writeObject|class annotation) data not parsed',
      'fields of a subclass of a JDK class not parsed',
      'a field name repeats across class levels',
      'array of a class that is not an array class',
      'array longer than the payload',
      'negative block data length',
      'class data is missing its custom data',
      'custom data holds primitives where an object was expected',
      'custom data ended early',
      String.raw`invalid [\w ]+ count`,
      String.raw`[\w ]+ count larger than the payload`,
      String.raw`malformed [\w.$ ]+`,
      'java.math.BigInteger longer than 1024 bytes',
      'java.time value out of range',
      'unsupported java.time type',
      'not a Java serialization stream',
      String.raw`value size exceeds \d+ bytes`,
    ].join('|') +
    ')$',
);

