/**
 * `npm run bench:decode` (also the first part of `npm run bench`): decode throughput per format.
 *
 * Table 1, like for like (the issue-5 target): ONE ~400-byte record — tenant_id, id, name and a
 * few fields — as each framework's real serializer writes it (test/fixtures/frameworks/
 * like-for-like, made by its generate.py), decoded with the options a sweep uses. Rounds alternate
 * the rows and each row keeps its best round, so a noisy neighbour cannot favour one format.
 * Target: every format at least half of JSON's keys/s, so no format's decode caps a sweep below
 * half the JSON figure.
 *
 * Table 2: the real-library fixtures of each framework folder (the clean and poisoned values that
 * decode), which mix sizes and shapes; informative only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { decodeValue, type DecodeOptions } from '../src/decode/decode-value.js';
import type { CompressionName, FormatName } from '../src/types.js';

const ROOT = 'test/fixtures/frameworks';
const LIKE_FOR_LIKE = join(ROOT, 'like-for-like');
const MIN_MS = 200;
const ROUNDS = 5;
/** The target: each format's keys/s at least this share of JSON's. */
const TARGET_RATIO = 0.5;

interface Measured {
  keysPerSec: number;
  mbPerSec: number;
}

interface Manifest {
  framework: string;
  pattern: { format: string };
  fixtures: { file: string; expect: string[] }[];
}

interface LikeForLike {
  record: Record<string, unknown>;
  files: { file: string; format: string; compression: string; label: string }[];
}

function optionsFor(format: string, compression = 'auto'): DecodeOptions {
  return { format: format as FormatName, compression: compression as CompressionName, base64: false, maxBytes: 1024 * 1024, maxDepth: 256 };
}

function measure(values: Uint8Array[], opts: DecodeOptions): Measured {
  let n = 0;
  let bytes = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_MS) {
    for (let i = 0; i < 1000; i++) {
      const v = values[i % values.length]!;
      const r = decodeValue(v, opts);
      if (!r.ok) throw new Error(`${opts.format} value did not decode: ${r.detail}`);
      bytes += v.length;
      n++;
    }
  }
  const secs = (performance.now() - start) / 1000;
  return { keysPerSec: n / secs, mbPerSec: bytes / secs / 1024 / 1024 };
}

/** Best of ROUNDS alternating rounds per row. */
function measureRows(rows: { values: Uint8Array[]; opts: DecodeOptions }[]): Measured[] {
  const best: Measured[] = rows.map(() => ({ keysPerSec: 0, mbPerSec: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    rows.forEach((row, i) => {
      const m = measure(row.values, row.opts);
      if (m.keysPerSec > best[i]!.keysPerSec) best[i] = m;
    });
  }
  return best;
}

/** Fields as every format carries them: Ruby/Java/PHP floats and ints all become numbers here. */
function sameRecord(decoded: unknown, record: Record<string, unknown>): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(decoded)), record);
}

function likeForLikeRows(): string[] {
  const spec = JSON.parse(readFileSync(join(LIKE_FOR_LIKE, 'records.json'), 'utf8')) as LikeForLike;
  const rows = spec.files.map((f) => {
    const bytes = new Uint8Array(readFileSync(join(LIKE_FOR_LIKE, f.file)));
    const opts = optionsFor(f.format, f.compression);
    const decoded = decodeValue(bytes, opts);
    // A row only counts if it decodes to the very same record: same content, only the format differs.
    if (!decoded.ok || !sameRecord(decoded.value, spec.record)) throw new Error(`${f.file} does not decode to the like-for-like record`);
    return { ...f, bytes, values: [bytes], opts };
  });
  const measured = measureRows(rows);
  const json = measured[rows.findIndex((r) => r.format === 'json')]!;
  const out = [
    `| format | stored bytes | keys/s | MB/s | keys/s vs JSON | target ≥ ${TARGET_RATIO} |`,
    `|---|---|---|---|---|---|`,
  ];
  rows.forEach((row, i) => {
    const m = measured[i]!;
    const ratio = m.keysPerSec / json.keysPerSec;
    const name = `${row.label} (\`${row.format}\`)`;
    out.push(`| ${name} | ${row.bytes.length} | ${Math.round(m.keysPerSec)} | ${m.mbPerSec.toFixed(1)} | ${ratio.toFixed(2)} | ${ratio >= TARGET_RATIO ? 'met' : '**missed**'} |`);
  });
  return out;
}

function frameworkFixtureRows(): string[] {
  const dirs = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'manifest.json')));
  const rows: { name: string; values: Uint8Array[]; opts: DecodeOptions }[] = [];
  for (const d of dirs) {
    const m = JSON.parse(readFileSync(join(ROOT, d.name, 'manifest.json'), 'utf8')) as Manifest;
    // Values that decode (clean or poisoned) are what a sweep spends its time on; hostile and
    // unsupported ones fail fast and would flatter the figure.
    const opts = optionsFor(m.pattern.format);
    const values = m.fixtures
      .filter((f) => !f.expect.some((k) => k === 'undecodable' || k === 'oversized'))
      .map((f) => new Uint8Array(readFileSync(join(ROOT, d.name, f.file))))
      .filter((v) => decodeValue(v, opts).ok);
    if (values.length > 0) rows.push({ name: `${m.pattern.format} (${m.framework})`, values, opts });
  }
  const measured = measureRows(rows);
  const out = [`| format (fixtures) | values | avg bytes | keys/s | MB/s |`, `|---|---|---|---|---|`];
  rows.forEach((row, i) => {
    const m = measured[i]!;
    const avg = Math.round(row.values.reduce((a, v) => a + v.length, 0) / row.values.length);
    out.push(`| ${row.name} | ${row.values.length} | ${avg} | ${Math.round(m.keysPerSec)} | ${m.mbPerSec.toFixed(1)} |`);
  });
  return out;
}

export function runDecodeBench(): string[] {
  return [
    '### Like for like: one ~400-byte record per format',
    '',
    ...likeForLikeRows(),
    '',
    '### Real-library fixtures per framework (mixed sizes; informative)',
    '',
    ...frameworkFixtureRows(),
  ];
}

if (process.argv[1]?.endsWith('decode-bench.js')) process.stdout.write(runDecodeBench().join('\n') + '\n');
