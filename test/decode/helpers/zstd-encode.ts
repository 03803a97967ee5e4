/**
 * Minimal zstd frames for tests (RFC 8878), built from raw and RLE blocks only: enough to give
 * the decoder arbitrary content and hostile headers without a compressor. Compressed blocks
 * come from the real zstd CLI (test/fixtures/decode).
 */
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const MAX_BLOCK = 128 * 1024;

function blockHeader(size: number, type: 0 | 1, last: boolean): number[] {
  const header = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [header & 0xff, (header >>> 8) & 0xff, (header >>> 16) & 0xff];
}

/** A window descriptor byte for a window of 2^log bytes. */
export function windowDescriptor(log: number): number {
  return (log - 10) << 3;
}

/** One frame of raw blocks; without a content size, so the window descriptor decides. */
export function encodeZstdRaw(data: Uint8Array, windowLog = 17): Uint8Array {
  const out: number[] = [...MAGIC, 0x00, windowDescriptor(windowLog)];
  let start = 0;
  do {
    const end = Math.min(data.length, start + MAX_BLOCK);
    out.push(...blockHeader(end - start, 0, end === data.length));
    for (let i = start; i < end; i++) out.push(data[i] ?? 0);
    start = end;
  } while (start < data.length);
  return Uint8Array.from(out);
}

/** A bomb: `blocks` RLE blocks of 128 KiB of zeros (4 bytes each) behind a window of 2^windowLog. */
export function zstdZeroBomb(blocks: number, windowLog: number): Uint8Array {
  const out: number[] = [...MAGIC, 0x00, windowDescriptor(windowLog)];
  for (let i = 0; i < blocks; i++) out.push(...blockHeader(MAX_BLOCK, 1, i === blocks - 1), 0x00);
  return Uint8Array.from(out);
}

/** A single-segment frame header declaring `contentSize` (4-byte field), then one empty raw block. */
export function zstdDeclaringSize(contentSize: number): Uint8Array {
  return Uint8Array.from([...MAGIC, 0xa0, contentSize & 0xff, (contentSize >>> 8) & 0xff, (contentSize >>> 16) & 0xff, (contentSize >>> 24) & 0xff, ...blockHeader(0, 0, true)]);
}
