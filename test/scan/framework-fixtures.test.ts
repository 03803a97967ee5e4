import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

/**
 * Every value the real framework libraries wrote (test/fixtures/frameworks/*), stored in Redis
 * and classified by `tenantwatch scan` exactly as its manifest says.
 */
interface Manifest {
  framework: string;
  pattern: { format: string; marker: string[]; type?: string; field?: string; compression?: string };
  fixtures: { file: string; keyTenant: string; expect: string[]; hash?: Record<string, string> }[];
}

const ROOT = 'test/fixtures/frameworks';
const manifests: Manifest[] = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'manifest.json')))
  .map((d) => JSON.parse(readFileSync(join(ROOT, d.name, 'manifest.json'), 'utf8')) as Manifest);

const keyOf = (m: Manifest, i: number) => `fx:${m.framework}:${m.fixtures[i]!.keyTenant}:${i}`;

let db: RedisDb;
let dir: string;
type Report = { findings: { kind: string; key?: string }[]; unchecked: { total: number }; scanned: number };
const runs: { threads: string; exitCode: number | null; report: Report }[] = [];

beforeAll(async () => {
  db = await useRedisDb();
  dir = mkdtempSync(join(tmpdir(), 'tw-fx-'));
  const patterns: string[] = [];
  for (const m of manifests) {
    const p = m.pattern;
    patterns.push(
      `  - name: fx-${m.framework}\n    key: "fx:${m.framework}:{tenant}:{n}"\n    format: ${p.format}\n    marker: ${JSON.stringify(p.marker)}\n` +
        (p.type ? `    type: ${p.type}\n` : '') +
        (p.field ? `    field: ${p.field}\n` : '') +
        (p.compression ? `    compression: ${p.compression}\n` : ''),
    );
    for (const [i, f] of m.fixtures.entries()) {
      const bytes = readFileSync(join(ROOT, m.framework, f.file));
      if (p.type === 'hash') await db.redis.hset(keyOf(m, i), { ...(f.hash ?? {}), [p.field ?? 'data']: bytes });
      else await db.redis.set(keyOf(m, i), bytes);
    }
  }
  const config = join(dir, 'tenantwatch.yaml');
  writeFileSync(config, `cache: { url: "${db.url}" }\nsweep: { rate: 0 }\npatterns:\n${patterns.join('')}`);
  // Once with the compressed values peeled on two decompression threads, once without.
  for (const threads of ['2', '0']) {
    const run = spawnSync(process.execPath, ['bin/tenantwatch.js', 'scan', '--json', '--fail-on', 'never', '--config', config], { encoding: 'utf8', env: { ...process.env, TENANTWATCH_DECODE_THREADS: threads } });
    runs.push({ threads, exitCode: run.status, report: JSON.parse(run.stdout) as Report });
  }
});

afterAll(async () => {
  await db?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each([{ threads: '2' }, { threads: '0' }])('framework fixtures written by the real libraries ($threads decompression threads)', ({ threads }) => {
  const run = () => runs.find((r) => r.threads === threads)!;

  it('are all scanned, and none is left unchecked', () => {
    expect(run().exitCode).toBe(0);
    expect(run().report.scanned).toBe(manifests.reduce((n, m) => n + m.fixtures.length, 0));
    expect(run().report.unchecked.total).toBe(0);
  });

  for (const m of manifests) {
    it(`classifies every ${m.framework} value as its manifest says`, () => {
      const got = m.fixtures.map((_, i) => ({
        file: m.fixtures[i]!.file,
        kinds: run().report.findings.filter((f) => f.key === keyOf(m, i)).map((f) => f.kind).sort(),
      }));
      expect(got).toEqual(m.fixtures.map((f) => ({ file: f.file, kinds: [...f.expect].sort() })));
    });
  }
});
