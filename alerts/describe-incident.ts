import type { BlastPair } from '../src/state/incidents.js';
import type { IncidentMessage, IncidentView } from './alert-types.js';
import { formatCount, formatDuration, jsonBytes, truncate } from './truncate.js';

/** Longest key or tenant id any message repeats; keys are attacker-influenced and unbounded. */
export const MAX_KEY_CHARS = 512;
export const MAX_TENANT_CHARS = 200;
/** Pairs listed in details before "and N more": a blast radius can hold thousands. */
export const MAX_PAIRS = 100;

const KIND_TITLE: Record<string, string> = {
  cross_tenant_payload: 'Cached payload names another tenant',
  foreign_owner: "Cached payload holds another tenant's row",
  key_owner_mismatch: "Key's tenant does not own its row",
  unscoped_collision: 'Unscoped key shared by several tenants',
};

/** "Cached payload names another tenant" (or the kind itself). */
export function kindTitle(kind: string): string {
  return KIND_TITLE[kind] ?? kind;
}

/** "acme → globex" */
export function pairLabel(p: Pick<BlastPair, 'owner' | 'exposed'>): string {
  return `${truncate(p.owner, MAX_TENANT_CHARS)} → ${truncate(p.exposed, MAX_TENANT_CHARS)}`;
}

/**
 * One line saying what happened, for a pager's lock screen (PagerDuty summary ≤ 1024 chars,
 * Slack notification text). Tenant ids yes (responders need them), payload content never.
 */
export function incidentSummary(m: IncidentMessage, max = 1024): string {
  const v = m.incident;
  const prefix = m.kind === 'resolve' ? 'RESOLVED' : m.kind === 'reminder' ? `STILL OPEN ${formatDuration(Date.now() - v.openedAt.getTime())}` : v.severity.toUpperCase();
  const keys = `${formatCount(v.keys)} key${v.keys === 1 ? '' : 's'}`;
  const pairs = v.pairs.length > 0 ? `; tenant data exposed: ${v.pairs.slice(0, 5).map(pairLabel).join(', ')}${v.pairs.length > 5 ? ` and ${v.pairs.length - 5} more pairs` : ''}` : '';
  return truncate(`[${prefix}] ${v.kind} on ${v.pattern ? `pattern ${v.pattern}` : 'unregistered keys'}: ${keys}${pairs} (tenantwatch incident ${v.id})`, max);
}

/** The details every structured channel carries (PagerDuty custom_details, webhook body). */
export interface IncidentDetails {
  incident_id: string;
  kind: string;
  pattern: string;
  severity: string;
  status: string;
  opened_at: string;
  resolved_at: string | null;
  findings: { open: number; total: number };
  keys: number;
  tenant_pairs: { owner: string; exposed: string; keys: number; first_seen: string; last_seen: string; max_remaining_ttl_seconds: number | null }[];
  tenant_pairs_total: number;
  sample_keys: string[];
  dashboard: string;
}

/**
 * Details within `maxBytes` of JSON: keys and tenant ids are cut to fixed lengths and lists are
 * halved until the whole fits (PagerDuty refuses events over 512 KB).
 */
export function incidentDetails(v: IncidentView, maxBytes = 256 * 1024): IncidentDetails {
  let pairLimit = MAX_PAIRS;
  let keyLimit = 10;
  for (;;) {
    const d: IncidentDetails = {
      incident_id: v.id,
      kind: v.kind,
      pattern: v.pattern,
      severity: v.severity,
      status: v.status,
      opened_at: v.openedAt.toISOString(),
      resolved_at: v.resolvedAt?.toISOString() ?? null,
      findings: v.findings,
      keys: v.keys,
      tenant_pairs: v.pairs.slice(0, pairLimit).map((p) => ({
        owner: truncate(p.owner, MAX_TENANT_CHARS),
        exposed: truncate(p.exposed, MAX_TENANT_CHARS),
        keys: p.keys,
        first_seen: p.firstSeen.toISOString(),
        last_seen: p.lastSeen.toISOString(),
        max_remaining_ttl_seconds: p.maxRemainingTtlSeconds,
      })),
      tenant_pairs_total: v.pairs.length,
      sample_keys: v.sampleKeys.slice(0, keyLimit).map((k) => truncate(k, MAX_KEY_CHARS)),
      dashboard: v.url,
    };
    if (jsonBytes(d) <= maxBytes || (pairLimit === 0 && keyLimit === 0)) return d;
    pairLimit = Math.floor(pairLimit / 2);
    keyLimit = Math.floor(keyLimit / 2);
  }
}
