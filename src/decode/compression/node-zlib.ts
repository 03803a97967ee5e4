import zlib from 'node:zlib';
import { DecodeError, oversized, undecodable } from '../decode-error.js';

/** The compressions Node's zlib binding decodes natively. */
export type NodeZlibCompression = 'gzip' | 'zlib' | 'deflate' | 'brotli';

const INFLATE: Record<NodeZlibCompression, (bytes: Uint8Array, options: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer> = {
  gzip: zlib.gunzipSync,
  zlib: zlib.inflateSync,
  deflate: zlib.inflateRawSync,
  brotli: zlib.brotliDecompressSync,
};

/**
 * Decompresses with Node's zlib, output capped at `maxBytes`. maxOutputLength makes the binding
 * stop (ERR_BUFFER_TOO_LARGE) as soon as the output passes the cap, so a bomb costs about
 * maxBytes plus one 16 KiB chunk, never its full inflated size.
 */
export function inflateWithNodeZlib(kind: NodeZlibCompression, bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes.length === 0) throw undecodable(`empty ${kind} stream`);
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    // info: the engine says how much input the stream used, so bytes after its end are seen.
    result = INFLATE[kind](bytes, { maxOutputLength: maxBytes, info: true } as zlib.ZlibOptions) as unknown as typeof result;
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw oversized(maxBytes);
    // zlib's "unexpected end of file" (Z_BUF_ERROR) is a stream cut short; the rest is corruption.
    if (code === 'Z_BUF_ERROR') throw undecodable(`truncated ${kind} stream`);
    throw undecodable(`corrupt ${kind} stream`);
  }
  // The stream ended before the value did: what follows was not read, so it is not called clean.
  const unread = bytes.length - result.engine.bytesWritten;
  if (unread > 0) throw undecodable(`bytes after the end of the ${kind} stream`);
  return result.buffer;
}
