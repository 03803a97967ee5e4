import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView } from '../../alerts/alert-types.js';
import { PAGERDUTY_MAX_EVENT_BYTES, pagerdutyEvent, type PagerdutyTrigger } from '../../alerts/channels/pagerduty.js';
import type { Alerting } from '../../alerts/start-alerting.js';
import { jsonBytes } from '../../alerts/truncate.js';
import { leak, notificationRows, openIncident, repair, useAlertWorld, type AlertWorld } from './alert-fixture.js';
import { pagerduty, startReceiver, waitFor, type Receiver } from './receiver.js';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

describe('PagerDuty Events API v2', () => {
  let world: AlertWorld;
  let pd: Receiver;
  let alerting: Alerting | undefined;
  const config = () => world.config(`  groupWait: 0ms\n  pagerduty: { routingKey: ${ROUTING_KEY}, url: "${pd.url}" }`);
  const events = () => pd.requests.map((r) => r.json as PagerdutyTrigger);

  beforeAll(async () => {
    world = await useAlertWorld();
    pd = await startReceiver((r) => pagerduty.accepted((r.json as { dedup_key: string }).dedup_key), '/v2/enqueue');
  });
  afterEach(async () => {
    await alerting?.close();
    alerting = undefined;
    await world.reset();
    pd.requests.length = 0;
  });
  afterAll(async () => {
    await pd.close();
    await world.cleanup();
  });

  it('pages once for an incident of many findings, and resolves it with the same dedup_key', async () => {
    alerting = await world.start(config());
    const keys = Array.from({ length: 40 }, (_, i) => `project:globex:${1000 + i}`);
    const id = await openIncident(world, keys.map((k, i) => leak(k, i % 2 ? 'acme' : 'initech')));
    const trigger = await waitFor('the trigger', () => events()[0]);
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: id,
      payload: {
        severity: 'critical',
        source: 'tenantwatch@cache.example:6380',
        component: 'project',
        class: 'cross_tenant_payload',
        custom_details: {
          incident_id: id,
          kind: 'cross_tenant_payload',
          pattern: 'project',
          keys: 40,
          findings: { open: 40, total: 40 },
          tenant_pairs_total: 2,
          dashboard: `http://localhost:8080/?incident=${id}`,
        },
      },
      links: [{ href: `http://localhost:8080/?incident=${id}` }],
    });
    expect(trigger.payload.summary).toMatch(/^\[CRITICAL\] cross_tenant_payload on pattern project: 40 keys; tenant data exposed: (acme → globex, initech → globex|initech → globex, acme → globex)/);
    expect(trigger.payload.custom_details.sample_keys).toHaveLength(10);
    // More findings of the same (kind, pattern) join the incident and page nobody again.
    await openIncident(world, [leak('project:globex:5000')]);
    await new Promise((r) => setTimeout(r, 500));
    expect(events()).toHaveLength(1);

    await repair(world, [...keys, 'project:globex:5000']);
    const resolve = await waitFor('the resolve', () => events()[1]);
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: id });
    expect(events()).toHaveLength(2);
    await waitFor('both recorded as sent', async () => (await notificationRows(world, id)).every((n) => n.status === 'sent'));
    expect((await notificationRows(world, id)).map((n) => [n.kind, n.status])).toEqual([['trigger', 'sent'], ['resolve', 'sent']]);
  });

  it('records a 400 as a permanent failure and sends no resolve for a page that never arrived', async () => {
    pd.script(pagerduty.invalid());
    alerting = await world.start(config());
    const id = await openIncident(world, [leak('project:globex:7', 'acme', 'globex', 'invalid')]);
    const row = await waitFor('the failure', async () => (await notificationRows(world, id)).find((n) => n.status === 'failed'));
    expect(row).toMatchObject({ kind: 'trigger', attempts: 1 });
    expect(row.last_error).toMatch(/^PagerDuty refused the event \(400\): .*Event object is invalid/);
    await repair(world, ['project:globex:7']);
    await waitFor('the resolved event handled', async () => (await world.state.pool.query(`select 1 from incident_events where incident_id = $1 and event = 'resolved' and delivered_at is not null`, [id])).rowCount);
    await new Promise((r) => setTimeout(r, 300));
    expect(events().map((e) => e.event_action)).toEqual(['trigger']);
    expect(world.deliveries).toContainEqual({ channel: 'pagerduty', outcome: 'failed' });
  });

  it('retries 429 and 5xx answers until PagerDuty accepts', async () => {
    pd.script(pagerduty.throttled(), pagerduty.down());
    alerting = await world.start(config());
    const id = await openIncident(world, [leak('project:globex:8', 'acme', 'globex', 'throttled')]);
    const row = await waitFor('the trigger sent', async () => (await notificationRows(world, id)).find((n) => n.status === 'sent'));
    expect(row.attempts).toBe(3);
    expect(events().map((e) => e.dedup_key)).toEqual([id, id, id]);
  });

  it('gives up after the configured attempts and records the last error', async () => {
    pd.script(pagerduty.down(), pagerduty.down(), pagerduty.down(), pagerduty.down());
    alerting = await world.start(config());
    const id = await openIncident(world, [leak('project:globex:9', 'acme', 'globex', 'down')]);
    const row = await waitFor('the failure', async () => (await notificationRows(world, id)).find((n) => n.status === 'failed'));
    expect(row).toMatchObject({ attempts: 4, last_error: 'PagerDuty answered 500' });
    expect(pd.requests).toHaveLength(4);
  });
});

