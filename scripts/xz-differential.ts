/**
 * `npm run check:xz [-- --streams 500 --seed 11]`: a differential check of tenantwatch's xz
 * decoder against liblzma. Python's lzma module (python3) writes random streams: sizes from 1 byte
 * to 300 KB of random, repetitive and mixed data, random lc/lp/pb, presets 0–9, small
 * dictionaries, and all four check types. Each must decompress byte for byte. Exits 1 on any
 * difference or error, naming the stream's number and settings (never its bytes).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decompressXz } from '../src/decode/compression/xz.js';

const GENERATOR = `
import json, lzma, random, sys
count, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
words = [b'tenant', b'project', b'"id":', b'name', b'\\x80\\x04\\x95', b'abc', b'{', b'}', b',', b'0123456789']
checks = [lzma.CHECK_NONE, lzma.CHECK_CRC32, lzma.CHECK_CRC64, lzma.CHECK_SHA256]
out = []
for i in range(count):
    kind = rng.randrange(4)
    n = rng.choice([1, 10, 100, 400, 1000, 5000, 70000, 300000])
    if kind == 0: data = bytes(rng.getrandbits(8) for _ in range(min(n, 20000)))
    elif kind == 1: data = b''.join(rng.choice(words) for _ in range(n // 4 + 1))[:n]
    elif kind == 2: data = bytes([rng.randrange(3)]) * n
    else: data = b''.join(rng.choice(words) + bytes([rng.getrandbits(8)]) for _ in range(n // 5 + 1))[:n]
    lc = rng.randrange(5); lp = rng.randrange(5 - lc); pb = rng.randrange(5)
    f = {'id': lzma.FILTER_LZMA2, 'preset': rng.randrange(10), 'lc': lc, 'lp': lp, 'pb': pb}
    if rng.random() < 0.3: f['dict_size'] = 4096 * rng.choice([1, 2, 16])
    check = rng.choice(checks)
    out.append({'settings': {k: v for k, v in f.items() if k != 'id'} | {'check': check}, 'xz': lzma.compress(data, check=check, filters=[f]).hex(), 'plain': data.hex()})
print(json.dumps(out))
`;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface Stream {
  settings: Record<string, number>;
  xz: string;
  plain: string;
}

function main(): void {
  const count = Number(arg('streams', '500'));
  const seed = Number(arg('seed', '11'));
  const streams = JSON.parse(execFileSync('python3', ['-c', GENERATOR, String(count), String(seed)], { encoding: 'utf8', maxBuffer: 1 << 30 })) as Stream[];
  let failed = 0;
  streams.forEach((s, i) => {
    const expected = Buffer.from(s.plain, 'hex');
    try {
      const out = decompressXz(Buffer.from(s.xz, 'hex'), 8 * 1024 * 1024);
      if (!expected.equals(Buffer.from(out.buffer, out.byteOffset, out.length))) throw new Error('output differs');
    } catch (error) {
      failed++;
      console.error(`stream ${i} ${JSON.stringify(s.settings)} (${expected.length} bytes): ${(error as Error).message}`);
    }
  });
  console.log(`${streams.length - failed} of ${streams.length} liblzma streams decoded byte for byte (seed ${seed})`);
  if (failed > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
