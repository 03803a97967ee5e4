import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { blastRadius } from '../../src/state/incidents.js';
import { readdirSync } from 'node:fs';
import { migrate, migrationsDir } from '../../src/state/migrate.js';
import { recordBatch, type BatchRecord } from '../../src/state/record-batch.js';
import { claimSweep, finishSweep } from '../../src/state/sweeps.js';
import type { Finding } from '../../src/types.js';
import { testDatabaseUrl } from '../helpers/pg-schema.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

let state: StateSchema;
beforeAll(async () => {
  state = await useStateSchema();
});
afterAll(async () => {
  await state?.cleanup();
});
beforeEach(async () => {
  await state.pool.query('truncate findings, incidents, incident_events, sweeps, sweep_shards, sweep_batches, sweep_patterns, pattern_minutes restart identity cascade');
});

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function cross(key: string, sha = SHA_A, extra: Partial<Finding> = {}): Finding {
  const [, tenant] = key.split(':');
  return { kind: 'cross_tenant_payload', severity: 'critical', key, pattern: 'project', keyTenant: tenant, markerTenants: ['acme'], payloadSha256: sha, sizeBytes: 10, ttlSeconds: 600, detail: 'marker names acme', ...extra };
}

function batch(findings: Finding[], extra: Partial<BatchRecord> = {}): BatchRecord {
  const keys = [...new Set(findings.flatMap((f) => (f.key ? [f.key] : [])))];
  return { findings, checkedKeys: keys, uncheckedKeys: [], perPattern: new Map([['project', keys.length]]), minSeverity: 'critical', ...extra };
}

async function findingRows() {
  return (await state.pool.query<{ fingerprint: string; status: string; confirmed: boolean; occurrences: string; incident_id: string | null; count: string | null }>('select fingerprint, status, confirmed, occurrences::text, incident_id::text, count::text from findings order by id')).rows;
}

