import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookBody } from '../../alerts/channels/webhook.js';
import { InvalidSilence, createSilence, expireSilence, listSilences, matchingSilence } from '../../src/state/silences.js';
import { leak, notificationRows, openIncident, repair, useAlertWorld, type AlertWorld } from './alert-fixture.js';
import { pagerduty, sleep, slack, startReceiver, waitFor, type Receiver } from './receiver.js';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);

describe('silences', () => {
  let world: AlertWorld;
  let hook: Receiver;
  let pd: Receiver;
  let chat: Receiver;
  const events = () => hook.requests.map((q) => q.json as WebhookBody);
  const channels = () => `  groupWait: 0ms\n  repeatInterval: 1s\n  webhook: { url: "${hook.url}" }\n  pagerduty: { routingKey: rk, url: "${pd.url}" }\n  slack: { webhookUrl: "${chat.url}" }`;

  beforeAll(async () => {
    world = await useAlertWorld();
    hook = await startReceiver({ status: 200 });
    pd = await startReceiver(pagerduty.accepted(), '/v2/enqueue');
    chat = await startReceiver(slack.ok());
  });
  afterEach(async () => {
    await world.reset();
    await world.state.pool.query('delete from silences where id not in (select silence_id from notifications where silence_id is not null) and id not in (select silence_id from incident_alerts where silence_id is not null)');
    hook.requests.length = 0;
    pd.requests.length = 0;
    chat.requests.length = 0;
  });
  afterAll(async () => {
    await hook.close();
    await pd.close();
    await chat.close();
    await world.cleanup();
  });

  describe('createSilence, listSilences, expireSilence', () => {
    it('creates a silence with its matchers, author, reason and expiry', async () => {
      const ends = inMinutes(60);
      const s = await createSilence(world.state.pool, { tenant: 'acme', pattern: 'project', createdBy: 'ops-token', reason: 'acme migration', endsAt: ends });
      expect(s).toMatchObject({ kind: null, pattern: 'project', tenant: 'acme', createdBy: 'ops-token', reason: 'acme migration', endsAt: ends, expiredAt: null, active: true });
      expect((await listSilences(world.state.pool, { active: true })).map((x) => x.id)).toContain(s.id);
    });

    it('refuses a silence without matchers, reason or a future expiry, listing every problem', async () => {
      const err = await createSilence(world.state.pool, { createdBy: '', reason: ' ', endsAt: new Date(Date.now() - 1000) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidSilence);
      expect((err as InvalidSilence).problems).toEqual([
        'matchers: set at least one of kind, pattern, tenant',
        'createdBy: required',
        'reason: required',
        'endsAt: must be in the future and after startsAt',
      ]);
    });

    it('expires a silence by hand, once, and lists it as inactive', async () => {
      const s = await createSilence(world.state.pool, { kind: 'foreign_owner', createdBy: 'me', reason: 'r', endsAt: inMinutes(10) });
      const expired = await expireSilence(world.state.pool, s.id);
      expect(expired).toMatchObject({ id: s.id, active: false });
      expect(expired!.expiredAt).toBeInstanceOf(Date);
      expect((await expireSilence(world.state.pool, s.id))!.expiredAt).toEqual(expired!.expiredAt);
      expect(await expireSilence(world.state.pool, '999999')).toBeNull();
      expect(await expireSilence(world.state.pool, 'abc')).toBeNull();
      expect((await listSilences(world.state.pool, { active: false })).map((x) => x.id)).toContain(s.id);
      expect((await listSilences(world.state.pool, { active: true })).map((x) => x.id)).not.toContain(s.id);
    });
  });

  describe('matchingSilence', () => {
    const target = { kind: 'cross_tenant_payload', pattern: 'project', pairs: [{ owner: 'acme', exposed: 'globex' }] };

    it('matches on kind and pattern, a null matcher matching anything', async () => {
      const s = await createSilence(world.state.pool, { kind: 'cross_tenant_payload', createdBy: 'me', reason: 'r', endsAt: inMinutes(5) });
      expect((await matchingSilence(world.state.pool, target))?.id).toBe(s.id);
      expect(await matchingSilence(world.state.pool, { ...target, kind: 'foreign_owner' })).toBeNull();
      expect((await matchingSilence(world.state.pool, { ...target, pattern: 'other' }))?.id).toBe(s.id);
    });

    it('matches a tenant silence only when every exposure pair names a silenced tenant', async () => {
      const acme = await createSilence(world.state.pool, { tenant: 'acme', createdBy: 'me', reason: 'r', endsAt: inMinutes(5) });
      expect((await matchingSilence(world.state.pool, target))?.id).toBe(acme.id);
      expect((await matchingSilence(world.state.pool, { ...target, pairs: [{ owner: 'initech', exposed: 'acme' }] }))?.id).toBe(acme.id);
      // A leak between two other tenants in the same incident still pages.
      const mixed = { ...target, pairs: [{ owner: 'acme', exposed: 'globex' }, { owner: 'initech', exposed: 'globex' }] };
      expect(await matchingSilence(world.state.pool, mixed)).toBeNull();
      // ... unless those tenants are silenced too.
      await createSilence(world.state.pool, { tenant: 'initech', createdBy: 'me', reason: 'r', endsAt: inMinutes(5) });
      expect(await matchingSilence(world.state.pool, mixed)).not.toBeNull();
      // An incident without pairs names no tenant.
      expect(await matchingSilence(world.state.pool, { ...target, pairs: [] })).toBeNull();
    });

    it('ignores silences that have not started, have ended or were expired', async () => {
      await createSilence(world.state.pool, { kind: 'cross_tenant_payload', createdBy: 'me', reason: 'later', startsAt: inMinutes(10), endsAt: inMinutes(20) });
      const s = await createSilence(world.state.pool, { kind: 'cross_tenant_payload', createdBy: 'me', reason: 'now', endsAt: inMinutes(20) });
      await expireSilence(world.state.pool, s.id);
      expect(await matchingSilence(world.state.pool, target)).toBeNull();
      expect(await matchingSilence(world.state.pool, { ...target, at: inMinutes(15) })).not.toBeNull();
      expect(await matchingSilence(world.state.pool, { ...target, at: inMinutes(25) })).toBeNull();
    });
  });

  describe('delivery', () => {
    it('holds a matching incident silent, then announces the expiry and pages', async () => {
      const s = await createSilence(world.state.pool, { tenant: 'acme', pattern: 'silenced', createdBy: 'ops-token', reason: 'acme data migration', endsAt: inMinutes(30) });
      await world.start(world.config(channels()));
      const id = await openIncident(world, [leak('project:globex:1', 'acme', 'globex', 'silenced')]);
      await waitFor('the incident held', async () => (await world.state.pool.query(`select 1 from incident_alerts where incident_id = $1 and suppressed = 'silenced' and silence_id = $2`, [id, s.id])).rowCount);
      await sleep(1200);
      expect(hook.requests).toHaveLength(0);
      expect(pd.requests).toHaveLength(0);

      await expireSilence(world.state.pool, s.id);
      await waitFor('the notice and the trigger', () => events().some((e) => e.event === 'silence_expired') && events().some((e) => e.event === 'trigger'));
      const notice = events().find((e) => e.event === 'silence_expired')!;
      expect(notice.silence).toMatchObject({ id: s.id, tenant: 'acme', pattern: 'silenced', kind: null, created_by: 'ops-token', reason: 'acme data migration' });
      expect(notice.silence!.open_incidents).toEqual([{ id, kind: 'cross_tenant_payload', pattern: 'silenced', url: `http://localhost:8080/?incident=${id}` }]);
      await waitFor('PagerDuty paged and told', () => pd.requests.length >= 2);
      // PagerDuty pages for the incident and takes the notice as a Change Event, which pages no one.
      const alerts = pd.requests.filter((r) => r.path === '/v2/enqueue');
      expect(alerts.map((r) => (r.json as { event_action: string }).event_action)).toEqual(['trigger']);
      const changes = pd.requests.filter((r) => r.path === '/v2/change/enqueue');
      expect(changes).toHaveLength(1);
      const change = changes[0]!.json as { routing_key: string; event_action?: string; payload: { summary: string; custom_details: { silence_id: string; tenant: string; open_incidents: { id: string }[] } } };
      expect(change.event_action).toBeUndefined();
      expect(change.routing_key).toBe('rk');
      expect(change.payload.summary).toBe(`tenantwatch silence ${s.id} on pattern silenced, tenant acme was expired by hand: matching incidents page again (1 open of its kind and pattern)`);
      expect(change.payload.custom_details).toMatchObject({ silence_id: s.id, tenant: 'acme', reason: 'acme data migration', open_incidents: [{ id }] });
      // Slack gets the notice as a message of its own, besides the incident's trigger.
      await waitFor('the Slack notice', () => chat.requests.some((r) => (r.json as { text: string }).text.includes(`Silence ${s.id}`)));
      const notices = chat.requests.filter((r) => (r.json as { text: string }).text.includes(`Silence ${s.id}`));
      expect(notices).toHaveLength(1);
      expect(JSON.stringify(notices[0]!.json)).toContain('acme data migration');
      await sleep(300);
      expect(events().filter((e) => e.event === 'silence_expired')).toHaveLength(1);
    });

    it('stops reminders while silenced but still resolves on every notified channel', async () => {
      await world.start(world.config(channels()));
      const id = await openIncident(world, [leak('project:globex:2', 'acme', 'globex', 'quieted')]);
      await waitFor('the trigger', () => events().some((e) => e.event === 'trigger'));
      await createSilence(world.state.pool, { kind: 'cross_tenant_payload', pattern: 'quieted', createdBy: 'me', reason: 'known', endsAt: inMinutes(30) });
      await sleep(300);
      const before = hook.requests.length;
      await sleep(2200);
      expect(hook.requests.length).toBe(before);
      await repair(world, ['project:globex:2']);
      await waitFor('resolves', async () => (await notificationRows(world, id)).filter((n) => n.kind === 'resolve' && n.status === 'sent').length === 3);
      expect(events().at(-1)?.event).toBe('resolve');
    });
  });
});