describe('pagerdutyEvent', () => {
  const view = (over: Partial<IncidentView> = {}): IncidentView => ({
    id: '42',
    kind: 'unscoped_collision',
    pattern: 'project-legacy',
    severity: 'critical',
    status: 'open',
    openedAt: new Date('2024-05-01T10:00:00Z'),
    resolvedAt: null,
    findings: { open: 3, total: 3 },
    keys: 3,
    pairs: [],
    sampleKeys: [],
    url: 'https://tw.example/?incident=42',
    ...over,
  });

  it('maps severities one to one', () => {
    for (const severity of ['critical', 'warning', 'info'] as const) {
      expect((pagerdutyEvent({ kind: 'trigger', incident: view({ severity }) }, 'k', 's') as PagerdutyTrigger).payload.severity).toBe(severity);
    }
  });

  it('keeps the summary within 1024 characters and the event within 512 KB however long the keys and tenant ids', () => {
    const long = (c: string, n: number) => c.repeat(n);
    const pairs = Array.from({ length: 5000 }, (_, i) => ({ owner: `${long('o', 5000)}${i}`, exposed: `${long('e', 5000)}${i}`, keys: 1, firstSeen: new Date(), lastSeen: new Date(), maxRemainingTtlSeconds: null }));
    const sampleKeys = Array.from({ length: 10 }, (_, i) => `${long('k', 1_000_000)}${i}`);
    const e = pagerdutyEvent({ kind: 'trigger', incident: view({ pairs, sampleKeys, keys: 5000 }) }, 'k', 's') as PagerdutyTrigger;
    expect(e.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(e.payload.summary.endsWith('…')).toBe(true);
    expect(jsonBytes(e)).toBeLessThanOrEqual(PAGERDUTY_MAX_EVENT_BYTES);
    expect(e.payload.custom_details.tenant_pairs_total).toBe(5000);
    expect(e.payload.custom_details.tenant_pairs.length).toBeGreaterThan(0);
    expect(e.payload.custom_details.sample_keys.every((k) => k.length <= 512)).toBe(true);
  });

  it('says which reminder is still open and resolves with only the dedup_key', () => {
    const reminder = pagerdutyEvent({ kind: 'reminder', incident: view({ openedAt: new Date(Date.now() - 4 * 3_600_000) }) }, 'k', 's') as PagerdutyTrigger;
    expect(reminder.payload.summary).toMatch(/^\[STILL OPEN 4h\] unscoped_collision on pattern project-legacy: 3 keys \(tenantwatch incident 42\)$/);
    expect(pagerdutyEvent({ kind: 'resolve', incident: view() }, 'k', 's')).toEqual({ routing_key: 'k', event_action: 'resolve', dedup_key: '42' });
  });
});
