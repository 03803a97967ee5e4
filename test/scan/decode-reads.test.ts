import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffCompression } from '../../src/decode/compression/sniff-compression.js';
import type { DecodeOptions } from '../../src/decode/decode-value.js';
import { DecompressPool } from '../../src/decode/threads/decompress-pool.js';
import { decodeReads, MIN_VALUES_TO_OFFLOAD } from '../../src/scan/decode-reads.js';
import type { DecodeResult, ReadValue } from '../../src/types.js';
import { compiledThreadScript } from '../helpers/thread-script.js';

const ROOT = 'test/fixtures/frameworks';
const pool = new DecompressPool({ threads: 2, script: compiledThreadScript() });
afterAll(() => pool.close());

const options = (over: Partial<DecodeOptions> = {}): DecodeOptions => ({ format: 'auto', compression: 'auto', base64: false, maxBytes: 1024 * 1024, maxDepth: 64, ...over });
const value = (bytes: Buffer): ReadValue => ({ status: 'value', bytes, redisType: 'string' });

/** Every string value the real framework libraries wrote, with the format its manifest names. */
function frameworkReads(): { reads: ReadValue[]; opts: DecodeOptions[] } {
  const reads: ReadValue[] = [];
  const opts: DecodeOptions[] = [];
  for (const dir of readdirSync(ROOT)) {
    if (!existsSync(join(ROOT, dir, 'manifest.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'manifest.json'), 'utf8')) as { pattern: { format: string; type?: string; compression?: string }; fixtures: { file: string }[] };
    if (manifest.pattern.type === 'hash') continue;
    for (const f of manifest.fixtures) {
      reads.push(value(readFileSync(join(ROOT, dir, f.file))));
      opts.push(options({ format: manifest.pattern.format as DecodeOptions['format'], ...(manifest.pattern.compression ? { compression: manifest.pattern.compression as DecodeOptions['compression'] } : {}) }));
    }
  }
  return { reads, opts };
}

/** A result without its value: toEqual on values would walk a reference bomb's DAG for ever. */
const outcome = (r: DecodeResult | undefined) => r && (r.ok ? { ok: true, format: r.format } : r);

/** Deep equality that visits each pair of shared objects once (hostile fixtures share a lot). */
function sameShape(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameShape((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], seen));
}

describe('decodeReads', () => {
  it('decodes compressed values peeled on the threads exactly as it decodes them in process', async () => {
    const { reads, opts } = frameworkReads();
    // Beside the fixtures: what a batch also holds, and what must not go to a thread.
    const gz = gzipSync(Buffer.from('{"tenant_id":"acme"}'));
    reads.push(value(Buffer.alloc(0)), value(gz.subarray(0, 12)), value(Buffer.from(gz.toString('base64'))), { status: 'hash', fields: { a: Buffer.from('1') }, size: 1 }, { status: 'oversized', size: 9, redisType: 'string' });
    opts.push(options(), options(), options({ base64: true }), options(), options());
    reads.push(value(gz), value(gz));
    opts.push(options({ maxBytes: 10 }), options({ compression: 'zstd' }));

    // Every value decodeValue would decompress goes to a thread, and only those: the base64
    // one, the empty one and the plain ones stay.
    const compressed = reads.filter((r, i) => r.status === 'value' && !opts[i]!.base64 && (opts[i]!.compression !== 'auto' || sniffCompression(r.bytes) !== undefined)).length;
    expect(compressed).toBeGreaterThanOrEqual(14);
    const [sent, peeled] = [pool.valuesSent, pool.valuesPeeled];
    const threaded = await decodeReads(reads, opts, pool, 1);
    expect(pool.valuesSent - sent).toBe(compressed);
    expect(pool.valuesPeeled - peeled).toBe(compressed);
    const local = await decodeReads(reads, opts);
    expect(threaded.map(outcome)).toEqual(local.map(outcome));
    threaded.forEach((r, i) => {
      if (r?.ok) expect(sameShape(r.value, (local[i] as typeof r).value), `value ${i}`).toBe(true);
    });
    // The comparison covers both outcomes: decoded values and every kind of failure.
    expect(threaded.filter((r) => r?.ok).length).toBeGreaterThan(100);
    expect(new Set(threaded.filter((r) => r && !r.ok).map((r) => r!.ok === false && r!.reason))).toEqual(new Set(['undecodable', 'oversized']));
  });

  it('decompresses a batch with few compressed values on its own thread', async () => {
    const reads = Array.from({ length: MIN_VALUES_TO_OFFLOAD - 1 }, (_, i) => value(gzipSync(Buffer.from(`{"tenant_id":"t${i}"}`))));
    const opts = reads.map(() => options());
    const before = pool.jobsSent;
    const results = await decodeReads(reads, opts, pool);
    expect(pool.jobsSent).toBe(before);
    expect(results.map((r) => r?.ok && r.value)).toEqual(reads.map((_, i) => ({ tenant_id: `t${i}` })));
  });

  it('sends a batch with enough compressed values to the threads', async () => {
    const reads = Array.from({ length: MIN_VALUES_TO_OFFLOAD }, (_, i) => value(gzipSync(Buffer.from(`{"tenant_id":"t${i}"}`))));
    reads.push(value(Buffer.from('{"tenant_id":"plain"}')));
    const before = pool.jobsSent;
    const results = await decodeReads(reads, reads.map(() => options()), pool);
    expect(pool.jobsSent).toBe(before + 1);
    expect(results.map((r) => r?.ok && r.value)).toEqual([...reads.slice(0, -1).map((_, i) => ({ tenant_id: `t${i}` })), { tenant_id: 'plain' }]);
  });

  it('decodes on its own thread the values a dead thread did not answer for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-thread-'));
    const dying = new DecompressPool({ threads: 1, script: join(dir, 'dies.mjs') });
    try {
      // Answers its first job, then dies on the next.
      writeFileSync(
        join(dir, 'dies.mjs'),
        [
          "import { parentPort } from 'node:worker_threads';",
          `import { peelJob } from ${JSON.stringify(pathToFileURL(join(dirname(compiledThreadScript()), 'peel-job.js')).href)};`,
          'let jobs = 0;',
          'parentPort.on("message", (req) => {',
          '  if (++jobs > 1) process.exit(9);',
          '  const res = peelJob(req);',
          '  parentPort.postMessage(res, [res.output]);',
          '});',
        ].join('\n'),
      );
      // 600 values: three jobs, the first answered, the other two lost with the thread.
      const reads = Array.from({ length: 600 }, (_, i) => value(gzipSync(Buffer.from(`{"tenant_id":"t${i}"}`))));
      const results = await decodeReads(reads, reads.map(() => options()), dying);
      expect(dying.jobsSent).toBeGreaterThanOrEqual(2);
      expect(dying.valuesPeeled).toBe(256);
      expect(results.map((r) => r?.ok && r.value)).toEqual(reads.map((_, i) => ({ tenant_id: `t${i}` })));
    } finally {
      await dying.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
