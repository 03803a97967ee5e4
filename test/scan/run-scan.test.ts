import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScanSession, type ScanSession } from '../../src/scan/open-scan-context.js';
import { runScan } from '../../src/scan/run-scan.js';
import type { ScanReport } from '../../src/scan/scan-report.js';
import type { Finding } from '../../src/types.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { scanConfig, seedOwners } from '../helpers/scan-fixture.js';

const SECRET = 'confidential-roadmap-text';
const doc = (o: Record<string, unknown>) => JSON.stringify({ ...o, notes: SECRET });
const ORG = '6f1c2a52-8a8e-4a51-9d3c-3d2f1d0c0a11';

let db: RedisDb;
let pgs: PgSchema;
let session: ScanSession;
let report: ScanReport;

const find = (kind: string, key?: string): Finding[] => report.findings.filter((f) => f.kind === kind && (key === undefined || f.key === key));
const kindsOf = (key: string) => report.findings.filter((f) => f.key === key).map((f) => f.kind).sort();

beforeAll(async () => {
  db = await useRedisDb();
  pgs = await usePgSchema();
  await seedOwners(pgs.pool, pgs.schema);
  const r = db.redis;
  await r.set('project:acme:1041', doc({ id: 1041, tenant_id: 'acme' }));
  await r.set('project:globex:1041', doc({ id: 1041, tenant_id: 'globex' }), 'EX', 600);
  await r.set('project:1041', doc({ id: 1041, tenant_id: 'acme' }), 'EX', 259200);
  await r.set('project:globex:1043', doc({ id: 1043, tenant_id: 'acme' }));
  await r.set('project:acme:1043', doc({ id: 1043, tenant_id: 'acme' }));
  await r.set('project:acme:9999', doc({ id: 9999, tenant_id: 'acme' }));
  await r.set('project:acme:1042', 'null');
  await r.set('project:globex:1043y', '');
  await r.set('project:globex:1043x', doc({ id: 1043, tenant_id: 'globex' }));
  await r.set('project:acme:abc', doc({ id: 1, tenant_id: 'acme' }));
  await r.set('projects:acme:page:1', doc({ items: [{ id: 1041, tenant_id: 'acme' }, { id: 1043, tenant_id: 'globex' }, { id: 1042, tenant_id: 'acme' }] }));
  await r.set('projects:globex:page:9', JSON.stringify({ items: [] }));
  await r.set('project:hooli:1041', doc({ id: 1041, tenant_id: 'hooli' }));
  await r.set('project:acme:1042x', doc({ id: 1042, name: 'no marker' }));
  await r.set('project:globex:7\nproject:acme:1', doc({ id: 7, tenant_id: 'globex' }));
  await r.set('project:acme:🚀', doc({ tenant_id: 'acme' }));
  await r.set('new_resource:123', doc({ tenant_id: 'acme' }));
  await r.set('new_resource:456', doc({ tenant_id: 'globex' }));
  await r.set('health:last-export', '{"at":1}');
  await r.set('tenantwatch:sweep:meta', 'not a cache entry');
  await r.set('project:acme:1', Buffer.from([0xff, 0x00, 0x13, 0x37, 0xc3, 0x28]));
  await r.set('project:globex:2', gzipSync(Buffer.from(doc({ tenant_id: 'globex' }))).subarray(0, 20));
  await r.set('project:globex:3', gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)));
  await r.set('project:globex:4', '['.repeat(10_000) + ']'.repeat(10_000));
  await r.set('project:globex:5', Buffer.alloc(200 * 1024, 0x7b));
  await r.set('project:globex:6', gzipSync(Buffer.from(doc({ id: 1043, tenant_id: 'globex' }))));
  await r.hset('sess:acme:s1', { data: JSON.stringify({ tenantId: 'acme' }), absexp: '-1' });
  await r.hset('sess:acme:s2', { data: JSON.stringify({ tenantId: 'globex' }) });
  await r.hset('sess:acme:s3', { other: 'x' });
  await r.rpush('sess:globex:s4', 'a list, not a hash');
  await r.set(`doc:${ORG.toUpperCase()}:7`, JSON.stringify({ attributes: { org_id: `{${ORG.toUpperCase()}}` } }));
  await r.set('doc:not-a-uuid:7', JSON.stringify({ org_id: ORG }));
  session = await openScanSession(scanConfig(db.url, pgs.url, pgs.schema));
  report = await runScan(session.ctx, session.cache);
});

afterAll(async () => {
  await session?.close();
  await db?.cleanup();
  await pgs?.cleanup();
});

