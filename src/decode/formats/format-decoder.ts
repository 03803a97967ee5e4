import type { Decoded } from '../../types.js';

/** What a nested decode produced: the value and the format that recognised it. */
export interface EmbeddedValue {
  value: Decoded;
  format: string;
}

/** Limits every format honours, and the way back into the pipeline for embedded payloads. */
export interface DecodeContext {
  /** Largest payload, before or after decompression, the caller lets us hold. */
  readonly maxBytes: number;
  /** Deepest object/array nesting accepted (`{}` is depth 1). */
  readonly maxDepth: number;
  /**
   * True when `auto` picked the format by sniffing, false when the pattern named it. A format
   * may ask for stronger evidence when it was only guessed.
   */
  readonly sniffed: boolean;
  /**
   * Decodes bytes found inside a payload (a Keyv `:base64:` Buffer) through auto compression and
   * auto format. Passed in rather than imported so formats do not import the pipeline that lists
   * them (no import cycle); it also counts nesting so recursion stays bounded.
   */
  decodeEmbedded(bytes: Uint8Array): EmbeddedValue;
}

/** One serialization format. Adding a format is one module like this plus one line in index.ts. */
export interface FormatDecoder {
  /** The `format` name of SPEC §2 values. */
  readonly name: string;
  /** Cheap check of the first bytes: may this format decode them? Used by `auto` only. */
  sniff(bytes: Uint8Array): boolean;
  /** Decodes the whole of `bytes`, or throws a DecodeError. */
  decode(bytes: Uint8Array, context: DecodeContext): Decoded;
}
