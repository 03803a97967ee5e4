/** Bytes a fixed-size msgpack head occupies, value included (0 = not a fixed-size head). */
const FIXED_SIZE = new Uint8Array(256);
for (let b = 0x00; b <= 0x7f; b++) FIXED_SIZE[b] = 1; // positive fixint
for (let b = 0xe0; b <= 0xff; b++) FIXED_SIZE[b] = 1; // negative fixint
for (let b = 0xa0; b <= 0xbf; b++) FIXED_SIZE[b] = 1 + (b & 0x1f); // fixstr
for (const [head, size] of [
  [0xc0, 1], [0xc2, 1], [0xc3, 1], // nil, false, true
  [0xca, 5], [0xcb, 9], // float 32/64
  [0xcc, 2], [0xcd, 3], [0xce, 5], [0xcf, 9], // uint 8/16/32/64
  [0xd0, 2], [0xd1, 3], [0xd2, 5], [0xd3, 9], // int 8/16/32/64
  [0xd4, 3], [0xd5, 4], [0xd6, 6], [0xd7, 10], [0xd8, 18], // fixext 1/2/4/8/16
] as const) {
  FIXED_SIZE[head] = size;
}

function readLength(bytes: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

/**
 * Whether msgpack bytes nest maps and arrays deeper than `maxDepth` (`{}` is depth 1). Walks
 * the heads without building anything, so a hostile 1 MiB of 0x91 (a million nested arrays)
 * is refused before @msgpack/msgpack spends ~150 MB of heap on it. Malformed or truncated
 * input returns false: the decoder reports that.
 */
export function exceedsMsgpackDepth(bytes: Uint8Array, maxDepth: number): boolean {
  const pending: number[] = []; // elements still expected by each open container
  let at = 0;
  while (at < bytes.length) {
    const head = bytes[at] ?? 0;
    let size = FIXED_SIZE[head] ?? 0;
    let children = -1; // -1: not a container
    if (head >= 0x80 && head <= 0x8f) [size, children] = [1, 2 * (head & 0x0f)];
    else if (head >= 0x90 && head <= 0x9f) [size, children] = [1, head & 0x0f];
    else if (head === 0xdc || head === 0xdd) [size, children] = [head === 0xdc ? 3 : 5, readLength(bytes, at + 1, head === 0xdc ? 2 : 4)];
    else if (head === 0xde || head === 0xdf) [size, children] = [head === 0xde ? 3 : 5, 2 * readLength(bytes, at + 1, head === 0xde ? 2 : 4)];
    else if (head >= 0xc4 && head <= 0xc6) size = 1 + (1 << (head - 0xc4)) + readLength(bytes, at + 1, 1 << (head - 0xc4)); // bin
    else if (head >= 0xd9 && head <= 0xdb) size = 1 + (1 << (head - 0xd9)) + readLength(bytes, at + 1, 1 << (head - 0xd9)); // str
    else if (head >= 0xc7 && head <= 0xc9) size = 2 + (1 << (head - 0xc7)) + readLength(bytes, at + 1, 1 << (head - 0xc7)); // ext
    else if (size === 0) return false; // 0xc1, never used
    at += size;
    if (children >= 0) {
      if (pending.length + 1 > maxDepth) return true;
      if (children > 0) {
        pending.push(children);
        continue;
      }
    }
    // One value complete: it fills a slot of the innermost open container, maybe closing it.
    while (pending.length > 0) {
      const last = pending.length - 1;
      const left = (pending[last] ?? 1) - 1;
      if (left > 0) {
        pending[last] = left;
        break;
      }
      pending.pop();
    }
    if (pending.length === 0) return false; // the top-level value is complete
  }
  return false;
}
