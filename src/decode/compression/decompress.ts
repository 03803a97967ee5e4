import type { CompressionName } from '../../types.js';
import { DecodeError, undecodable } from '../decode-error.js';
import { decompressLz4Frame } from './lz4-frame.js';
import { inflateWithNodeZlib } from './node-zlib.js';
import { sniffCompression } from './sniff-compression.js';
import { decompressXz } from './xz.js';
import { decompressZstd } from './zstd.js';

/**
 * How many layers `auto` peels. Real stacks are one layer (django-redis) or two (a Keyv
 * compress plugin under an app that compresses again); more is a crafted nesting bomb.
 */
export const MAX_COMPRESSION_LAYERS = 4;

/** Applies one named compression; every output is capped at maxBytes. */
function decompressAs(compression: Exclude<CompressionName, 'auto'>, bytes: Uint8Array, maxBytes: number): Uint8Array {
  switch (compression) {
    case 'none':
      return bytes;
    case 'gzip':
    case 'zlib':
    case 'deflate':
    case 'brotli':
      return inflateWithNodeZlib(compression, bytes, maxBytes);
    case 'zstd':
      return decompressZstd(bytes, maxBytes);
    case 'lz4':
      return decompressLz4Frame(bytes, maxBytes);
    case 'xz':
      return decompressXz(bytes, maxBytes);
    default:
      throw undecodable(`compression "${String(compression)}" is not supported`);
  }
}

/** Peels compression layers recognised by their magic bytes, outermost first. */
function peelLayers(bytes: Uint8Array, maxBytes: number): Uint8Array {
  let current = bytes;
  for (let layer = 0; ; layer++) {
    const detected = sniffCompression(current);
    if (detected === undefined) return current;
    if (layer === MAX_COMPRESSION_LAYERS) throw undecodable(`more than ${MAX_COMPRESSION_LAYERS} compression layers`);
    try {
      current = decompressAs(detected, current, maxBytes);
    } catch (error) {
      // zlib's magic is two bytes and "x^" / "x\x01" can begin plain text: a stream that fails
      // to inflate there was not zlib, and the format decides. Any other failure is final.
      if (detected === 'zlib' && error instanceof DecodeError && error.reason === 'undecodable') return current;
      throw error;
    }
  }
}

/**
 * Undoes the payload's compression: `auto` peels gzip, zlib, zstd, lz4-frame and xz by magic
 * bytes, up to MAX_COMPRESSION_LAYERS deep; a named compression is applied exactly once.
 * Throws DecodeError: `oversized` past maxBytes, `undecodable` for truncated or corrupt streams.
 */
export function decompress(bytes: Uint8Array, compression: CompressionName, maxBytes: number): Uint8Array {
  return compression === 'auto' ? peelLayers(bytes, maxBytes) : decompressAs(compression, bytes, maxBytes);
}
