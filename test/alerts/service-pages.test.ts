import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { startService } from '../../workers/start-service.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { seedOwners } from '../helpers/scan-fixture.js';
import { quietLog } from '../helpers/service-fixture.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';
import { pagerduty, slack, startReceiver, waitFor } from './receiver.js';

let db: RedisDb;
let source: PgSchema;
let state: StateSchema;
beforeAll(async () => {
  db = await useRedisDb();
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  state = await useStateSchema();
});
afterAll(async () => {
  await db?.cleanup();
  await source?.cleanup();
  await state?.cleanup();
});

// Confidential content inside the poisoned payloads: no alert on any channel may carry it.
const SECRET = 'CONFIDENTIAL-ROADMAP-7f3a';

describe('the service with every alert channel', () => {
  it('pages once for a poisoned key its first sweep finds, sends the resolve when the entry is repaired, and never sends payload content', async () => {
    const hook = await startReceiver({ status: 200 });
    const pd = await startReceiver(pagerduty.accepted(), '/v2/enqueue');
    const chat = await startReceiver(slack.ok());
    const config = parseConfigText(
      `
cache: { url: "${db.url}" }
source: { url: "${source.url}" }
state: { database: "${source.url}", schema: ${state.schema} }
sweep: { every: 1h, rate: 0 }
confirm: { after: 200ms }
alerts: { groupWait: 0ms, webhook: { url: "${hook.url}" }, pagerduty: { routingKey: rk, url: "${pd.url}" }, slack: { webhookUrl: "${chat.url}" } }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${source.schema}.projects, tenant: tenant_id, match: { id: project_id } }
`,
      {},
    );
    await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme', name: SECRET }));
    await db.redis.set('project:initech:1043', JSON.stringify({ id: 1043, tenant_id: 'acme', notes: [SECRET] }));
    const service = await startService(config, quietLog, { concurrency: 2 });
    try {
      // Row 1043 is globex's alone, so the acme markers (and initech's key) also open a
      // foreign_owner incident, which may page first: wait for the cross-tenant page.
      const isCrossTenantTrigger = (r: { json: unknown }) => {
        const body = r.json as { event?: string; incident?: { kind?: string } };
        return body.event === 'trigger' && body.incident?.kind === 'cross_tenant_payload';
      };
      const trigger = await waitFor('the page', () => hook.requests.find(isCrossTenantTrigger), 20_000);
      expect(trigger.json).toMatchObject({ event: 'trigger', incident: { kind: 'cross_tenant_payload', pattern: 'project' } });
      // The payload itself never travels: only keys, tenants and hashes.
      expect(JSON.stringify(trigger.json)).not.toContain('"tenant_id"');
      await db.redis.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'globex' }));
      await db.redis.del('project:initech:1043');
      await service.deps.queues.sweep.add('sweep', { reason: 'test' });
      await waitFor('the resolve', () => hook.requests.find((r) => (r.json as { event?: string }).event === 'resolve'), 20_000);
      const triggers = hook.requests.filter(isCrossTenantTrigger);
      expect(triggers).toHaveLength(1);
      await waitFor('the resolve on PagerDuty and Slack', () =>
        pd.requests.some((r) => (r.json as { event_action?: string }).event_action === 'resolve') && chat.requests.some((r) => (r.json as { text: string }).text.startsWith('[RESOLVED]')),
      );
      // Every body every channel received: keys, tenant ids and hashes, never the cached content.
      const bodies = [...hook.requests, ...pd.requests, ...chat.requests].map((r) => r.body);
      expect(bodies.length).toBeGreaterThanOrEqual(6);
      for (const body of bodies) {
        expect(body).not.toContain(SECRET);
        expect(body).not.toContain('"tenant_id"');
      }
      expect(bodies.some((b) => b.includes('project:globex:1043') && b.includes('acme'))).toBe(true);
    } finally {
      await service.close();
      await hook.close();
      await pd.close();
      await chat.close();
    }
  }, 60_000);
});
