import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView } from '../../alerts/alert-types.js';
import { SLACK_MAX_BLOCKS, SLACK_MAX_HEADER, SLACK_MAX_SECTION, escapeMrkdwn, slackMessage, type SlackBlock, type SlackMessage } from '../../alerts/channels/slack.js';
import type { Alerting } from '../../alerts/start-alerting.js';
import { leak, notificationRows, openIncident, repair, useAlertWorld, type AlertWorld } from './alert-fixture.js';
import { slack, startReceiver, waitFor, type Receiver } from './receiver.js';

const allText = (m: SlackMessage) => JSON.stringify(m.blocks);

describe('Slack incoming webhook', () => {
  let world: AlertWorld;
  let hook: Receiver;
  let alerting: Alerting | undefined;
  const config = () => world.config(`  groupWait: 0ms\n  slack: { webhookUrl: "${hook.url}" }`);
  const messages = () => hook.requests.map((r) => r.json as SlackMessage);

  beforeAll(async () => {
    world = await useAlertWorld();
    hook = await startReceiver(slack.ok(), '/services/T000/B000/XXXX');
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

  it('posts a Block Kit message on trigger and a follow-up on resolve', async () => {
    alerting = await world.start(config());
    const id = await openIncident(world, [leak('project:globex:1041'), leak('project:initech:1041', 'acme', 'initech')]);
    const trigger = await waitFor('the trigger', () => messages()[0]);
    expect(trigger.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🚨 Cross-tenant leak: Cached payload names another tenant (project)', emoji: true } });
    expect(trigger.text).toMatch(/^\[CRITICAL\] cross_tenant_payload on pattern project: 2 keys/);
    expect(allText(trigger)).toContain('`acme`\'s data → `globex` (1 key)');
    expect(allText(trigger)).toContain('`project:initech:1041`');
    expect(trigger.blocks).toContainEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in tenantwatch' }, url: `http://localhost:8080/?incident=${id}` }] });

    await repair(world, ['project:globex:1041', 'project:initech:1041']);
    const resolve = await waitFor('the follow-up', () => messages()[1]);
    expect((resolve.blocks[0] as { text: { text: string } }).text.text).toBe('✅ Resolved: Cached payload names another tenant (project)');
    expect(allText(resolve)).toContain(`Incident *${id}* resolved after`);
    await waitFor('both recorded as sent', async () => (await notificationRows(world, id)).every((n) => n.status === 'sent'));
    expect((await notificationRows(world, id)).map((n) => `${n.kind}:${n.status}`)).toEqual(['trigger:sent', 'resolve:sent']);
  });

  it('waits as long as a 429 Retry-After says before trying again', async () => {
    hook.script(slack.rateLimited(2));
    alerting = await world.start(config());
    const id = await openIncident(world, [leak('project:globex:77', 'acme', 'globex', 'limited')]);
    await waitFor('the second attempt', () => hook.requests[1]);
    const [first, second] = hook.requests;
    // Retry-After: 2 — our own backoff here would have been 50–100 ms.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
    const row = await waitFor('sent', async () => (await notificationRows(world, id)).find((n) => n.status === 'sent'));
    expect(row.attempts).toBe(2);
  });

  it('pauses the whole channel on a 429, not just the message that heard it', async () => {
    hook.script(slack.rateLimited(2));
    alerting = await world.start(config());
    await openIncident(world, [leak('project:globex:78', 'acme', 'globex', 'limited-a')]);
    await waitFor('the 429', () => hook.requests[0]);
    // A second incident's trigger, queued while the channel is paused, waits out the same 2 s.
    await openIncident(world, [leak('project:globex:79', 'acme', 'globex', 'limited-b')]);
    await waitFor('both sent', () => hook.requests.length >= 3);
    const [throttled, ...after] = hook.requests;
    for (const r of after) expect(r.at - throttled!.at).toBeGreaterThanOrEqual(1900);
  });

  it('sends at most about one message a second (Slack\'s limit per webhook)', async () => {
    alerting = await world.start(config());
    for (const n of [80, 81, 82]) await openIncident(world, [leak(`project:globex:${n}`, 'acme', 'globex', `burst-${n}`)]);
    await waitFor('three triggers', () => hook.requests.length >= 3, 20_000);
    const at = hook.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(1900);
  });

  it.each([
    ['404 no_active_hooks', slack.noActiveHooks(), 'Slack answered 404: no_active_hooks'],
    ['410 channel_is_archived', slack.archived(), 'Slack answered 410: channel_is_archived'],
  ])('records %s as a permanent failure', async (_name, answer, error) => {
    hook.script(answer);
    alerting = await world.start(config());
    const id = await openIncident(world, [leak(`project:globex:${error.length}`, 'acme', 'globex', `gone-${error.length}`)]);
    const row = await waitFor('the failure', async () => (await notificationRows(world, id)).find((n) => n.status === 'failed'));
    expect(row).toMatchObject({ attempts: 1, last_error: error });
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.requests).toHaveLength(1);
  });
});

describe('slackMessage', () => {
  const pair = (i: number) => ({ owner: `tenant-${i}-${'o'.repeat(150)}`, exposed: `tenant-${i + 1}-${'e'.repeat(150)}`, keys: i + 1, firstSeen: new Date(), lastSeen: new Date(), maxRemainingTtlSeconds: 60 });
  const view = (over: Partial<IncidentView> = {}): IncidentView => ({
    id: '7',
    kind: 'cross_tenant_payload',
    pattern: 'project',
    severity: 'critical',
    status: 'open',
    openedAt: new Date('2024-05-01T10:00:00Z'),
    resolvedAt: null,
    findings: { open: 1, total: 1 },
    keys: 1,
    pairs: [],
    sampleKeys: [],
    url: 'https://tw.example/?incident=7',
    ...over,
  });
  const sectionTexts = (blocks: SlackBlock[]) => blocks.flatMap((b) => (b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)] : []));

  it('stays within 50 blocks, 3000-character sections and a 150-character header for a huge blast radius', () => {
    const m = slackMessage({
      kind: 'trigger',
      incident: view({ pattern: 'p'.repeat(400), pairs: Array.from({ length: 3000 }, (_, i) => pair(i)), sampleKeys: Array.from({ length: 10 }, (_, i) => `k${i}:${'x'.repeat(100_000)}`), keys: 3000 }),
    });
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    expect(m.blocks.length).toBeGreaterThan(20);
    for (const t of sectionTexts(m.blocks)) expect(t.length).toBeLessThanOrEqual(SLACK_MAX_SECTION);
    const header = m.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_MAX_HEADER);
    expect(allText(m)).toMatch(/… and [\d,]+ more pairs on the dashboard/);
    expect(m.text.length).toBeLessThanOrEqual(3000);
  });

  it('keeps attacker-chosen keys and tenant ids as text (no mentions, no links)', () => {
    const m = slackMessage({ kind: 'trigger', incident: view({ sampleKeys: ['project:<!channel>:<https://evil.example|click>&`x`'], pairs: [{ ...pair(1), owner: '<@U123>' }] }) });
    const text = allText(m) + m.text;
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|click&gt;&amp;ˋxˋ');
    expect(m.text).toContain('&lt;@U123&gt;');
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('announces an expired silence with its matchers and the incidents that page again', () => {
    const now = new Date();
    const m = slackMessage({
      kind: 'silence_expired',
      silence: { id: '3', kind: null, pattern: 'project', tenant: 'acme', createdBy: 'ops-token', reason: 'migrating acme', createdAt: now, startsAt: now, endsAt: now, expiredAt: null, expiryNoticedAt: null, active: false },
      openIncidents: [{ id: '9', kind: 'cross_tenant_payload', pattern: 'project', url: 'https://tw.example/?incident=9' }],
      url: 'https://tw.example/',
    });
    expect((m.blocks[0] as { text: { text: string } }).text.text).toBe('🔕 Silence 3 expired');
    expect(allText(m)).toContain('pattern `project`, tenant `acme` reached its end');
    expect(allText(m)).toContain('<https://tw.example/?incident=9|Incident 9>');
  });
});
