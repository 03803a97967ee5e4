import { ConfigError } from '../errors.js';
import { FORMATS, findFormat } from '../decode/formats/index.js';
import { compileJsonPath } from '../markers/json-path.js';
import { parseKeyPattern } from '../registry/compile-patterns.js';
import type { PatternConfig, Severity, SeverityOrIgnore } from '../types.js';
import type { RawConfig, RawLint } from './config-schema.js';

/** The validated, frozen configuration every module receives. */
export interface TenantwatchConfig {
  cache: { url?: string; cluster?: { nodes: string[]; readFrom: 'master' | 'replica' } };
  source?: { url: string; statementTimeoutMs: number };
  state: { database?: string; redis?: string; schema: string };
  tenants?: { table: string; id: string };
  sweep: { everyMs: number; rate: number; count: number; maxValueBytes: number; sample: number; maxDepth: number };
  realtime: { keyspaceEvents: boolean; configure: boolean };
  confirm: { afterMs: number };
  unregistered: SeverityOrIgnore;
  patterns: readonly PatternConfig[];
  alerts: AlertsConfig;
  /** The HTTP API; tokens too short to be secrets are refused at validation. */
  api?: { host: string; port: number; tokens: { name: string; token: string }[] };
  lint?: RawLint;
}

/** SPEC §6 delivery settings; a channel is present only when its required value is set. */
export interface AlertsConfig {
  /** Confirmed findings at or above this open or join incidents. */
  minSeverity: Severity;
  /** How long an incident waits before its first notification (one that resolves sooner never pages). */
  groupWaitMs: number;
  /** Reminders while an incident stays open, this long after the last notification. */
  repeatIntervalMs: number;
  /** The dashboard alerts link to. */
  dashboardUrl: string;
  pagerduty?: { routingKey: string; url: string };
  slack?: { webhookUrl: string };
  webhook?: { url: string; secret?: string };
}

/** Cross-field rules the schema cannot express; collects every problem before throwing. */
export function validateConfig(raw: RawConfig): TenantwatchConfig {
  const problems: string[] = [];
  if (!raw.cache.url && !raw.cache.cluster) problems.push('cache.url: required (or cache.cluster)');
  const names = new Set<string>();
  const patterns: PatternConfig[] = raw.patterns.map((p, index) => {
    const at = `patterns[${index}]`;
    if (names.has(p.name)) problems.push(`${at}.name: duplicate pattern name "${p.name}"`);
    names.add(p.name);
    let placeholders: string[] = [];
    try {
      placeholders = parseKeyPattern(p.key).flatMap((s) => (s.kind === 'placeholder' ? [s.name] : []));
    } catch (err) {
      problems.push(`${at}.key: ${(err as Error).message}`);
    }
    const marker = p.marker;
    marker?.forEach((m, i) => checkPath(m, marker.length > 1 ? `${at}.marker[${i}]` : `${at}.marker`, problems));
    if (p.items) checkPath(p.items, `${at}.items`, problems);
    if (p.field && p.type !== 'hash') problems.push(`${at}.field: only valid with type: hash`);
    // .NET IDistributedCache keeps the payload in the hash field `data`.
    const dotnet = p.format === 'dotnet';
    if (dotnet && p.type !== 'auto' && p.type !== 'hash') problems.push(`${at}.type: format dotnet reads a hash`);
    if (p.format !== 'auto' && !findFormat(p.format)) {
      problems.push(`${at}.format: unknown format "${p.format}" (have: auto, ${FORMATS.map((f) => f.name).join(', ')})`);
    }
    if (p.global && p.owner) problems.push(`${at}.owner: a global pattern has no owner`);
    if (p.owner) {
      if (!raw.source) problems.push(`${at}.owner: needs source.url (the database that knows owners)`);
      for (const [column, from] of Object.entries(p.owner.match)) {
        const where = `${at}.owner.match.${column}`;
        if (column === p.owner.tenant) problems.push(`${where}: match never names the tenant column`);
        if (from.startsWith('$')) checkPath(from, where, problems);
        else if (!placeholders.includes(from)) problems.push(`${where}: "${from}" is not a placeholder of key "${p.key}"`);
        else if (from === 'tenant') problems.push(`${where}: {tenant} is compared through owner.tenant, not match`);
      }
    }
    return Object.freeze({
      name: p.name,
      key: p.key,
      index,
      global: p.global,
      type: dotnet ? 'hash' : p.type,
      field: dotnet ? (p.field ?? 'data') : p.field,
      format: p.format,
      compression: p.compression,
      base64: p.base64,
      marker: p.marker,
      items: p.items,
      owner: p.owner,
    });
  });
  if (raw.tenants && !raw.source) problems.push('tenants: needs source.url');
  const api = raw.api && { host: raw.api.host, port: raw.api.port, tokens: apiTokens(raw.api.tokens, problems) };
  const lint = raw.lint && validateLint(raw.lint, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    cache: raw.cache,
    source: raw.source && { url: raw.source.url, statementTimeoutMs: raw.source.statementTimeout },
    state: raw.state,
    tenants: raw.tenants,
    sweep: {
      everyMs: raw.sweep.every,
      rate: raw.sweep.rate,
      count: raw.sweep.count,
      maxValueBytes: raw.sweep.maxValueBytes,
      sample: raw.sweep.sample,
      maxDepth: raw.sweep.maxDepth,
    },
    realtime: raw.realtime,
    confirm: { afterMs: raw.confirm.after },
    unregistered: raw.unregistered,
    patterns: Object.freeze(patterns),
    alerts: alertsConfig(raw.alerts),
    api,
    lint,
  });
}

