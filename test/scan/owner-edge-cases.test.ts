import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { openScanSession, type ScanSession } from '../../src/scan/open-scan-context.js';
import { runScan } from '../../src/scan/run-scan.js';
import type { ScanReport } from '../../src/scan/scan-report.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';

/** Owner tables as real apps have them: extra key columns, typed ids, UUIDs stored as text. */
const GUID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
let db: RedisDb;
let pgs: PgSchema;
let session: ScanSession;
let report: ScanReport;
const kindsOf = (key: string) => report.findings.filter((f) => f.key === key).map((f) => f.kind).sort();

beforeAll(async () => {
  db = await useRedisDb();
  pgs = await usePgSchema();
  const s = pgs.schema;
  await pgs.pool.query(`
    CREATE TABLE ${s}.tenants (id text PRIMARY KEY);
    INSERT INTO ${s}.tenants VALUES ('acme'), ('globex'), ('${GUID.toUpperCase()}');
    CREATE TABLE ${s}.pages (tenant_id text, id int, locale text, PRIMARY KEY (tenant_id, id, locale));
    INSERT INTO ${s}.pages VALUES ('acme', 7, 'en'), ('acme', 7, 'fr'), ('acme', 8, 'en'), ('globex', 8, 'en');
    CREATE TABLE ${s}.codes (tenant_id text, code varchar(4), PRIMARY KEY (tenant_id, code));
    INSERT INTO ${s}.codes VALUES ('acme', 'ABCD');
    CREATE TABLE ${s}.invoices (tenant_id text, id numeric, PRIMARY KEY (tenant_id, id));
    INSERT INTO ${s}.invoices VALUES ('acme', 1), ('acme', 2);
    CREATE TABLE ${s}.accounts (tenant text, id int, PRIMARY KEY (tenant, id));
    INSERT INTO ${s}.accounts VALUES ('${GUID.toUpperCase()}', 1);
  `);
  const r = db.redis;
  await r.set('page:7', JSON.stringify({ tenant_id: 'acme' }));
  await r.set('page:8', JSON.stringify({ tenant_id: 'acme' }));
  await r.set('list:acme:1', JSON.stringify({ data: [{ id: 7, tenant_id: 'globex' }] }));
  await r.set('list:acme:2', JSON.stringify({ items: [] }));
  await r.set('code:acme:ABCDEFG', JSON.stringify({ tenant_id: 'acme' }));
  await r.set('code:acme:ABCD', JSON.stringify({ tenant_id: 'acme' }));
  await r.set('inv:acme:1', JSON.stringify({ invoice_id: 'SECRET-PAYLOAD-TEXT', tenant_id: 'acme' }));
  await r.set('inv:acme:2', JSON.stringify({ invoice_id: 2, tenant_id: 'acme' }));
  await r.set('inv:acme:3', 'null');
  await r.set(`acct:${GUID}:1`, JSON.stringify({ tenant: `{${GUID.toUpperCase()}}` }));
  const owner = (table: string, tenant: string, match: string) => `{ table: ${s}.${table}, tenant: ${tenant}, match: ${match} }`;
  session = await openScanSession(
    parseConfigText(
      `
cache: { url: "${db.url}" }
source: { url: "${pgs.url}" }
tenants: { table: ${s}.tenants, id: id }
sweep: { rate: 0 }
patterns:
  - { name: page, key: "page:{id}", marker: $.tenant_id, owner: ${owner('pages', 'tenant_id', '{ id: id }')} }
  - { name: list, key: "list:{tenant}:{n}", items: "$.items[*]", marker: $.tenant_id, owner: ${owner('pages', 'tenant_id', '{ id: $.id }')} }
  - { name: code, key: "code:{tenant}:{code}", marker: $.tenant_id, owner: ${owner('codes', 'tenant_id', '{ code: code }')} }
  - { name: inv, key: "inv:{tenant}:{n}", marker: $.tenant_id, owner: ${owner('invoices', 'tenant_id', '{ id: $.invoice_id }')} }
  - { name: acct, key: "acct:{tenant}:{id}", marker: $.tenant, owner: ${owner('accounts', 'tenant', '{ id: id }')} }
`,
      {},
    ),
  );
  report = await runScan(session.ctx, session.cache);
});

afterAll(async () => {
  await session?.close();
  await db?.cleanup();
  await pgs?.cleanup();
});

describe('ownership on real-world owner tables', () => {
  it('counts tenants, not rows: one tenant with two locale rows is no collision, two tenants are', () => {
    expect(kindsOf('page:7')).toEqual([]);
    expect(kindsOf('page:8')).toEqual(['unscoped_collision']);
  });

  it('does not pass a list whose items path matches nothing as clean, but accepts an empty page', () => {
    expect(kindsOf('list:acme:1')).toEqual(['unmarked_payload']);
    expect(kindsOf('list:acme:2')).toEqual([]);
  });

  it('never lets a varchar(n) cast truncate a key value into a match', () => {
    expect(kindsOf('code:acme:ABCDEFG')).toEqual(['orphan_entry']);
    expect(kindsOf('code:acme:ABCD')).toEqual([]);
  });

  it('costs a value Postgres cannot cast only its own check, and keeps it out of the report', () => {
    expect(kindsOf('inv:acme:1')).toEqual(['orphan_entry']);
    expect(kindsOf('inv:acme:2')).toEqual([]);
    expect(report.unchecked.total).toBe(0);
    expect(JSON.stringify(report)).not.toContain('SECRET-PAYLOAD-TEXT');
  });

  it('checks a cached null without counting it unchecked', () => {
    expect(kindsOf('inv:acme:3')).toEqual(['negative_cache']);
  });

  it('compares a UUID tenant stored as upper-case text in canonical form', () => {
    expect(kindsOf(`acct:${GUID}:1`)).toEqual([]);
  });
});
