/**
 * One test file's alerting world: its own state schema and Redis db, incidents opened and
 * resolved through the watchdog's real state functions, and startAlerting with short timings.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startAlerting, type Alerting, type AlertingOptions } from '../../alerts/start-alerting.js';
import type { Channel } from '../../alerts/alert-types.js';
import type { DeliveryOutcome } from '../../alerts/deliver-notification.js';
import { parseConfigText } from '../../src/config/load-config.js';
import type { TenantwatchConfig } from '../../src/config/validate-config.js';
import { fingerprint } from '../../src/findings/fingerprint.js';
import { attachToIncidents } from '../../src/state/incidents.js';
import { recordBatch } from '../../src/state/record-batch.js';
import { withTransaction } from '../../src/state/with-transaction.js';
import type { Finding } from '../../src/types.js';
import { useRedisDb, type RedisDb } from '../helpers/redis-db.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

export interface AlertWorld {
  state: StateSchema;
  redis: RedisDb;
  prefix: string;
  deliveries: { channel: Channel; outcome: DeliveryOutcome }[];
  /** Config with these `alerts:` lines (YAML, indented by two). */
  config(alertsYaml: string): TenantwatchConfig;
  start(config: TenantwatchConfig, options?: AlertingOptions): Promise<Alerting>;
  /** Between tests: stop alerting, settle every incident, silence and notification quietly. */
  reset(): Promise<void>;
  cleanup(): Promise<void>;
}

export const FAST: AlertingOptions = { dispatchEveryMs: 100, retryBaseMs: 100, retryMaxMs: 1000, attempts: 4, timeoutMs: 2000 };

export async function useAlertWorld(): Promise<AlertWorld> {
  const state = await useStateSchema();
  const redis = await useRedisDb();
  const prefix = `twtest${randomBytes(4).toString('hex')}`;
  const running: Alerting[] = [];
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const world: AlertWorld = {
    state,
    redis,
    prefix,
    deliveries: [],
    config: (alertsYaml) => parseConfigText(`cache: { url: "redis://cache.example:6380/0" }\nalerts:\n${alertsYaml}\n`, {}),
    async start(config, options = FAST) {
      const a = await startAlerting({
        config,
        pool: state.pool,
        connection: { url: redis.url, maxRetriesPerRequest: null },
        prefix,
        log,
        options,
        onDelivery: (channel, outcome) => world.deliveries.push({ channel, outcome }),
      });
      running.push(a);
      return a;
    },
    async reset() {
      await Promise.all(running.splice(0).map((a) => a.close()));
      await state.pool.query(`
        update findings set status = 'resolved', resolved_at = now() where status <> 'resolved';
        update incidents set status = 'resolved', resolved_at = now() where status = 'open';
        update incident_events set delivered_at = now() where delivered_at is null;
        update silences set expired_at = coalesce(expired_at, now()), expiry_noticed_at = now() where expiry_noticed_at is null;
        update notifications set status = 'failed', enqueued_at = coalesce(enqueued_at, now()) where status = 'pending';`);
    },
    async cleanup() {
      await Promise.all(running.map((a) => a.close()));
      await redis.cleanup();
      await state.cleanup();
    },
  };
  return world;
}

/** A critical cross-tenant finding: `keyTenant`'s key holds `owner`'s data. */
export function leak(key: string, owner = 'acme', keyTenant = 'globex', pattern = 'project'): Finding {
  return {
    kind: 'cross_tenant_payload',
    severity: 'critical',
    key,
    pattern,
    keyTenant,
    markerTenants: [owner],
    ownerTenants: [owner],
    payloadSha256: 'ab'.repeat(32),
    sizeBytes: 120,
    ttlSeconds: 3600,
    detail: `payload names tenant ${owner}, key names ${keyTenant}`,
  };
}

/** Record confirmed findings the way the watchdog does; returns the incident ids they joined. */
export async function openIncident(world: AlertWorld, findings: Finding[]): Promise<string> {
  await recordBatch(world.state.pool, { findings, checkedKeys: [], uncheckedKeys: [], perPattern: new Map(), minSeverity: 'critical' });
  const fps = findings.map(fingerprint);
  await world.state.pool.query(`update findings set confirmed = true where fingerprint = any($1)`, [fps]);
  await withTransaction(world.state.pool, (c) => attachToIncidents(c, fps, ['critical']));
  const ids = await world.state.pool.query<{ id: string }>(`select distinct incident_id::text as id from findings where fingerprint = any($1)`, [fps]);
  if (ids.rows.length !== 1) throw new Error(`expected one incident, got ${ids.rows.length}`);
  return ids.rows[0]!.id;
}

/** The keys were re-checked and found clean: findings resolve, then their incident. */
export async function repair(world: AlertWorld, keys: string[]): Promise<void> {
  await recordBatch(world.state.pool, { findings: [], checkedKeys: keys, uncheckedKeys: [], perPattern: new Map(), minSeverity: 'critical' });
}

export async function notificationRows(world: AlertWorld, incidentId?: string) {
  return (
    await world.state.pool.query<{ channel: string; kind: string; status: string; attempts: number; last_error: string | null }>(
      `select channel, kind, status, attempts, last_error from notifications where ($1::bigint is null or incident_id = $1) order by id`,
      [incidentId ?? null],
    )
  ).rows;
}