describe('recordBatch', () => {
  it('upserts a finding seen twice into one row with two occurrences', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1')]));
    await recordBatch(state.pool, batch([cross('project:globex:1')]));
    const rows = await findingRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ fingerprint: 'cross_tenant_payload|key|project:globex:1', status: 'open', occurrences: '2', confirmed: false });
  });

  it('asks for confirmation of a new critical finding and opens no incident before it', async () => {
    const r = await recordBatch(state.pool, batch([cross('project:globex:1')]));
    expect(r.toConfirm).toEqual([{ id: expect.any(String), fingerprint: 'cross_tenant_payload|key|project:globex:1', key: 'project:globex:1', payloadSha256: SHA_A }]);
    expect(r.openedIncidents).toEqual([]);
    expect((await state.pool.query('select * from incidents')).rowCount).toBe(0);
  });

  it('confirms a finding that reproduces on the same bytes, opening one incident for its (kind, pattern)', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1'), cross('project:globex:2')]));
    const first = await recordBatch(state.pool, batch([cross('project:globex:1')], { confirming: { fingerprint: 'cross_tenant_payload|key|project:globex:1', payloadSha256: SHA_A } }));
    const second = await recordBatch(state.pool, batch([cross('project:globex:2')], { confirming: { fingerprint: 'cross_tenant_payload|key|project:globex:2', payloadSha256: SHA_A } }));
    expect(first.openedIncidents).toHaveLength(1);
    expect(second.openedIncidents).toEqual([]);
    const rows = await findingRows();
    expect(rows.map((r) => r.incident_id)).toEqual([first.openedIncidents[0], first.openedIncidents[0]]);
    const events = await state.pool.query('select event from incident_events');
    expect(events.rows).toEqual([{ event: 'opened' }]);
  });

  it('does not confirm a finding whose payload changed before the re-check, and asks again for the new bytes', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1', SHA_A)]));
    const r = await recordBatch(state.pool, batch([cross('project:globex:1', SHA_B)], { confirming: { fingerprint: 'cross_tenant_payload|key|project:globex:1', payloadSha256: SHA_A } }));
    expect(r.openedIncidents).toEqual([]);
    expect(r.toConfirm.map((c) => c.payloadSha256)).toEqual([SHA_B]);
    expect((await findingRows())[0]).toMatchObject({ confirmed: false, status: 'open' });
  });

  it('resolves a finding whose key was checked clean, and the incident with it', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1')]));
    const opened = await recordBatch(state.pool, batch([cross('project:globex:1')], { confirming: { fingerprint: 'cross_tenant_payload|key|project:globex:1', payloadSha256: SHA_A } }));
    const repaired = await recordBatch(state.pool, batch([], { checkedKeys: ['project:globex:1'] }));
    expect(repaired.resolvedFindings).toBe(1);
    expect(repaired.resolvedIncidents).toEqual(opened.openedIncidents);
    expect((await findingRows())[0]).toMatchObject({ status: 'resolved' });
    expect((await state.pool.query('select event from incident_events order by id')).rows).toEqual([{ event: 'opened' }, { event: 'resolved' }]);
  });

  it('keeps an incident open while one of its findings is still open', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1'), cross('project:globex:2')]));
    for (const k of ['project:globex:1', 'project:globex:2']) {
      await recordBatch(state.pool, batch([cross(k)], { confirming: { fingerprint: `cross_tenant_payload|key|${k}`, payloadSha256: SHA_A } }));
    }
    const r = await recordBatch(state.pool, batch([], { checkedKeys: ['project:globex:1'] }));
    expect(r.resolvedIncidents).toEqual([]);
    expect((await state.pool.query(`select status from incidents`)).rows).toEqual([{ status: 'open' }]);
  });

  it('leaves the findings of a key that could not be checked untouched', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1')]));
    const r = await recordBatch(state.pool, batch([], { uncheckedKeys: ['project:globex:1'] }));
    expect(r.resolvedFindings).toBe(0);
    expect((await findingRows())[0]).toMatchObject({ status: 'open' });
  });

  it('reopens a resolved finding that comes back, and needs it confirmed again', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1')]));
    await recordBatch(state.pool, batch([cross('project:globex:1')], { confirming: { fingerprint: 'cross_tenant_payload|key|project:globex:1', payloadSha256: SHA_A } }));
    await recordBatch(state.pool, batch([], { checkedKeys: ['project:globex:1'] }));
    const back = await recordBatch(state.pool, batch([cross('project:globex:1')]));
    expect(back.toConfirm).toHaveLength(1);
    expect((await findingRows())[0]).toMatchObject({ status: 'open', confirmed: false, incident_id: null });
  });

  it('attaches warnings without confirmation only when alerts.minSeverity reaches them', async () => {
    const warn: Finding = { kind: 'unmarked_payload', severity: 'warning', key: 'project:acme:9', pattern: 'project', keyTenant: 'acme', detail: 'no marker' };
    const quiet = await recordBatch(state.pool, batch([warn]));
    expect(quiet.openedIncidents).toEqual([]);
    expect(quiet.toConfirm).toEqual([]);
    const loud = await recordBatch(state.pool, batch([warn], { minSeverity: 'warning' }));
    expect(loud.openedIncidents).toHaveLength(1);
  });

  it('counts grouped findings per sweep: within one sweep they add up, a new sweep starts over', async () => {
    const unscoped = (n: number): Finding => ({ kind: 'unscoped_key', severity: 'warning', pattern: 'legacy', count: n, detail: `${n}` });
    const first = await claimSweep(state.pool, 'test', ['n']);
    await recordBatch(state.pool, batch([unscoped(3)], { sweepId: first.id }));
    await recordBatch(state.pool, batch([unscoped(4)], { sweepId: first.id }));
    expect((await findingRows())[0]!.count).toBe('7');
    await finishSweep(state.pool, first);
    const second = await claimSweep(state.pool, 'test', ['n']);
    await recordBatch(state.pool, batch([unscoped(5)], { sweepId: second.id }));
    expect((await findingRows())[0]!.count).toBe('5');
  });

  it('counts a retried sweep batch once', async () => {
    const sweep = await claimSweep(state.pool, 'test', ['n']);
    const rec = batch([cross('project:globex:1')], { sweepId: sweep.id, batchId: 'b1', scanned: 10 });
    await recordBatch(state.pool, rec);
    await recordBatch(state.pool, rec);
    expect((await state.pool.query('select scanned::int from sweeps')).rows).toEqual([{ scanned: 10 }]);
    expect((await state.pool.query('select checked::int, wrong::int from pattern_minutes')).rows).toEqual([{ checked: 1, wrong: 1 }]);
    // The same observation delivered twice is one occurrence.
    expect((await findingRows()).map((r) => r.occurrences)).toEqual(['1']);
  });
});

