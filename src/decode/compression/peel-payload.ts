import type { CompressionName } from '../../types.js';
import { oversized } from '../decode-error.js';
import { decompress } from './decompress.js';

/**
 * The size check and decompression that begin every decode (decodePayload), and all a
 * decompression thread runs (`../threads/`): the rest, decodePayload with compression `none`,
 * is then the same path. Throws DecodeError.
 */
export function peelPayload(bytes: Uint8Array, compression: CompressionName, maxBytes: number): Uint8Array {
  if (bytes.length > maxBytes) throw oversized(maxBytes, 'value size');
  return decompress(bytes, compression, maxBytes);
}
