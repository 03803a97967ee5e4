import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../../alerts/channels/webhook.js';
import type { Alerting } from '../../alerts/start-alerting.js';
import { leak, notificationRows, openIncident, repair, useAlertWorld, type AlertWorld } from './alert-fixture.js';
import { startReceiver, waitFor, type Receiver } from './receiver.js';

const SECRET = 'whsec-test-0123456789';

/** What a receiver does: recompute the HMAC over `${timestamp}.${body}` and compare in constant time. */
function verifies(headers: Record<string, string | string[] | undefined>, body: string, secret: string): boolean {
  const ts = String(headers[TIMESTAMP_HEADER]);
  const sig = String(headers[SIGNATURE_HEADER]);
  const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
  return sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected)) && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

describe('generic webhook', () => {
  let world: AlertWorld;
  let hook: Receiver;
  let alerting: Alerting | undefined;

  beforeAll(async () => {
    world = await useAlertWorld();
    hook = await startReceiver((r) => ({ status: verifies(r.headers, r.body, SECRET) ? 204 : 401 }), '/hooks/tenantwatch');
  });
  afterEach(async () => {
    await alerting?.close();
    alerting = undefined;
    await world.reset();
    hook.requests.length = 0;
  });
  afterAll(async () => {
    await hook.close();
    await world.cleanup();
  });

  it('signs the timestamp and body with HMAC-SHA256 so the receiver can verify them', async () => {
    alerting = await world.start(world.config(`  groupWait: 0ms\n  webhook: { url: "${hook.url}", secret: ${SECRET} }`));
    const id = await openIncident(world, [leak('project:globex:1041'), leak('project:globex:1042')]);
    const req = await waitFor('the trigger', () => hook.requests[0]);
    expect(verifies(req.headers, req.body, SECRET)).toBe(true);
    expect(verifies(req.headers, req.body, 'another-secret')).toBe(false);
    expect(verifies(req.headers, req.body.replace('globex', 'initech'), SECRET)).toBe(false);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers[DELIVERY_HEADER]).toBe(`incident-${id}-webhook-trigger`);
    expect(req.json).toMatchObject({
      version: 1,
      event: 'trigger',
      incident: {
        incident_id: id,
        kind: 'cross_tenant_payload',
        pattern: 'project',
        severity: 'critical',
        keys: 2,
        findings: { open: 2, total: 2 },
        tenant_pairs: [{ owner: 'acme', exposed: 'globex', keys: 2 }],
        sample_keys: expect.arrayContaining(['project:globex:1041', 'project:globex:1042']),
        dashboard: `http://localhost:8080/?incident=${id}`,
      },
    });
    await waitFor('the notification marked sent', async () => (await notificationRows(world, id)).find((n) => n.status === 'sent'));
    expect(await notificationRows(world, id)).toEqual([{ channel: 'webhook', kind: 'trigger', status: 'sent', attempts: 1, last_error: null }]);
  });

  it('sends no signature header without a secret, but still the timestamp', async () => {
    const open = await startReceiver({ status: 200 });
    try {
      alerting = await world.start(world.config(`  groupWait: 0ms\n  webhook: { url: "${open.url}" }`));
      await openIncident(world, [leak('project:globex:9', 'acme', 'globex', 'nosecret')]);
      const req = await waitFor('the trigger', () => open.requests[0]);
      expect(req.headers[SIGNATURE_HEADER]).toBeUndefined();
      expect(Number(req.headers[TIMESTAMP_HEADER])).toBeGreaterThan(1_700_000_000);
    } finally {
      await open.close();
    }
  });

  it('retries a 5xx with backoff, and a resolve waits until its trigger got through', async () => {
    hook.script({ status: 503 }, { status: 502 });
    alerting = await world.start(world.config(`  groupWait: 0ms\n  webhook: { url: "${hook.url}", secret: ${SECRET} }`));
    const key = 'project:globex:2001';
    const id = await openIncident(world, [leak(key, 'acme', 'globex', 'retried')]);
    await waitFor('the first attempt', () => hook.requests.length >= 1);
    // Resolved while the trigger is still being retried: the resolve must not overtake it.
    await repair(world, [key]);
    const resolve = await waitFor('the resolve', () => hook.requests.find((r) => (r.json as { event: string }).event === 'resolve'));
    expect(hook.requests.map((r) => (r.json as { event: string }).event)).toEqual(['trigger', 'trigger', 'trigger', 'resolve']);
    expect(resolve.json).toMatchObject({ event: 'resolve', incident: { incident_id: id, status: 'resolved', findings: { open: 0, total: 1 } } });
    const rows = await waitFor('both sent', async () => {
      const r = await notificationRows(world, id);
      return r.length === 2 && r.every((n) => n.status === 'sent') && r;
    });
    expect(rows[0]).toMatchObject({ kind: 'trigger', attempts: 3 });
    expect(world.deliveries.filter((d) => d.channel === 'webhook').map((d) => d.outcome)).toEqual(expect.arrayContaining(['retried', 'retried', 'sent']));
  });

  it.each([
    [403, 'forbidden'],
    [408, 'request timeout'],
  ])('records a %i (a 4xx other than 429) as a permanent failure without retrying', async (status, text) => {
    hook.script({ status, body: text });
    alerting = await world.start(world.config(`  groupWait: 0ms\n  webhook: { url: "${hook.url}", secret: ${SECRET} }`));
    const id = await openIncident(world, [leak('project:globex:3001', 'acme', 'globex', 'refused')]);
    const row = await waitFor('the failure recorded', async () => (await notificationRows(world, id)).find((n) => n.status === 'failed'));
    expect(row).toMatchObject({ attempts: 1, last_error: `webhook answered ${status}: ${text}` });
    await new Promise((r) => setTimeout(r, 400));
    expect(hook.requests).toHaveLength(1);
  });

  it('computes the documented signature', () => {
    expect(signWebhook('k', '1700000000', '{"a":1}')).toBe(`sha256=${createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex')}`);
  });
});