describe('finishSweep', () => {
  it('resolves the findings of keys the complete sweep never reached (expired or deleted)', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1'), cross('project:globex:2')]));
    const sweep = await claimSweep(state.pool, 'test', ['n']);
    await recordBatch(state.pool, batch([cross('project:globex:2')], { sweepId: sweep.id, batchId: 'b1' }));
    const closed = await finishSweep(state.pool, sweep);
    expect(closed.resolvedFindings).toBe(1);
    expect((await findingRows()).map((r) => r.status)).toEqual(['resolved', 'open']);
    expect((await state.pool.query('select status from sweeps')).rows).toEqual([{ status: 'done' }]);
  });

  it('resumes the unfinished sweep instead of starting a second one', async () => {
    const a = await claimSweep(state.pool, 'first', ['n']);
    const b = await claimSweep(state.pool, 'second', ['n']);
    expect(b).toMatchObject({ id: a.id, resumed: true });
  });
});

describe('blastRadius', () => {
  it('lists (owner → exposed) pairs with key counts and the longest remaining TTL', async () => {
    await recordBatch(state.pool, batch([cross('project:globex:1', SHA_A, { ttlSeconds: 100 }), cross('project:globex:2', SHA_A, { ttlSeconds: 900 }), cross('project:initech:3')]));
    for (const k of ['project:globex:1', 'project:globex:2', 'project:initech:3']) {
      await recordBatch(state.pool, batch([cross(k, SHA_A, { ttlSeconds: k.endsWith(':1') ? 100 : k.endsWith(':2') ? 900 : -1 })], { confirming: { fingerprint: `cross_tenant_payload|key|${k}`, payloadSha256: SHA_A } }));
    }
    const id = (await state.pool.query<{ id: string }>('select id::text from incidents')).rows[0]!.id;
    const radius = await blastRadius(state.pool, id);
    expect(radius.map(({ owner, exposed, keys, maxRemainingTtlSeconds }) => ({ owner, exposed, keys, ttl: maxRemainingTtlSeconds }))).toEqual([
      { owner: 'acme', exposed: 'globex', keys: 2, ttl: expect.any(Number) },
      { owner: 'acme', exposed: 'initech', keys: 1, ttl: null },
    ]);
    expect(radius[0]!.maxRemainingTtlSeconds).toBeGreaterThan(800);
    expect(radius[0]!.maxRemainingTtlSeconds).toBeLessThanOrEqual(900);
  });
});

describe('migrate', () => {
  it('applies each migration once when several processes migrate at the same time', async () => {
    const schema = `tw_state_race_${process.pid}`;
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 }));
    try {
      const files = readdirSync(migrationsDir()).filter((f) => f.endsWith('.sql')).sort();
      const results = await Promise.all(pools.map((p) => migrate(p, schema)));
      expect(results.flat().sort()).toEqual(files);
      const rows = await pools[0]!.query<{ version: string }>(`select version from ${schema}.schema_migrations order by version`);
      expect(rows.rows.map((r) => r.version)).toEqual(files);
    } finally {
      await pools[0]!.query(`drop schema if exists ${schema} cascade`);
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
