import type { Queue } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../src/config/validate-config.js';
import { describeError } from '../src/errors.js';
import { matchingSilence } from '../src/state/silences.js';
import { withTransaction } from '../src/state/with-transaction.js';
import { CHANNELS, type Channel, type DeliveryJob } from './alert-types.js';
import { insertNotifications, markAttemptFailed, markEnqueued, staleNotifications, unqueuedNotifications, type PendingNotification } from './notification-store.js';

/** What the dispatcher needs; `queues` holds one delivery queue per configured channel. */
export interface DispatchContext {
  pool: pg.Pool;
  config: AlertsConfig;
  queues: Partial<Record<Channel, Queue<DeliveryJob>>>;
  log: Logger;
  /** A job not found this long after it was queued is queued again (default 60 s). */
  requeueAfterMs?: number;
  /** Delivery job options (attempts, backoff, retention). */
  jobOptions: { attempts: number; backoff: { type: string }; removeOnComplete: { age: number }; removeOnFail: { age: number } };
}

export interface DispatchResult {
  /** Another process held the dispatch lock; nothing was decided. */
  skipped: boolean;
  triggered: string[];
  reminded: string[];
  resolved: string[];
  silenced: string[];
  silenceNotices: string[];
  queued: number;
}

/**
 * A notification still unsent this long after it was queued has its job looked for: a queue Redis
 * restarted without persistence loses jobs, and the notification is then queued again.
 */
const REQUEUE_AFTER_MS = 60_000;

/** The channels `alerts` configures. */
export function configuredChannels(config: AlertsConfig): Channel[] {
  return CHANNELS.filter((c) => config[c] !== undefined);
}

/**
 * One pass of the dispatcher, safe to run from every process at once: decisions are taken in one
 * transaction under a try-lock (a second process skips), then pending notifications are queued
 * with their `dedup` as the job id (a repeat is a no-op), and marked queued only afterwards.
 *
 * Decisions, in order:
 * - the outbox's `opened` events start an incident's alert state;
 * - an open incident older than groupWait is triggered on every channel, unless a silence holds it;
 * - a `resolved` event sends resolve to every channel a trigger or reminder reached, once none
 *   is still pending; an incident never notified (resolved inside groupWait, or silenced) sends nothing;
 * - an open, notified incident gets a reminder every repeatInterval unless silenced;
 * - a silence that ended is announced once (Slack and webhook).
 */