function alertsConfig(a: RawConfig['alerts']): AlertsConfig {
  const { pagerduty, slack, webhook } = a;
  return Object.freeze({
    minSeverity: a.minSeverity,
    groupWaitMs: a.groupWait,
    repeatIntervalMs: a.repeatInterval,
    dashboardUrl: a.dashboardUrl,
    pagerduty: pagerduty?.routingKey ? { routingKey: pagerduty.routingKey, url: pagerduty.url } : undefined,
    slack: slack?.webhookUrl ? { webhookUrl: slack.webhookUrl } : undefined,
    webhook: webhook?.url ? { url: webhook.url, secret: webhook.secret } : undefined,
  });
}

function checkPath(path: string, at: string, problems: string[]): void {
  try {
    compileJsonPath(path);
  } catch (err) {
    problems.push(`${at}: ${(err as Error).message}`);
  }
}

/** Bearer tokens named for the audit trail; empty ones (an unset variable) are dropped. */
function apiTokens(tokens: (string | { name: string; token: string })[], problems: string[]): { name: string; token: string }[] {
  const named = tokens.map((t, i) => (typeof t === 'string' ? { name: `token-${i + 1}`, token: t } : t)).filter((t) => t.token !== '');
  named.forEach((t, i) => {
    // A guessable token guards nothing; the demo's `demo-token` is the shortest we accept.
    if (t.token.length < 8) problems.push(`api.tokens[${i}]: too short to be a secret (at least 8 characters)`);
  });
  const names = new Set<string>();
  for (const t of named) {
    if (names.has(t.name)) problems.push(`api.tokens: duplicate token name "${t.name}"`);
    names.add(t.name);
  }
  return named;
}

/** The lint section's cross-field rules: regular expressions compile, call sites name a receiver. */
export function validateLint(lint: RawLint, problems: string[]): RawLint {
  lint.tenantExpressions.forEach((entry, i) => {
    const m = /^\/(.+)\/([a-z]*)$/s.exec(entry);
    if (!m) return;
    try {
      new RegExp(m[1] ?? '', m[2]);
    } catch (err) {
      problems.push(`lint.tenantExpressions[${i}]: ${(err as Error).message}`);
    }
  });
  lint.callSites.forEach((site, i) => {
    if (site.receivers.length === 0 && (site.types ?? []).length === 0) problems.push(`lint.callSites[${i}]: needs receivers or types`);
  });
  return lint;
}
