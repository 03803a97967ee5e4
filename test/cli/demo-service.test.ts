import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { waitFor } from '../helpers/service-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// The browser step runs where Chromium is (CI requires it: TENANTWATCH_REQUIRE_BROWSER=1).
const BROWSER = process.env.TENANTWATCH_REQUIRE_BROWSER === '1' || existsSync(CHROMIUM);

let db: RedisDb;
let pgs: PgSchema;
let dir: string;
let child: ChildProcess | undefined;
const stateSchema = `tw_state_${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  db = await useRedisDb();
  pgs = await usePgSchema();
  dir = mkdtempSync(join(tmpdir(), 'tw-demo-'));
  // The repository's demo config, pointed at this file's own Redis db and schemas.
  writeFileSync(join(dir, 'tenantwatch.yaml'), readFileSync('tenantwatch.yaml', 'utf8').replaceAll('demo.', `${pgs.schema}.`));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await pgs?.pool.query(`drop schema if exists ${stateSchema} cascade`);
  await db?.cleanup();
  await pgs?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tenantwatch demo', () => {
  it('seeds, starts the watchdog and its API, and shows the incident\'s poisoned key as an open incident within seconds', async () => {
    const env = {
      ...process.env,
      TENANTWATCH_CONFIG: join(dir, 'tenantwatch.yaml'),
      CACHE_URL: db.url,
      QUEUE_REDIS_URL: db.url,
      SOURCE_DATABASE_URL: pgs.url,
      STATE_DATABASE_URL: pgs.url,
      TENANTWATCH_STATE_SCHEMA: stateSchema,
      TENANTWATCH_API_HOST: '127.0.0.1',
      TENANTWATCH_API_PORT: '0',
      TENANTWATCH_API_TOKEN: 'demo-token-for-tests',
    };
    const proc = spawn(process.execPath, ['bin/tenantwatch.js', 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', () => undefined);
    const url = await waitFor('the dashboard address', async () => /Dashboard: (http:\/\/localhost:\d+)\/ \(token: demo-token-for-tests\)/.exec(stderr)?.[1], 30_000);
    const incidents = await waitFor('the incident', async () => {
      const res = await fetch(`${url.replace('localhost', '127.0.0.1')}/api/v1/incidents?status=open`, { headers: { authorization: 'Bearer demo-token-for-tests' } });
      const body = (await res.json()) as { items: { kind: string; pattern: string }[] };
      return body.items.some((i) => i.kind === 'unscoped_collision' && i.pattern === 'project-legacy') ? body.items : undefined;
    }, 20_000);
    expect(incidents.map((i) => `${i.kind}/${i.pattern}`)).toContain('cross_tenant_payload/project');
    const page = await fetch(`${url.replace('localhost', '127.0.0.1')}/`);
    expect(page.status).toBe(200);
    // As a user sees it: the dashboard in a real browser shows the poisoned key's incident.
    if (BROWSER) {
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const tab = await browser.newPage();
        tab.setDefaultTimeout(10_000);
        await tab.goto(`${url.replace('localhost', '127.0.0.1')}/`);
        await tab.fill('#token', 'demo-token-for-tests');
        await tab.click('#login-form button[type=submit]');
        const incident = tab.locator('article.incident', { hasText: 'cross_tenant_payload' });
        await incident.first().waitFor();
        expect(await incident.first().locator('header').textContent()).toContain('project');
        await tab.locator('#findings-body tr.finding', { hasText: 'project:globex:1007' }).first().waitFor();
      } finally {
        await browser.close();
      }
    }
    proc.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 60_000);
});
