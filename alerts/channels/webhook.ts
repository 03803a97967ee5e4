import { createHmac } from 'node:crypto';
import type { AlertMessage } from '../alert-types.js';
import { incidentDetails, incidentSummary, type IncidentDetails } from '../describe-incident.js';
import { failureFor, postJson } from '../post-json.js';

/**
 * The generic webhook: one JSON document per notification. With a `secret`, the receiver checks
 *   X-Tenantwatch-Signature: sha256=hex(HMAC-SHA256(secret, `${X-Tenantwatch-Timestamp}.${body}`))
 * and refuses timestamps older than a few minutes, so a captured request cannot be replayed.
 * X-Tenantwatch-Delivery is stable across retries of one notification (for deduplication).
 */
export const SIGNATURE_HEADER = 'x-tenantwatch-signature';
export const TIMESTAMP_HEADER = 'x-tenantwatch-timestamp';
export const DELIVERY_HEADER = 'x-tenantwatch-delivery';
export const EVENT_HEADER = 'x-tenantwatch-event';

/** Body of every webhook request (version 1). */
export interface WebhookBody {
  version: 1;
  event: AlertMessage['kind'];
  summary: string;
  incident?: IncidentDetails;
  silence?: {
    id: string;
    kind: string | null;
    pattern: string | null;
    tenant: string | null;
    created_by: string;
    reason: string;
    starts_at: string;
    ends_at: string;
    expired_at: string | null;
    open_incidents: { id: string; kind: string; pattern: string; url: string }[];
  };
  sent_at: string;
}

export function webhookBody(m: AlertMessage, now = new Date()): WebhookBody {
  if (m.kind === 'silence_expired') {
    const s = m.silence;
    return {
      version: 1,
      event: m.kind,
      summary: `Silence ${s.id} expired`,
      silence: {
        id: s.id,
        kind: s.kind,
        pattern: s.pattern,
        tenant: s.tenant,
        created_by: s.createdBy,
        reason: s.reason,
        starts_at: s.startsAt.toISOString(),
        ends_at: s.endsAt.toISOString(),
        expired_at: s.expiredAt?.toISOString() ?? null,
        open_incidents: m.openIncidents.slice(0, 100),
      },
      sent_at: now.toISOString(),
    };
  }
  return { version: 1, event: m.kind, summary: incidentSummary(m), incident: incidentDetails(m.incident), sent_at: now.toISOString() };
}

/** `sha256=<hex>` over `${timestamp}.${body}`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Send one notification: 2xx is success, 429/5xx are retried, other 4xx permanent. */
export async function sendWebhook(target: { url: string; secret?: string }, body: WebhookBody, delivery: string, timeoutMs?: number): Promise<void> {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { [TIMESTAMP_HEADER]: timestamp, [DELIVERY_HEADER]: delivery, [EVENT_HEADER]: body.event };
  if (target.secret) headers[SIGNATURE_HEADER] = signWebhook(target.secret, timestamp, text);
  const r = await postJson(target.url, text, headers, timeoutMs);
  if (r.status >= 200 && r.status < 300) return;
  throw failureFor('webhook', r);
}
