/**
 * `npm run bench:decode` (also the first part of `npm run bench`): decode throughput per format
 * on the real-library fixtures (test/fixtures/frameworks/*, the clean values), against plain
 * JSON of a ~400-byte record measured in the same run. Target: no format below half of JSON's
 * keys/s, so no format caps a sweep below half the JSON figure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeValue } from '../src/decode/decode-value.js';

const ROOT = 'test/fixtures/frameworks';
const MIN_MS = 400;

interface Manifest {
  framework: string;
  pattern: { format: string };
  fixtures: { file: string; expect: string[] }[];
}

function measure(values: Uint8Array[], format: string): { keysPerSec: number; mbPerSec: number } {
  const opts = { format, compression: 'auto' as const, base64: false, maxBytes: 1024 * 1024, maxDepth: 256 };
  let n = 0;
  let bytes = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_MS) {
    for (let i = 0; i < 1000; i++) {
      const v = values[i % values.length]!;
      const r = decodeValue(v, opts);
      if (!r.ok) throw new Error(`${format} fixture did not decode: ${r.detail}`);
      bytes += v.length;
      n++;
    }
  }
  const secs = (performance.now() - start) / 1000;
  return { keysPerSec: n / secs, mbPerSec: bytes / secs / 1024 / 1024 };
}

export function runDecodeBench(): string[] {
  const record = JSON.stringify({ id: 1041, tenant_id: 'tenant-042', name: 'project 1041', owner: 'someone@example.com', notes: 'x'.repeat(300) });
  const json = measure([Buffer.from(record)], 'json');
  const rows = [`| format | fixtures | avg bytes | keys/s | MB/s | vs JSON keys/s | vs JSON MB/s |`, `|---|---|---|---|---|---|---|`];
  rows.push(`| json (baseline, ${record.length} B record) | 1 | ${record.length} | ${Math.round(json.keysPerSec)} | ${json.mbPerSec.toFixed(1)} | 1.00 | 1.00 |`);
  const dirs = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'manifest.json')));
  for (const d of dirs) {
    const m = JSON.parse(readFileSync(join(ROOT, d.name, 'manifest.json'), 'utf8')) as Manifest;
    // Values that decode (clean or poisoned) are what a sweep spends its time on; hostile and
    // unsupported ones fail fast and would flatter the figure.
    const opts = { format: m.pattern.format, compression: 'auto' as const, base64: false, maxBytes: 1024 * 1024, maxDepth: 256 };
    const values = m.fixtures
      .filter((f) => !f.expect.some((k) => k === 'undecodable' || k === 'oversized'))
      .map((f) => new Uint8Array(readFileSync(join(ROOT, d.name, f.file))))
      .filter((v) => decodeValue(v, opts).ok);
    if (values.length === 0) continue;
    const r = measure(values, m.pattern.format);
    const avg = Math.round(values.reduce((a, v) => a + v.length, 0) / values.length);
    rows.push(`| ${m.pattern.format} (${m.framework}) | ${values.length} | ${avg} | ${Math.round(r.keysPerSec)} | ${r.mbPerSec.toFixed(1)} | ${(r.keysPerSec / json.keysPerSec).toFixed(2)} | ${(r.mbPerSec / json.mbPerSec).toFixed(2)} |`);
  }
  return rows;
}

if (process.argv[1]?.endsWith('decode-bench.js')) process.stdout.write(runDecodeBench().join('\n') + '\n');
