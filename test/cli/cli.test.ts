import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

/** The CLI as users run it: the built bin, a real config file, real services. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/tenantwatch.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let db: RedisDb;
let pgs: PgSchema;
let dir: string;
let config: string;

beforeAll(async () => {
  db = await useRedisDb();
  pgs = await usePgSchema();
  dir = mkdtempSync(join(tmpdir(), 'tw-cli-'));
  config = join(dir, 'tenantwatch.yaml');
  // The repository's demo config, pointed at this file's own Redis db and schema.
  const { readFileSync } = await import('node:fs');
  writeFileSync(config, readFileSync('tenantwatch.yaml', 'utf8').replaceAll('demo.', `${pgs.schema}.`));
});

afterAll(async () => {
  await db?.cleanup();
  await pgs?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ TENANTWATCH_CONFIG: config, CACHE_URL: db.url, SOURCE_DATABASE_URL: pgs.url });

describe('tenantwatch CLI', () => {
  it('seeds the demo and finds the incident with scan --json, exiting 1', async () => {
    const seeded = await run(['demo', '--seed-only'], env());
    expect(seeded.code, seeded.stderr).toBe(0);
    const { code, stdout } = await run(['scan', '--json'], env());
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { scanned: number; findings: { kind: string; key?: string; shape?: string }[]; patterns: Record<string, number> };
    expect(doc.findings).toContainEqual(expect.objectContaining({ kind: 'unscoped_collision', key: 'project:1041' }));
    expect(doc.findings).toContainEqual(expect.objectContaining({ kind: 'cross_tenant_payload', key: 'project:globex:1007' }));
    expect(doc.findings).toContainEqual(expect.objectContaining({ kind: 'cross_tenant_payload', key: 'projects:initech:page:2' }));
    expect(doc.findings).toContainEqual(expect.objectContaining({ kind: 'unregistered_key', shape: 'new_resource:{id}' }));
    expect(doc.scanned).toBeGreaterThan(50);
    expect(doc.patterns.project).toBe(40);
  });

  it('prints a table with every finding kind on a plain scan', async () => {
    const { code, stdout } = await run(['scan'], env());
    expect(code).toBe(1);
    expect(stdout).toMatch(/critical\s+unscoped_collision\s+project:1041/);
    expect(stdout).toContain('new_resource:{id} (2 keys)');
  });

  it('exits 0 when --fail-on never, and honours --pattern and --limit', async () => {
    const { code, stdout } = await run(['scan', '--json', '--fail-on', 'never', '--pattern', 'session'], env());
    expect(code).toBe(0);
    expect(JSON.parse(stdout).patterns).toEqual({ session: 4 });
    const limited = await run(['scan', '--json', '--limit', '5', '--fail-on', 'never'], env());
    expect(JSON.parse(limited.stdout).scanned).toBe(5);
  });

  it('refuses to let the demo replace a table it did not create', async () => {
    await pgs.pool.query(`CREATE TABLE ${pgs.schema}.precious (id int)`);
    const cfg = join(dir, 'precious.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(cfg, readFileSync(config, 'utf8').replace(`tenants:\n  table: ${pgs.schema}.tenants`, `tenants:\n  table: ${pgs.schema}.precious`));
    const { code, stderr } = await run(['demo', '--seed-only', '--config', cfg], env());
    expect(code).toBe(2);
    expect(stderr).toContain('was not created by the demo');
    expect((await pgs.pool.query(`SELECT to_regclass('${pgs.schema}.precious') IS NOT NULL AS ok`)).rows[0].ok).toBe(true);
  });

  it('checks named keys only', async () => {
    const { code, stdout } = await run(['check', 'project:1041', 'project:acme:1001', '--json'], env());
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { scanned: number; findings: { key?: string }[] };
    expect(doc.scanned).toBe(2);
    expect(new Set(doc.findings.flatMap((f) => (f.key ? [f.key] : [])))).toEqual(new Set(['project:1041']));
  });

  it('does not call a named key that is not in the cache clean', async () => {
    const { code, stdout } = await run(['check', 'project:acme:424242', '--json'], env());
    expect(code).toBe(2);
    expect(JSON.parse(stdout).unchecked).toEqual({ total: 1, reasons: { 'key not found in the cache': 1 } });
  });

  it('audits the registry: unregistered shapes and unscoped patterns exit 1', async () => {
    const { code, stdout } = await run(['audit', '--json'], env());
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as { unregistered: { shape: string }[]; unscopedPatterns: { pattern: string }[] };
    expect(doc.unregistered.map((u) => u.shape)).toContain('new_resource:{id}');
    expect(doc.unscopedPatterns.map((u) => u.pattern)).toEqual(['project-legacy']);
  });

  it('prints one clear line and exits 2 when the cache does not answer', async () => {
    const { code, stderr } = await run(['scan'], { ...env(), CACHE_URL: 'redis://127.0.0.1:1/0' });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('redis://127.0.0.1:1/0');
  });

  it('prints one clear line and exits 2 when the source does not answer', async () => {
    const { code, stderr } = await run(['scan'], { ...env(), SOURCE_DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/test' });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('127.0.0.1:1');
    expect(stderr).not.toContain('hunter2');
  });

  it('refuses a bad TENANTWATCH_DECODE_THREADS with one clear line and exit 2', async () => {
    const { code, stderr } = await run(['scan'], { ...env(), TENANTWATCH_DECODE_THREADS: 'lots' });
    expect(code).toBe(2);
    expect(stderr).toContain('TENANTWATCH_DECODE_THREADS: must be a whole number from 0 to 64');
  });

  it('lists every config problem with its path and exits 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'cache: { url: "http://x" }\nsweep: { every: soon }\npatterns:\n  - name: p\n    key: "a:{"\n    owner: { table: t, match: {} }\n');
    const { code, stderr } = await run(['scan', '--config', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('cache.url: must be a redis:// or rediss:// URL');
    expect(stderr).toContain('sweep.every: not a duration');
    expect(stderr).toContain('patterns[0].owner.tenant: required');
  });

  it('refuses an owner table that does not exist as a config error', async () => {
    const typo = join(dir, 'typo.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(typo, readFileSync(config, 'utf8').replace(`table: ${pgs.schema}.projects`, `table: ${pgs.schema}.projets`));
    const { code, stderr } = await run(['scan', '--config', typo], env());
    expect(code).toBe(2);
    expect(stderr).toContain(`patterns[0].owner.table: table "${pgs.schema}.projets" not found`);
  });

  it.each(['scan', 'check', 'audit', 'demo'])('explains %s with --help', async (command) => {
    const { code, stdout } = await run([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`usage: tenantwatch ${command}`);
  });

  it('migrates a state schema once, then says it is up to date', async () => {
    const schema = `tw_cli_migrate_${process.pid}`;
    const stateEnv = { ...env(), STATE_DATABASE_URL: pgs.url, TENANTWATCH_STATE_SCHEMA: schema };
    try {
      const first = await run(['migrate'], stateEnv);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(new RegExp(`^applied 001-state\\.sql, .* to schema ${schema}\\n$`));
      const tables = await pgs.pool.query<{ n: string }>(`select count(*)::text as n from information_schema.tables where table_schema = $1 and table_name in ('findings', 'incidents', 'sweeps', 'silences')`, [schema]);
      expect(tables.rows[0]!.n).toBe('4');
      const again = await run(['migrate'], stateEnv);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(`schema ${schema} is up to date\n`);
    } finally {
      await pgs.pool.query(`drop schema if exists ${schema} cascade`);
    }
  });

  it('rejects an unknown flag with exit 2', async () => {
    const { code, stderr } = await run(['scan', '--bogus'], env());
    expect(code).toBe(2);
    expect(stderr).toContain('--bogus');
  });
});
