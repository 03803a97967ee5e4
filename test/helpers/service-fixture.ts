/**
 * A watchdog service for tests: the incident's world (test/helpers/scan-fixture.ts owners) in
 * the file's own Redis db and Postgres schemas, and a silent logger.
 */
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/load-config.js';
import type { TenantwatchConfig } from '../../src/config/validate-config.js';

export interface ServiceConfigOptions {
  cacheUrl: string;
  queueUrl?: string;
  pgUrl: string;
  sourceSchema: string;
  stateSchema: string;
  every?: string;
  confirmAfter?: string;
  sample?: number;
  realtime?: boolean;
  configure?: boolean;
  rate?: number;
  minSeverity?: string;
  /** Adds a RedisJSON pattern (`type: json`), which real-time checks need the `d` flag for. */
  jsonPattern?: boolean;
}

export function serviceConfig(o: ServiceConfigOptions): TenantwatchConfig {
  return parseConfigText(
    `
cache: { url: "${o.cacheUrl}" }
source: { url: "${o.pgUrl}", statementTimeout: 5s }
state: { database: "${o.pgUrl}", redis: "${o.queueUrl ?? o.cacheUrl}", schema: ${o.stateSchema} }
tenants: { table: ${o.sourceSchema}.tenants, id: id }
sweep: { every: ${o.every ?? '1h'}, rate: ${o.rate ?? 0}, count: 100, maxValueBytes: 64kb, sample: ${o.sample ?? 0} }
realtime: { keyspaceEvents: ${o.realtime ?? false}, configure: ${o.configure ?? false} }
confirm: { after: ${o.confirmAfter ?? '300ms'} }
alerts: { minSeverity: ${o.minSeverity ?? 'critical'} }
unregistered: warning
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${o.sourceSchema}.projects, tenant: tenant_id, match: { id: project_id } }
  - name: project-legacy
    key: "project:{project_id}"
    marker: $.tenant_id
    owner: { table: ${o.sourceSchema}.projects, tenant: tenant_id, match: { id: project_id } }
${o.jsonPattern ? '  - name: doc\n    key: "doc:{tenant}:{id}"\n    type: json\n    marker: $.tenant_id\n' : ''}`,
    {},
  );
}

export interface ClusterServiceConfigOptions {
  /** Port of one cluster node to discover the others from. */
  seedPort: number;
  queueUrl: string;
  pgUrl: string;
  sourceSchema: string;
  stateSchema: string;
  readFrom?: 'master' | 'replica';
  /** Real-time checks, with realtime.configure (the cluster nodes start without notifications). */
  realtime?: boolean;
}

/** The watchdog on a Redis Cluster: the incident's patterns, sweeps every hour, 50-key batches. */
export function clusterServiceConfig(o: ClusterServiceConfigOptions): TenantwatchConfig {
  return parseConfigText(
    `
cache:
  cluster: { nodes: ["redis://127.0.0.1:${o.seedPort}"], readFrom: ${o.readFrom ?? 'master'} }
source: { url: "${o.pgUrl}" }
state: { database: "${o.pgUrl}", redis: "${o.queueUrl}", schema: ${o.stateSchema} }
sweep: { every: 1h, rate: 0, count: 50 }
realtime: { keyspaceEvents: ${o.realtime ?? false}, configure: ${o.realtime ?? false} }
confirm: { after: 200ms }
patterns:
  - name: project
    key: "project:{tenant}:{project_id}"
    marker: $.tenant_id
    owner: { table: ${o.sourceSchema}.projects, tenant: tenant_id, match: { id: project_id } }
`,
    {},
  );
}

/** Logs nothing; tests assert on state, not on log lines. */
export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Polls `probe` until it answers something other than undefined, null or false. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
