/** Compressions recognisable by their leading magic bytes. */
export type SniffedCompression = 'gzip' | 'zlib' | 'zstd' | 'lz4' | 'xz';

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const LZ4_FRAME = [0x04, 0x22, 0x4d, 0x18];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
// CMF 0x78 (deflate, 32 KiB window) with the FLG bytes of the four zlib levels. Other FLG values
// are valid zlib too, but nothing common writes them and each extra one is a text prefix we
// would mistake for compression.
const ZLIB_LEVEL_FLAGS = new Set([0x01, 0x5e, 0x9c, 0xda]);

/** The compression whose magic bytes start `bytes`, if any (django-redis writes no other marker). */
export function sniffCompression(bytes: Uint8Array): SniffedCompression | undefined {
  if (startsWith(bytes, GZIP)) return 'gzip';
  if (bytes[0] === 0x78 && bytes.length >= 2 && ZLIB_LEVEL_FLAGS.has(bytes[1] ?? -1)) return 'zlib';
  if (startsWith(bytes, ZSTD)) return 'zstd';
  if (startsWith(bytes, LZ4_FRAME)) return 'lz4';
  if (startsWith(bytes, XZ)) return 'xz';
  return undefined;
}
