import type pg from 'pg';
import type { Channel, NotificationKind } from './alert-types.js';

/** The SQL of alert delivery's own tables (migrations/002-alerts.sql). */

/** `incident-42-slack-trigger`, `incident-42-pagerduty-reminder-3`, `silence-7-webhook-silence_expired`. */
export function dedupKey(target: { incidentId?: string; silenceId?: string }, channel: Channel, kind: NotificationKind, seq?: number): string {
  const owner = target.incidentId !== undefined ? `incident-${target.incidentId}` : `silence-${target.silenceId}`;
  return `${owner}-${channel}-${kind}${seq !== undefined ? `-${seq}` : ''}`;
}

/** Record one notification per channel (idempotent on `dedup`). */
export async function insertNotifications(
  client: pg.PoolClient,
  target: { incidentId?: string; silenceId?: string },
  channels: readonly Channel[],
  kind: NotificationKind,
  seq?: number,
): Promise<void> {
  if (channels.length === 0) return;
  await client.query(
    `insert into notifications (dedup, incident_id, silence_id, channel, kind)
     select d, $2, $3, c, $4 from unnest($1::text[], $5::text[]) as t(d, c)
     on conflict (dedup) do nothing`,
    [channels.map((c) => dedupKey(target, c, kind, seq)), target.incidentId ?? null, target.silenceId ?? null, kind, channels],
  );
}

/** A notification waiting to be queued (or re-queued). */
export interface PendingNotification {
  id: string;
  dedup: string;
  channel: Channel;
  kind: NotificationKind;
  incidentId: string | null;
  silenceId: string | null;
}

const PENDING_COLUMNS = `id::text, dedup, channel, kind, incident_id::text as "incidentId", silence_id::text as "silenceId"`;

/** Notifications not yet handed to the queue, oldest first. */
export async function unqueuedNotifications(pool: pg.Pool, limit: number): Promise<PendingNotification[]> {
  return (await pool.query<PendingNotification>(`select ${PENDING_COLUMNS} from notifications where enqueued_at is null order by id limit $1`, [limit])).rows;
}

/** Notifications queued a while ago and still unsent: their jobs are checked for (a queue Redis may lose them). */
export async function staleNotifications(pool: pg.Pool, olderThanMs: number, limit: number): Promise<PendingNotification[]> {
  return (
    await pool.query<PendingNotification>(
      `select ${PENDING_COLUMNS} from notifications
        where status = 'pending' and enqueued_at < now() - make_interval(secs => $1::double precision / 1000)
        order by enqueued_at limit $2`,
      [olderThanMs, limit],
    )
  ).rows;
}

export async function markEnqueued(pool: pg.Pool, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await pool.query(`update notifications set enqueued_at = now() where id = any($1::bigint[])`, [ids]);
}

/** Current status of one notification. */
export async function notificationStatus(pool: pg.Pool, id: string): Promise<'pending' | 'sent' | 'failed' | null> {
  return (await pool.query<{ status: 'pending' | 'sent' | 'failed' }>(`select status from notifications where id = $1`, [id])).rows[0]?.status ?? null;
}

export async function markSent(pool: pg.Pool, id: string, attempts: number): Promise<void> {
  await pool.query(`update notifications set status = 'sent', sent_at = now(), attempts = $2, last_error = null where id = $1`, [id, attempts]);
}

/** Record a failed attempt; `final` marks the notification failed for good. */
export async function markAttemptFailed(pool: pg.Pool, id: string, attempts: number, error: string, final: boolean): Promise<void> {
  await pool.query(
    `update notifications set attempts = greatest(attempts, $2), last_error = $3,
            status = case when $4 and status = 'pending' then 'failed' else status end,
            failed_at = case when $4 and status = 'pending' then now() else failed_at end
      where id = $1`,
    [id, attempts, error.slice(0, 1000), final],
  );
}

/** One row of an incident's or silence's delivery record (for the API and tests). */
export interface NotificationRecord {
  id: string;
  channel: Channel;
  kind: NotificationKind;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** What was sent about an incident, oldest first. */
export async function listNotifications(pool: pg.Pool, target: { incidentId?: string; silenceId?: string }): Promise<NotificationRecord[]> {
  const res = await pool.query<NotificationRecord>(
    `select id::text, channel, kind, status, attempts, last_error as "lastError", created_at as "createdAt", sent_at as "sentAt"
       from notifications where ($1::bigint is null or incident_id = $1) and ($2::bigint is null or silence_id = $2)
      order by id`,
    [target.incidentId ?? null, target.silenceId ?? null],
  );
  return res.rows;
}
