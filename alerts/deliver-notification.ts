import { UnrecoverableError, type Job } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../src/config/validate-config.js';
import { describeError } from '../src/errors.js';
import type { AlertMessage, Channel, DeliveryJob } from './alert-types.js';
import { pagerdutyChangeEvent, pagerdutyChangeUrl, pagerdutyEvent, sendPagerduty } from './channels/pagerduty.js';
import { sendSlack, slackMessage } from './channels/slack.js';
import { sendWebhook, webhookBody } from './channels/webhook.js';
import { loadMessage } from './load-message.js';
import { markAttemptFailed, markSent, notificationStatus } from './notification-store.js';
import { DeliveryFailure } from './post-json.js';

/** Outcome of one delivery attempt, for `tenantwatch_alert_deliveries_total{channel,outcome}`. */
export type DeliveryOutcome = 'sent' | 'retried' | 'failed';

export interface DeliveryContext {
  pool: pg.Pool;
  config: AlertsConfig;
  log: Logger;
  /** PagerDuty's `source`: the watched cache's host (never credentials). */
  source: string;
  timeoutMs?: number;
  onDelivery?: (channel: Channel, outcome: DeliveryOutcome) => void;
  /**
   * Told when the provider said "slow down" with a Retry-After: the whole channel's queue pauses
   * that long, not just the job that heard it (its other jobs would hit the same limit).
   */
  onThrottled?: (channel: Channel, ms: number) => Promise<void>;
}

/**
 * Process one delivery job: build the message from the state, send it, record the outcome on
 * the notification row. Retryable failures rethrow (the worker's backoff honours Retry-After);
 * permanent ones are recorded and end the job with UnrecoverableError.
 */
export async function deliverNotification(ctx: DeliveryContext, job: Job<DeliveryJob>): Promise<void> {
  const d = job.data;
  const attempt = job.attemptsMade + 1;
  // A job queued again (lost by Redis, or raced by two dispatchers) after it was already sent.
  if ((await notificationStatus(ctx.pool, d.notificationId)) !== 'pending') return;
  const log = ctx.log.child({ notification: d.dedup, channel: d.channel, kind: d.kind, incidentId: d.incidentId, silenceId: d.silenceId, attempt });
  try {
    const message = await loadMessage(ctx.pool, d, ctx.config.dashboardUrl);
    if (!message) throw new DeliveryFailure(`${d.incidentId ? `incident ${d.incidentId}` : `silence ${d.silenceId}`} no longer exists`, { retryable: false });
    await send(ctx, d, message);
  } catch (err) {
    const failure = err instanceof DeliveryFailure ? err : undefined;
    const permanent = failure !== undefined && !failure.retryable;
    const final = permanent || attempt >= (job.opts.attempts ?? 1);
    const reason = failure ? failure.message : `internal: ${describeError(err)}`;
    await markAttemptFailed(ctx.pool, d.notificationId, attempt, reason, final).catch((recordErr: unknown) =>
      log.error({ err: describeError(recordErr) }, 'could not record the failed alert delivery'),
    );
    ctx.onDelivery?.(d.channel, final ? 'failed' : 'retried');
    if (failure?.status === 429 && failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) {
      await ctx.onThrottled?.(d.channel, failure.retryAfterMs).catch((pauseErr: unknown) => log.warn({ err: describeError(pauseErr) }, 'could not pause the channel after a 429'));
    }
    if (final) log.error({ err: reason }, permanent ? 'alert delivery failed for good (permanent)' : 'alert delivery failed for good (retries exhausted)');
    else log.warn({ err: reason, retryAfterMs: failure?.retryAfterMs }, 'alert delivery failed; retrying with backoff');
    if (permanent) throw new UnrecoverableError(reason);
    throw err;
  }
  await markSent(ctx.pool, d.notificationId, attempt);
  ctx.onDelivery?.(d.channel, 'sent');
  log.info('alert delivered');
}

async function send(ctx: DeliveryContext, d: DeliveryJob, m: AlertMessage): Promise<void> {
  const { pagerduty, slack, webhook } = ctx.config;
  switch (d.channel) {
    case 'pagerduty':
      if (!pagerduty) throw notConfigured(d.channel);
      if (m.kind === 'silence_expired') return sendPagerduty(pagerdutyChangeUrl(pagerduty.url), pagerdutyChangeEvent(m, pagerduty.routingKey, ctx.source), ctx.timeoutMs);
      return sendPagerduty(pagerduty.url, pagerdutyEvent(m, pagerduty.routingKey, ctx.source), ctx.timeoutMs);
    case 'slack':
      if (!slack) throw notConfigured(d.channel);
      return sendSlack(slack.webhookUrl, slackMessage(m), ctx.timeoutMs);
    case 'webhook':
      if (!webhook) throw notConfigured(d.channel);
      return sendWebhook(webhook, webhookBody(m), d.dedup, ctx.timeoutMs);
  }
}

function notConfigured(channel: Channel): DeliveryFailure {
  return new DeliveryFailure(`channel ${channel} is no longer configured`, { retryable: false });
}
