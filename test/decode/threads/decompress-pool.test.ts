import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decompress } from '../../../src/decode/compression/decompress.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { DecompressPool, type PeelItem, type Peeled } from '../../../src/decode/threads/decompress-pool.js';
import { DecompressThreadFailed } from '../../../src/decode/threads/decompress-thread-failed.js';
import { compiledThreadScript } from '../../helpers/thread-script.js';

const DJANGO = 'test/fixtures/frameworks/django-redis';
const MIB = 1024 * 1024;
const pools: DecompressPool[] = [];

function pool(threads = 1, script = compiledThreadScript()): DecompressPool {
  const p = new DecompressPool({ threads, script });
  pools.push(p);
  return p;
}

async function peelAll(p: DecompressPool, items: PeelItem[]): Promise<Peeled[]> {
  const out: Peeled[] = [];
  const order: number[] = [];
  await p.peel(items, (i, peeled) => {
    order.push(i);
    // Copy: the bytes are a view of the job's answer.
    out[i] = peeled.ok ? { ok: true, bytes: Buffer.from(peeled.bytes) } : peeled;
  });
  // Each value exactly once (jobs on different threads may answer in either order).
  expect(order.sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
  return out;
}

/** A thread script doing the real thread's work, except that `dies` runs first on each job. */
function dyingThread(dies: string): string {
  return [
    "import { parentPort } from 'node:worker_threads';",
    `import { peelJob } from ${JSON.stringify(pathToFileURL(join(dirname(compiledThreadScript()), 'peel-job.js')).href)};`,
    'parentPort.on("message", (req) => {',
    `  ${dies}`,
    '  const res = peelJob(req);',
    '  parentPort.postMessage(res, [res.output]);',
    '});',
  ].join('\n');
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('DecompressPool', () => {
  it('decompresses every value on a thread exactly as decompress does here', async () => {
    const items: PeelItem[] = ['lzma-acme.bin', 'zlib-globex.bin', 'lz4-acme.bin', 'zstd-reproduced-globex.bin', 'gzip-reproduced-acme.bin', 'dict-acme.bin', 'zlib-short-none.bin'].map((f) => ({
      bytes: readFileSync(join(DJANGO, f)),
      compression: 'auto',
      maxBytes: MIB,
    }));
    items.push({ bytes: deflateSync(Buffer.from('{"tenant_id":"acme"}')).subarray(2, -4), compression: 'deflate', maxBytes: MIB });
    const peeled = await peelAll(pool(), items);
    expect(peeled).toEqual(items.map((i) => ({ ok: true, bytes: Buffer.from(decompress(i.bytes, i.compression, i.maxBytes)) })));
    // Not a pass-through: the xz fixture came back as the pickle inside it.
    const first = peeled[0]!;
    expect(first.ok && [...first.bytes.subarray(0, 2)]).toEqual([0x80, 0x04]);
    expect(Buffer.from(items[0]!.bytes.subarray(0, 6)).toString('latin1')).toBe('\xfd7zXZ\0');
  });

  it('answers a corrupt or oversized value with its DecodeError and its neighbours with their bytes', async () => {
    const good = gzipSync(Buffer.from('{"tenant_id":"acme"}'));
    const xz = readFileSync(join(DJANGO, 'lzma-acme.bin'));
    const items: PeelItem[] = [
      { bytes: good, compression: 'auto', maxBytes: MIB },
      { bytes: xz.subarray(0, xz.length - 9), compression: 'auto', maxBytes: MIB },
      { bytes: readFileSync(join(DJANGO, 'hostile-xz-bomb.bin')), compression: 'auto', maxBytes: 64 * 1024 },
      { bytes: Buffer.alloc(300, 1), compression: 'auto', maxBytes: 200 },
      { bytes: good, compression: 'zstd', maxBytes: MIB },
    ];
    const peeled = await peelAll(pool(), items);
    expect(peeled[0]).toEqual({ ok: true, bytes: Buffer.from('{"tenant_id":"acme"}') });
    const failures = peeled.slice(1).map((p) => (p.ok ? 'ok' : [p.error instanceof DecodeError, p.error.reason, p.error.message]));
    const local = items.slice(1).map((i) => {
      try {
        if (i.bytes.length > i.maxBytes) throw new DecodeError('oversized', `value size exceeds ${i.maxBytes} bytes`);
        decompress(i.bytes, i.compression, i.maxBytes);
        return 'ok';
      } catch (e) {
        const d = e as DecodeError;
        return [true, d.reason, d.message];
      }
    });
    expect(failures).toEqual(local);
    expect(failures.map((f) => f[1])).toEqual(['undecodable', 'oversized', 'oversized', 'undecodable']);
  });

  it('splits a job whose answer passes its output cap and sends the rest again', async () => {
    // Four values that inflate to 6 MiB each, each of its own letter: the first job stops once
    // it holds 16 MiB, and the rest must land at their own indexes.
    const plains = ['a', 'b', 'c', 'd'].map((c) => Buffer.alloc(6 * MIB, c));
    const p = pool();
    const peeled = await peelAll(p, plains.map((plain) => ({ bytes: gzipSync(plain), compression: 'auto' as const, maxBytes: 8 * MIB })));
    expect(peeled.map((x) => x.ok && Buffer.from(x.bytes).equals(plains[peeled.indexOf(x)]!))).toEqual([true, true, true, true]);
    expect(p.jobsSent).toBe(2);
    expect(p.valuesSent).toBe(4 + 1);
  });

  it('sends a batch of a thousand values as four jobs of at most 256', async () => {
    const value = gzipSync(Buffer.from('{"tenant_id":"acme"}'));
    const p = pool(2);
    const items = Array.from({ length: 1000 }, (_, i) => ({ bytes: i % 2 ? value : gzipSync(Buffer.from(String(i))), compression: 'auto' as const, maxBytes: MIB }));
    const peeled = await peelAll(p, items);
    expect(peeled.map((x) => x.ok && x.bytes.toString())).toEqual(items.map((_, i) => (i % 2 ? '{"tenant_id":"acme"}' : String(i))));
    expect(p.jobsSent).toBe(4);
  });

  it('fails the jobs of a thread that dies with one clear error, and starts a new thread for the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-thread-'));
    try {
      // The real thread's work, except that a value starting with 0xEE ends it.
      const script = join(dir, 'dies-on-ee.mjs');
      writeFileSync(
        script,
        dyingThread('if (new Uint8Array(req.input)[0] === 0xee) process.exit(5);'),
      );
      const p = pool(1, script);
      const failure = p.peel([{ bytes: Buffer.from([0xee, 1, 2]), compression: 'auto', maxBytes: MIB }], () => undefined);
      await expect(failure).rejects.toThrow(DecompressThreadFailed);
      await expect(failure).rejects.toThrow('decompression thread exited with code 5');
      const [after] = await peelAll(p, [{ bytes: gzipSync('after'), compression: 'auto', maxBytes: MIB }]);
      expect(after?.ok && Buffer.from(after.bytes).toString()).toBe('after');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails its jobs with one clear error when no thread can start, and gives up after three', async () => {
    const failures: string[] = [];
    const p = new DecompressPool({ threads: 1, script: join(tmpdir(), 'tw-no-such-thread.js'), onThreadFailure: (err) => failures.push(err.message) });
    pools.push(p);
    const one = () => p.peel([{ bytes: gzipSync('x'), compression: 'auto', maxBytes: MIB }], () => undefined);
    for (let i = 0; i < 3; i++) await expect(one()).rejects.toThrow(/^decompression thread (failed|could not start): .*tw-no-such-thread/);
    await expect(one()).rejects.toThrow(/^decompression threads disabled after 3 failed to start; last: .*tw-no-such-thread/);
    await expect(one()).rejects.toThrow(/^decompression threads disabled/);
    expect(p.jobsSent).toBe(3);
    expect(failures).toHaveLength(3);
  });

  it("rejects with the caller's own error over a thread's failure in the same batch", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-thread-'));
    try {
      const script = join(dir, 'dies-on-ee.mjs');
      writeFileSync(script, dyingThread('if (new Uint8Array(req.input)[0] === 0xee) process.exit(5);'));
      const p = pool(2, script);
      // Two jobs: the first kills its thread; the second is answered, and handling it throws.
      const items: PeelItem[] = Array.from({ length: 257 }, (_, i) => ({ bytes: i === 0 ? Buffer.from([0xee]) : gzipSync(String(i)), compression: 'auto', maxBytes: MIB }));
      const bug = new TypeError('a bug in the caller');
      await expect(
        p.peel(items, (i) => {
          if (i === 256) throw bug;
        }),
      ).rejects.toBe(bug);
      expect(p.valuesPeeled).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the jobs still waiting when it is closed mid-batch', async () => {
    const p = pool();
    const big = gzipSync(Buffer.alloc(4 * MIB, 'z'));
    const seen: number[] = [];
    const work = p.peel(Array.from({ length: 40 }, () => ({ bytes: big, compression: 'auto' as const, maxBytes: 8 * MIB })), (i) => seen.push(i));
    const failed = expect(work).rejects.toThrow('decompression pool closed');
    await p.close();
    await failed;
    expect(seen.length).toBeLessThan(40);
  });

  it('refuses work once closed', async () => {
    const p = pool();
    await p.close();
    await expect(p.peel([{ bytes: gzipSync('x'), compression: 'auto', maxBytes: MIB }], () => undefined)).rejects.toThrow('decompression pool closed');
  });

  it('does not keep a process alive once its work is done, even unclosed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-thread-'));
    const poolModule = new URL('../../../dist/src/decode/threads/decompress-pool.js', import.meta.url).href;
    const program = `
      import { gzipSync } from 'node:zlib';
      const { DecompressPool } = await import(${JSON.stringify(poolModule)});
      const pool = new DecompressPool({ threads: 1 });
      await pool.peel([{ bytes: gzipSync('peeled'), compression: 'auto', maxBytes: 1024 }], (_, p) => console.log(Buffer.from(p.bytes).toString()));
    `;
    writeFileSync(join(dir, 'peel-once.mjs'), program);
    const run = spawnSync(process.execPath, [join(dir, 'peel-once.mjs')], { encoding: 'utf8', timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('peeled');
    expect(run.status).toBe(0);
  });
});
