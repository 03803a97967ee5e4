import type { FormatName } from '../types.js';
import { DecodeError, undecodable } from './decode-error.js';
import { FORMATS, findFormat, type DecodeContext, type EmbeddedValue } from './formats/index.js';

/**
 * `auto`: every format whose sniff() accepts the bytes, in FORMATS order; the first success
 * wins. A conclusive failure (oversized, a recognised-but-broken Keyv envelope) ends the search.
 * Never falls back to text (SPEC §2).
 */
function decodeAuto(bytes: Uint8Array, namedContext: DecodeContext): EmbeddedValue {
  const context: DecodeContext = { ...namedContext, sniffed: true };
  let lastError: DecodeError | undefined;
  for (const decoder of FORMATS) {
    if (!decoder.sniff(bytes)) continue;
    try {
      return { value: decoder.decode(bytes, context), format: decoder.name };
    } catch (error) {
      if (!(error instanceof DecodeError) || error.conclusive) throw error;
      // The last candidate is the most general one (JSON after Keyv): its reason reads best.
      lastError = error;
    }
  }
  if (lastError) throw lastError;
  throw undecodable(bytes.length === 0 ? 'empty value' : 'no known format', { format: 'auto' });
}

/** Decodes uncompressed bytes as `format` (or by sniffing, for `auto`). */
export function decodeFormat(bytes: Uint8Array, format: FormatName, context: DecodeContext): EmbeddedValue {
  if (format === 'auto') return decodeAuto(bytes, context);
  const decoder = findFormat(format);
  if (decoder === undefined) throw undecodable(`format "${format}" is not supported`, { format });
  try {
    return { value: decoder.decode(bytes, context), format: decoder.name };
  } catch (error) {
    if (error instanceof DecodeError && error.format === undefined) {
      throw new DecodeError(error.reason, error.message, { format: decoder.name, conclusive: error.conclusive });
    }
    throw error;
  }
}
