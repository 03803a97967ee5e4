import { oversized, undecodable } from '../decode-error.js';
import { BoundedOutput } from './bounded-output.js';
import { decodeLz4Block } from './lz4-block.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const UNCOMPRESSED_BLOCK = 0x80000000;

const truncated = () => undecodable('truncated lz4 frame');
const corrupt = () => undecodable('corrupt lz4 frame');

function readU32(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) throw truncated();
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

/** Decodes one frame whose header starts at `at` (just past the magic); returns the end offset. */
function decodeFrame(bytes: Uint8Array, at: number, output: BoundedOutput, maxBytes: number): number {
  if (at + 3 > bytes.length) throw truncated();
  const flags = bytes[at] ?? 0;
  const blockDescriptor = bytes[at + 1] ?? 0;
  // lz4 Frame_format.md §"Frame Descriptor": version 01, reserved bits zero.
  if (flags >> 6 !== 1 || flags & 0x02 || blockDescriptor & 0x8f) throw corrupt();
  const independentBlocks = (flags & 0x20) !== 0;
  const blockChecksums = (flags & 0x10) !== 0;
  const contentSizePresent = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const dictionaryId = (flags & 0x01) !== 0;
  const blockSizeId = (blockDescriptor >> 4) & 7;
  if (blockSizeId < 4) throw corrupt();
  const blockLimit = 1 << (8 + 2 * blockSizeId); // 4 → 64 KiB … 7 → 4 MiB
  at += 2;
  if (contentSizePresent) {
    if (at + 8 > bytes.length) throw truncated();
    if (readU32(bytes, at + 4) !== 0 || readU32(bytes, at) > maxBytes) throw oversized(maxBytes);
    at += 8;
  }
  // A dictionary is agreed out of band; we have none, so its back-references cannot resolve.
  if (dictionaryId) throw undecodable('lz4 dictionaries are not supported');
  at += 1; // header checksum: skipped, like block and content checksums (corruption still fails to decode)
  const frameStart = output.length;
  for (;;) {
    const word = readU32(bytes, at);
    at += 4;
    if (word === 0) break; // EndMark
    const size = word & ~UNCOMPRESSED_BLOCK;
    if (size > blockLimit) throw corrupt();
    if (at + size > bytes.length) throw truncated();
    if (word & UNCOMPRESSED_BLOCK) output.append(bytes, at, size);
    else decodeLz4Block(bytes, at, at + size, output, independentBlocks ? output.length : frameStart, blockLimit);
    at += size + (blockChecksums ? 4 : 0);
  }
  at += contentChecksum ? 4 : 0;
  if (at > bytes.length) throw truncated();
  return at;
}

/**
 * Decompresses the LZ4 frame format (magic 04 22 4d 18), as written by the lz4 CLI, python-lz4
 * (django-redis) and lz4js: concatenated and skippable frames, linked or independent blocks,
 * optional content size. Checksums are skipped: a corrupt stream still fails structurally, and
 * a flipped bit that decodes is caught by the format layer. Output is capped at maxBytes.
 */
export function decompressLz4Frame(bytes: Uint8Array, maxBytes: number): Uint8Array {
  // LZ4 rarely beats 4:1 on cached JSON; the buffer doubles (up to maxBytes) if it does.
  const output = new BoundedOutput(maxBytes, bytes.length * 4);
  let at = 0;
  let frames = 0;
  while (at < bytes.length) {
    const magic = readU32(bytes, at);
    if (magic === FRAME_MAGIC) {
      at = decodeFrame(bytes, at + 4, output, maxBytes);
      frames++;
    } else if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      at += 8 + readU32(bytes, at + 4);
      if (at > bytes.length) throw truncated();
    } else {
      throw corrupt();
    }
  }
  if (frames === 0) throw truncated();
  return output.result();
}
