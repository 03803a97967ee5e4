import type { DecodeContext } from '../../../src/decode/formats/format-decoder.js';
import { readFileSync } from 'node:fs';
import type { DecodeOptions } from '../../../src/decode/decode-value.js';

/** Reads a binary fixture of test/fixtures/decode (see generate.sh there). */
export function fixture(name: string): Uint8Array {
  return readFileSync(new URL(`../../fixtures/decode/${name}`, import.meta.url));
}

export const MiB = 1024 * 1024;

/** Options of a typical pattern: auto everything, the default 1 MiB value size, depth 256. */
export function options(overrides: Partial<DecodeOptions> = {}): DecodeOptions {
  return { format: 'auto', compression: 'auto', base64: false, maxBytes: MiB, maxDepth: 256, ...overrides };
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The record every sample fixture holds. */
export const SAMPLE = { id: 1041, tenant_id: 't-a', name: 'x' };
export const SAMPLE_JSON = JSON.stringify(SAMPLE);

/** A context as the pipeline builds one for a pattern naming its format (no embedded payloads). */
export function formatContext(overrides: Partial<DecodeContext> = {}): DecodeContext {
  return {
    maxBytes: 1024 * 1024,
    maxDepth: 256,
    sniffed: false,
    decodeEmbedded: () => {
      throw new Error('unused');
    },
    ...overrides,
  };
}
