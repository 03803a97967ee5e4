import type { IncidentMessage, SilenceExpiredMessage } from '../alert-types.js';
import { incidentDetails, incidentSummary, type IncidentDetails } from '../describe-incident.js';
import { DeliveryFailure, failureFor, postJson } from '../post-json.js';
import { jsonBytes, truncate } from '../truncate.js';

/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * `trigger` and `resolve` share `dedup_key` = the incident id, so reminders update the same
 * alert and the resolve closes it.
 */

/** PagerDuty refuses events larger than 512 KB. */
export const PAGERDUTY_MAX_EVENT_BYTES = 512 * 1024;
export const PAGERDUTY_MAX_SUMMARY = 1024;

export interface PagerdutyTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: 'critical' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: IncidentDetails;
  };
  links: { href: string; text: string }[];
  client: string;
  client_url: string;
}

export interface PagerdutyResolve {
  routing_key: string;
  event_action: 'resolve';
  dedup_key: string;
}

/** The event for a message; `source` names the watched cache (host:port, no credentials). */
export function pagerdutyEvent(m: IncidentMessage, routingKey: string, source: string): PagerdutyTrigger | PagerdutyResolve {
  const v = m.incident;
  if (m.kind === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: v.id };
  // Half the limit for details leaves the summary, keys of links and JSON framing ample room.
  let budget = PAGERDUTY_MAX_EVENT_BYTES / 2;
  for (;;) {
    const event: PagerdutyTrigger = {
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: v.id,
      payload: {
        summary: incidentSummary(m, PAGERDUTY_MAX_SUMMARY),
        source,
        // Our severities are a subset of PagerDuty's (critical, error, warning, info).
        severity: v.severity,
        timestamp: v.openedAt.toISOString(),
        component: v.pattern || '(unregistered)',
        group: 'tenantwatch',
        class: v.kind,
        custom_details: incidentDetails(v, budget),
      },
      links: [{ href: v.url, text: `tenantwatch incident ${v.id}` }],
      client: 'tenantwatch',
      client_url: v.url,
    };
    if (jsonBytes(event) <= PAGERDUTY_MAX_EVENT_BYTES || budget < 1024) return event;
    budget /= 2;
  }
}

/**
 * A silence's end, as a Change Event (https://developer.pagerduty.com/docs/events-API-v2/change-events/):
 * it shows on the service's timeline and pages no one, which is what a notice is. No dedup_key:
 * change events have none.
 */
export interface PagerdutyChange {
  routing_key: string;
  payload: { summary: string; source: string; timestamp: string; custom_details: Record<string, unknown> };
  links: { href: string; text: string }[];
}

export function pagerdutyChangeEvent(m: SilenceExpiredMessage, routingKey: string, source: string): PagerdutyChange {
  const s = m.silence;
  const on = [s.kind && `kind ${s.kind}`, s.pattern && `pattern ${s.pattern}`, s.tenant && `tenant ${s.tenant}`].filter(Boolean).join(', ');
  const open = m.openIncidents.length;
  const summary = `tenantwatch silence ${s.id} on ${on} ${s.expiredAt ? 'was expired by hand' : 'ended'}: matching incidents page again${open > 0 ? ` (${open} open of its kind and pattern)` : ''}`;
  return {
    routing_key: routingKey,
    payload: {
      summary: truncate(summary, PAGERDUTY_MAX_SUMMARY),
      source,
      timestamp: (s.expiredAt ?? s.endsAt).toISOString(),
      custom_details: {
        silence_id: s.id,
        kind: s.kind,
        pattern: s.pattern,
        tenant: s.tenant,
        created_by: truncate(s.createdBy, 200),
        reason: truncate(s.reason, 1000),
        open_incidents: m.openIncidents.slice(0, 100).map((i) => ({ id: i.id, kind: i.kind, pattern: i.pattern, url: i.url })),
      },
    },
    links: [{ href: m.url, text: `tenantwatch silence ${s.id}` }],
  };
}

/** The Change Events endpoint beside the configured alert endpoint (`…/v2/enqueue` → `…/v2/change/enqueue`). */
export function pagerdutyChangeUrl(alertUrl: string): string {
  return new URL('change/enqueue', alertUrl).toString();
}

/**
 * Send one event. 202 is success; 400 (an invalid event) is permanent; 429 and 5xx are retried
 * (PagerDuty sends no Retry-After; our backoff applies); other 4xx are permanent.
 */
export async function sendPagerduty(url: string, event: PagerdutyTrigger | PagerdutyResolve | PagerdutyChange, timeoutMs?: number): Promise<void> {
  const r = await postJson(url, JSON.stringify(event), {}, timeoutMs);
  if (r.status >= 200 && r.status < 300) return;
  if (r.status === 400) throw new DeliveryFailure(`PagerDuty refused the event (400): ${r.body.replace(/\s+/g, ' ').slice(0, 300)}`, { retryable: false, status: 400 });
  throw failureFor('PagerDuty', r);
}
