import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAST, leak, notificationRows, openIncident, useAlertWorld, type AlertWorld } from './alert-fixture.js';
import { startReceiver, waitFor, type Receiver } from './receiver.js';

describe('delivery across restarts and network failures', () => {
  let world: AlertWorld;
  let hook: Receiver;
  const config = () => world.config(`  groupWait: 0ms\n  webhook: { url: "${hook.url}" }`);

  beforeAll(async () => {
    world = await useAlertWorld();
    hook = await startReceiver({ status: 200 });
  });
  afterEach(async () => {
    await world.reset();
    hook.fallback = { status: 200 };
    hook.requests.length = 0;
  });
  afterAll(async () => {
    await hook.close();
    await world.cleanup();
  });

  it('delivers, after a restart, a notification that was being retried when the process stopped', async () => {
    hook.fallback = { status: 503 };
    const first = await world.start(config(), { ...FAST, retryBaseMs: 500 });
    const id = await openIncident(world, [leak('project:globex:1', 'acme', 'globex', 'restarted')]);
    await waitFor('a failed attempt', () => hook.requests.length >= 1);
    await first.close();
    hook.fallback = { status: 200 };
    await world.start(config(), { ...FAST, retryBaseMs: 500 });
    const row = await waitFor('sent after the restart', async () => (await notificationRows(world, id)).find((n) => n.status === 'sent'));
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(hook.requests.filter((r) => r.headers['x-tenantwatch-delivery'] === `incident-${id}-webhook-trigger`).length).toBe(row.attempts);
  });

  it('queues again a notification whose job the queue Redis lost', async () => {
    hook.fallback = { status: 503 };
    // A long backoff keeps the job waiting in Redis when it is lost.
    const first = await world.start(config(), { ...FAST, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    const id = await openIncident(world, [leak('project:globex:2', 'acme', 'globex', 'lost')]);
    await waitFor('a failed attempt', () => hook.requests.length >= 1);
    await first.close();
    // A queue Redis restarted without persistence comes back empty.
    await world.redis.redis.flushdb();
    hook.fallback = { status: 200 };
    await world.start(config(), { ...FAST, requeueAfterMs: 200 });
    const row = await waitFor('sent after requeueing', async () => (await notificationRows(world, id)).find((n) => n.status === 'sent'));
    expect(row.kind).toBe('trigger');
    expect(hook.requests.at(-1)?.headers['x-tenantwatch-delivery']).toBe(`incident-${id}-webhook-trigger`);
  });

  it('retries network errors and records the last one when attempts run out', async () => {
    const closed = await startReceiver({ status: 200 });
    const url = closed.url;
    await closed.close();
    await world.start(world.config(`  groupWait: 0ms\n  webhook: { url: "${url}" }`));
    const id = await openIncident(world, [leak('project:globex:3', 'acme', 'globex', 'unreachable')]);
    const row = await waitFor('the failure', async () => (await notificationRows(world, id)).find((n) => n.status === 'failed'));
    expect(row.attempts).toBe(FAST.attempts);
    expect(row.last_error).toMatch(/^network error/);
  });
});
