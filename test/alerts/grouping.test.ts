import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookBody } from '../../alerts/channels/webhook.js';
import type { Alerting } from '../../alerts/start-alerting.js';
import { leak, notificationRows, openIncident, repair, useAlertWorld, type AlertWorld } from './alert-fixture.js';
import { pagerduty, slack, sleep, startReceiver, waitFor, type Receiver } from './receiver.js';

describe('grouping, reminders and resolution', () => {
  let world: AlertWorld;
  let hook: Receiver;
  let pd: Receiver;
  let sl: Receiver;
  const running: Alerting[] = [];
  const events = (r: Receiver = hook) => r.requests.map((q) => q.json as WebhookBody);
  const start = async (yaml: string) => {
    const a = await world.start(world.config(yaml));
    running.push(a);
    return a;
  };

  beforeAll(async () => {
    world = await useAlertWorld();
    hook = await startReceiver({ status: 200 });
    pd = await startReceiver(pagerduty.accepted());
    sl = await startReceiver(slack.ok());
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.close()));
    await world.reset();
    for (const r of [hook, pd, sl]) r.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.all([hook, pd, sl].map((r) => r.close()));
    await world.cleanup();
  });

  it('never pages for an incident that resolves within groupWait', async () => {
    await start(`  groupWait: 1500ms\n  webhook: { url: "${hook.url}" }`);
    const id = await openIncident(world, [leak('project:globex:1', 'acme', 'globex', 'flap')]);
    await sleep(200);
    await repair(world, ['project:globex:1']);
    await sleep(2000);
    expect(hook.requests).toHaveLength(0);
    expect(await notificationRows(world, id)).toEqual([]);
    const state = await world.state.pool.query(`select suppressed, notified_at from incident_alerts where incident_id = $1`, [id]);
    expect(state.rows).toEqual([{ suppressed: 'resolved_in_group_wait', notified_at: null }]);
  });

  it('sends the first notification only after groupWait', async () => {
    await start(`  groupWait: 800ms\n  webhook: { url: "${hook.url}" }`);
    const id = await openIncident(world, [leak('project:globex:2', 'acme', 'globex', 'waits')]);
    const opened = (await world.state.pool.query<{ t: Date }>(`select opened_at as t from incidents where id = $1`, [id])).rows[0]!.t;
    const req = await waitFor('the trigger', () => hook.requests[0]);
    expect(req.at - opened.getTime()).toBeGreaterThanOrEqual(800);
  });

  it('reminds every repeatInterval while the incident stays open, and stops once it resolves', async () => {
    await start(`  groupWait: 0ms\n  repeatInterval: 1s\n  webhook: { url: "${hook.url}" }`);
    const id = await openIncident(world, [leak('project:globex:3', 'acme', 'globex', 'lingers')]);
    await waitFor('two reminders', () => hook.requests.length >= 3, 10_000);
    expect(events().slice(0, 3).map((e) => e.event)).toEqual(['trigger', 'reminder', 'reminder']);
    // Measured between the dispatcher's decisions (delivery latency varies).
    const decided = await world.state.pool.query<{ ms: number }>(
      `select (extract(epoch from created_at - lag(created_at) over (order by id)) * 1000)::int as ms
         from notifications where incident_id = $1 order by id`,
      [id],
    );
    for (const gap of decided.rows.slice(1, 3)) expect(gap.ms).toBeGreaterThanOrEqual(1000);
    expect(hook.requests[1]!.headers['x-tenantwatch-delivery']).toBe(`incident-${id}-webhook-reminder-1`);
    await repair(world, ['project:globex:3']);
    await waitFor('the resolve', () => events().find((e) => e.event === 'resolve'));
    const count = hook.requests.length;
    await sleep(1500);
    expect(hook.requests).toHaveLength(count);
  });

  it('sends the resolve to every channel that was notified, and only to those', async () => {
    sl.script(slack.archived());
    await start(`  groupWait: 0ms\n  pagerduty: { routingKey: rk, url: "${pd.url}" }\n  slack: { webhookUrl: "${sl.url}" }\n  webhook: { url: "${hook.url}" }`);
    const id = await openIncident(world, [leak('project:globex:4', 'acme', 'globex', 'everywhere')]);
    await waitFor('all triggers settled', async () => {
      const rows = await notificationRows(world, id);
      return rows.length === 3 && rows.every((r) => r.status !== 'pending');
    });
    await repair(world, ['project:globex:4']);
    await waitFor('resolves sent', async () => (await notificationRows(world, id)).filter((r) => r.kind === 'resolve' && r.status === 'sent').length === 2);
    await sleep(300);
    const rows = (await notificationRows(world, id)).map((r) => `${r.channel}:${r.kind}:${r.status}`).sort();
    expect(rows).toEqual(['pagerduty:resolve:sent', 'pagerduty:trigger:sent', 'slack:trigger:failed', 'webhook:resolve:sent', 'webhook:trigger:sent']);
    expect(events(pd).map((e) => (e as unknown as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
    expect(sl.requests).toHaveLength(1);
  });

  it('sends each notification once when several processes dispatch', async () => {
    const yaml = `  groupWait: 0ms\n  repeatInterval: 1h\n  webhook: { url: "${hook.url}" }`;
    await Promise.all([start(yaml), start(yaml), start(yaml)]);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await openIncident(world, [leak(`project:globex:10${i}`, 'acme', 'globex', `multi-${i}`)]));
    await waitFor('five triggers', () => hook.requests.length >= 5);
    await sleep(1000);
    expect(events().map((e) => e.incident?.incident_id).sort()).toEqual([...ids].sort());
  });
});