describe('runScan against real Redis and Postgres', () => {
  it('flags the incident key project:1041 as unscoped_collision because acme and globex both own project 1041', () => {
    const [f] = find('unscoped_collision', 'project:1041');
    expect(f).toMatchObject({ severity: 'critical', pattern: 'project-legacy', markerTenants: ['acme'] });
    expect(f!.ownerTenants!.sort()).toEqual(['acme', 'globex']);
    expect(f!.ttlSeconds).toBeGreaterThan(259000);
    expect(f!.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports the unscoped pattern once with a count', () => {
    expect(find('unscoped_key')).toEqual([expect.objectContaining({ pattern: 'project-legacy', count: 1, severity: 'warning' })]);
  });

  it('flags a payload cached under another tenant as cross_tenant_payload and foreign_owner', () => {
    expect(kindsOf('project:globex:1043')).toEqual(['cross_tenant_payload', 'foreign_owner']);
    expect(find('cross_tenant_payload', 'project:globex:1043')[0]).toMatchObject({ keyTenant: 'globex', markerTenants: ['acme'] });
  });

  it('flags a key whose tenant does not own the row as key_owner_mismatch', () => {
    expect(kindsOf('project:acme:1043')).toEqual(['foreign_owner', 'key_owner_mismatch']);
    expect(find('key_owner_mismatch', 'project:acme:1043')[0]!.ownerTenants).toEqual(['globex']);
  });

  it('reports a key naming no row as orphan_entry alone', () => {
    expect(kindsOf('project:acme:9999')).toEqual(['orphan_entry']);
    expect(kindsOf('project:acme:abc')).toEqual(['orphan_entry']);
  });

  it('leaves correct entries without findings', () => {
    expect(kindsOf('project:acme:1041')).toEqual([]);
    expect(kindsOf('project:globex:1041')).toEqual([]);
    expect(kindsOf('sess:acme:s1')).toEqual([]);
    expect(kindsOf('project:globex:6')).toEqual(['orphan_entry']);
  });

  it('checks each list item on its own and names the offending item', () => {
    const [f] = find('cross_tenant_payload', 'projects:acme:page:1');
    expect(f!.detail).toContain('item 1');
    expect(f!.detail).not.toContain('item 0');
    expect(kindsOf('projects:acme:page:1')).toEqual(['cross_tenant_payload', 'key_owner_mismatch']);
    expect(kindsOf('projects:globex:page:9')).toEqual([]);
  });

  it('reports a cached null as negative_cache and not as unmarked_payload', () => {
    expect(kindsOf('project:acme:1042')).toEqual(['negative_cache']);
    expect(kindsOf('project:globex:1043y')).toContain('negative_cache');
  });

  it('reports a payload without its marker as unmarked_payload', () => {
    expect(kindsOf('project:acme:1042x')).toEqual(['orphan_entry', 'unmarked_payload']);
  });

  it('reports a tenant absent from the tenants table as unknown_tenant', () => {
    expect(kindsOf('project:hooli:1041')).toContain('unknown_tenant');
    expect(kindsOf('project:hooli:1041')).toContain('key_owner_mismatch');
  });

  it('groups unregistered keys by inferred shape with samples', () => {
    const [f] = find('unregistered_key');
    expect(f).toMatchObject({ shape: 'new_resource:{id}', count: 2, severity: 'warning' });
    expect(f!.sampleKeys!.sort()).toEqual(['new_resource:123', 'new_resource:456']);
  });

  it('never flags a global pattern and never reads its own queue keys', () => {
    expect(report.findings.some((f) => f.key === 'health:last-export' || f.key?.startsWith('tenantwatch:'))).toBe(false);
    expect(report.patterns.heartbeat).toBe(1);
    expect(report.findings.some((f) => f.sampleKeys?.some((k) => k.startsWith('tenantwatch:')))).toBe(false);
  });

  it('reports garbage bytes, a truncated gzip and a 10,000-deep JSON as undecodable', () => {
    for (const key of ['project:acme:1', 'project:globex:2', 'project:globex:4']) expect(kindsOf(key)).toContain('undecodable');
  });

  it('reports a gzip bomb and a value over maxValueBytes as oversized without reading them whole', () => {
    expect(kindsOf('project:globex:3')).toContain('oversized');
    const [big] = find('oversized', 'project:globex:5');
    expect(big!.sizeBytes).toBe(200 * 1024);
  });

  it('reports keys with newlines and emoji exactly as stored', () => {
    expect(kindsOf('project:globex:7\nproject:acme:1')).toContain('orphan_entry');
    expect(report.findings.some((f) => f.key === 'project:acme:🚀')).toBe(true);
  });

  it('reads a hash field, and reports a missing field or another Redis type as undecodable', () => {
    expect(kindsOf('sess:acme:s2')).toEqual(['cross_tenant_payload']);
    expect(find('undecodable', 'sess:acme:s3')[0]!.detail).toContain('data');
    expect(find('undecodable', 'sess:globex:s4')[0]!.detail).toContain('list');
  });

  it('compares UUID tenants in canonical form and treats a non-UUID tenant as owning nothing', () => {
    expect(kindsOf(`doc:${ORG.toUpperCase()}:7`)).toEqual([]);
    expect(kindsOf('doc:not-a-uuid:7')).toEqual(expect.arrayContaining(['cross_tenant_payload', 'key_owner_mismatch', 'unknown_tenant']));
  });

  it('counts every key it saw and nothing as unchecked', () => {
    expect(report.unchecked.total).toBe(0);
    expect(report.scanned).toBe(31);
  });

  it('never puts payload content into findings', () => {
    expect(JSON.stringify(report)).not.toContain(SECRET);
  });
});

describe('runScan when the source changes under it', () => {
  it('counts keys whose owner table was dropped at runtime as unchecked, never clean', async () => {
    await db.redis.set('doc:x:1', '{}');
    await pgs.pool.query(`DROP TABLE ${pgs.schema}.docs`);
    const again = await runScan(session.ctx, session.cache, { match: 'doc:*' });
    expect(again.unchecked.total).toBe(3);
    expect(Object.keys(again.unchecked.reasons)[0]).toContain('docs');
  });
});