export async function dispatchAlerts(ctx: DispatchContext): Promise<DispatchResult> {
  const result: DispatchResult = { skipped: false, triggered: [], reminded: [], resolved: [], silenced: [], silenceNotices: [], queued: 0 };
  const channels = configuredChannels(ctx.config);
  await withTransaction(ctx.pool, async (client) => {
    const lock = await client.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtext('tenantwatch:alerts:' || current_schema())) as ok`);
    if (!lock.rows[0]?.ok) {
      result.skipped = true;
      return;
    }
    await client.query(
      `with opened as (
         update incident_events set delivered_at = now() where delivered_at is null and event = 'opened' returning incident_id
       ) insert into incident_alerts (incident_id) select distinct incident_id from opened on conflict do nothing`,
    );
    await triggerDue(client, ctx, channels, result);
    await resolveDue(client, result);
    await remindDue(client, ctx, channels, result);
    await announceExpiredSilences(client, channels, result);
  });
  if (!result.skipped) result.queued = await enqueuePending(ctx);
  return result;
}

async function exposurePairsOf(client: pg.PoolClient, incidentId: string): Promise<{ owner: string; exposed: string }[]> {
  return (
    await client.query<{ owner: string; exposed: string }>(
      `select distinct e->>'owner' as owner, e->>'exposed' as exposed
         from findings f cross join lateral jsonb_array_elements(f.exposures) e
        where f.incident_id = $1 and f.status <> 'resolved'`,
      [incidentId],
    )
  ).rows;
}

/** The silence holding an incident now, recorded on its alert state; null when none does. */
async function holdingSilence(client: pg.PoolClient, i: { id: string; kind: string; pattern: string }): Promise<string | null> {
  const silence = await matchingSilence(client, { kind: i.kind, pattern: i.pattern, pairs: await exposurePairsOf(client, i.id) });
  if (silence) await client.query(`update incident_alerts set suppressed = 'silenced', silence_id = $2 where incident_id = $1`, [i.id, silence.id]);
  else await client.query(`update incident_alerts set suppressed = null, silence_id = null where incident_id = $1 and suppressed = 'silenced'`, [i.id]);
  return silence?.id ?? null;
}

async function triggerDue(client: pg.PoolClient, ctx: DispatchContext, channels: Channel[], result: DispatchResult): Promise<void> {
  const due = await client.query<{ id: string; kind: string; pattern: string }>(
    `select i.id::text, i.kind, i.pattern from incidents i join incident_alerts a on a.incident_id = i.id
      where i.status = 'open' and a.notified_at is null
        and i.opened_at <= now() - make_interval(secs => $1::double precision / 1000)
      order by i.id limit 200`,
    [ctx.config.groupWaitMs],
  );
  for (const i of due.rows) {
    if (await holdingSilence(client, i)) {
      result.silenced.push(i.id);
      continue;
    }
    await insertNotifications(client, { incidentId: i.id }, channels, 'trigger');
    await client.query(`update incident_alerts set notified_at = now(), last_notified_at = now() where incident_id = $1`, [i.id]);
    result.triggered.push(i.id);
  }
}

async function resolveDue(client: pg.PoolClient, result: DispatchResult): Promise<void> {
  const events = await client.query<{ id: string; incident_id: string; notified: boolean }>(
    `select e.id::text, e.incident_id::text, a.notified_at is not null as notified
       from incident_events e left join incident_alerts a on a.incident_id = e.incident_id
      where e.delivered_at is null and e.event = 'resolved' order by e.id limit 200`,
  );
  for (const e of events.rows) {
    if (e.notified) {
      const sent = await client.query<{ channel: Channel; pending: boolean; sent: boolean }>(
        `select channel, bool_or(status = 'pending') as pending, bool_or(status = 'sent') as sent
           from notifications where incident_id = $1 and kind in ('trigger', 'reminder') group by channel`,
        [e.incident_id],
      );
      // A resolve overtaking its trigger would leave PagerDuty with an alert nobody closes.
      if (sent.rows.some((r) => r.pending)) continue;
      // Every channel that was notified, even one since removed from the config (it then fails, recorded).
      const notified = sent.rows.filter((r) => r.sent).map((r) => r.channel);
      await insertNotifications(client, { incidentId: e.incident_id }, notified, 'resolve');
      await client.query(`update incident_alerts set resolve_queued_at = now() where incident_id = $1`, [e.incident_id]);
      if (notified.length > 0) result.resolved.push(e.incident_id);
    } else {
      // Resolved inside groupWait (or while silenced): nobody was told, nobody needs the all-clear.
      await client.query(
        `insert into incident_alerts (incident_id, suppressed) values ($1, 'resolved_in_group_wait')
         on conflict (incident_id) do update set suppressed = coalesce(incident_alerts.suppressed, 'resolved_in_group_wait')`,
        [e.incident_id],
      );
    }
    await client.query(`update incident_events set delivered_at = now() where id = $1`, [e.id]);
  }
}

async function remindDue(client: pg.PoolClient, ctx: DispatchContext, channels: Channel[], result: DispatchResult): Promise<void> {
  const due = await client.query<{ id: string; kind: string; pattern: string; reminders: number }>(
    `select i.id::text, i.kind, i.pattern, a.reminders from incidents i join incident_alerts a on a.incident_id = i.id
      where i.status = 'open' and a.notified_at is not null
        and a.last_notified_at <= now() - make_interval(secs => $1::double precision / 1000)
      order by i.id limit 200`,
    [ctx.config.repeatIntervalMs],
  );
  for (const i of due.rows) {
    if (await holdingSilence(client, i)) continue;
    const seq = i.reminders + 1;
    await insertNotifications(client, { incidentId: i.id }, channels, 'reminder', seq);
    await client.query(`update incident_alerts set last_notified_at = now(), reminders = $2 where incident_id = $1`, [i.id, seq]);
    result.reminded.push(i.id);
  }
}

async function announceExpiredSilences(client: pg.PoolClient, channels: Channel[], result: DispatchResult): Promise<void> {
  const ended = await client.query<{ id: string }>(
    `update silences set expiry_noticed_at = now()
      where expiry_noticed_at is null and coalesce(expired_at, ends_at) <= now()
      returning id::text`,
  );
  // Every channel: PagerDuty takes it as a Change Event, which pages no one.
  for (const s of ended.rows) {
    await insertNotifications(client, { silenceId: s.id }, channels, 'silence_expired');
    result.silenceNotices.push(s.id);
  }
}

/**
 * Hand pending notifications to their channel queues. The job id is the notification's dedup,
 * so queueing twice (a crash before markEnqueued) adds nothing. Jobs a queue Redis lost
 * (restarted without persistence) are queued again; a channel no longer configured fails them.
 */
async function enqueuePending(ctx: DispatchContext): Promise<number> {
  const fresh = await unqueuedNotifications(ctx.pool, 500);
  const stale = await staleNotifications(ctx.pool, ctx.requeueAfterMs ?? REQUEUE_AFTER_MS, 100);
  const queued: string[] = [];
  for (const n of [...fresh, ...stale]) {
    const queue = ctx.queues[n.channel];
    if (!queue) {
      await markAttemptFailed(ctx.pool, n.id, 0, `channel ${n.channel} is not configured`, true);
      queued.push(n.id);
      continue;
    }
    if (stale.includes(n) && !(await needsRequeue(ctx, queue, n))) {
      // Still in the queue (retrying, or waiting for Retry-After): look again in a while, not every tick.
      queued.push(n.id);
      continue;
    }
    try {
      await queue.add(n.kind, toJob(n), { ...ctx.jobOptions, jobId: n.dedup });
      queued.push(n.id);
    } catch (err) {
      ctx.log.warn({ notification: n.dedup, err: describeError(err) }, 'could not queue an alert; the next dispatch tries again');
    }
  }
  await markEnqueued(ctx.pool, queued);
  return queued.length;
}

/** True when a stale notification's job is gone; a job that failed for good marks it failed. */
async function needsRequeue(ctx: DispatchContext, queue: Queue<DeliveryJob>, n: PendingNotification): Promise<boolean> {
  const job = await queue.getJob(n.dedup);
  if (!job) {
    ctx.log.warn({ notification: n.dedup }, 'alert job missing from the queue Redis; queueing it again');
    return true;
  }
  if ((await job.getState()) === 'failed') {
    await markAttemptFailed(ctx.pool, n.id, job.attemptsMade, job.failedReason || 'failed', true);
  }
  return false;
}

function toJob(n: PendingNotification): DeliveryJob {
  return { notificationId: n.id, dedup: n.dedup, channel: n.channel, kind: n.kind, incidentId: n.incidentId ?? undefined, silenceId: n.silenceId ?? undefined };
}
