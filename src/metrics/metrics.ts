import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric tenantwatch exports, in one place (`tenantwatch_` prefix, base units). Labels are
 * pattern names, kinds, severities, formats, paths, channels and outcomes: never tenant ids or
 * keys (SPEC §5), so cardinality stays bounded by the config.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tenantwatch_' });
  const r = [registry];
  const seconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    keysScanned: new Counter({ name: 'tenantwatch_keys_scanned_total', help: 'Registered keys checked, by pattern and path (sweep, sample, realtime)', labelNames: ['pattern', 'path'] as const, registers: r }),
    keysWrongTenant: new Counter({ name: 'tenantwatch_keys_wrong_tenant_total', help: "Checked keys holding another tenant's data (critical findings), by pattern", labelNames: ['pattern'] as const, registers: r }),
    keysUnchecked: new Counter({ name: 'tenantwatch_keys_unchecked_total', help: 'Keys reached but not fully checked (never counted as clean)', labelNames: ['path'] as const, registers: r }),
    findings: new Counter({ name: 'tenantwatch_findings_total', help: 'Findings seen by checks, by kind and severity', labelNames: ['kind', 'severity'] as const, registers: r }),
    decodeFailures: new Counter({ name: 'tenantwatch_decode_failures_total', help: "Payloads that could not be decoded, by the pattern's format", labelNames: ['format'] as const, registers: r }),
    confirmations: new Counter({ name: 'tenantwatch_confirmations_total', help: 'Critical findings re-checked after confirm.after, by outcome', labelNames: ['outcome'] as const, registers: r }),
    incidentsOpened: new Counter({ name: 'tenantwatch_incidents_opened_total', help: 'Incidents opened', registers: r }),
    incidentsResolved: new Counter({ name: 'tenantwatch_incidents_resolved_total', help: 'Incidents resolved', registers: r }),
    openIncidents: new Gauge({ name: 'tenantwatch_open_incidents', help: 'Open incidents, by severity (from the state)', labelNames: ['severity'] as const, registers: r }),
    sweeps: new Counter({ name: 'tenantwatch_sweeps_total', help: 'Sweeps finished, by outcome', labelNames: ['outcome'] as const, registers: r }),
    sweepKeysScanned: new Gauge({ name: 'tenantwatch_sweep_keys_scanned', help: 'Keys scanned by the current or last sweep', registers: r }),
    sweepProgress: new Gauge({ name: 'tenantwatch_sweep_progress_ratio', help: 'Share of the keyspace (DBSIZE at its start) the current sweep has scanned', registers: r }),
    sweepDuration: new Gauge({ name: 'tenantwatch_sweep_duration_seconds', help: 'Duration of the last finished sweep', registers: r }),
    lastSweepFinished: new Gauge({ name: 'tenantwatch_last_sweep_finished_timestamp_seconds', help: 'Unix time the last sweep finished (from the state)', registers: r }),
    sweepEvery: new Gauge({ name: 'tenantwatch_sweep_every_seconds', help: 'The configured sweep.every', registers: r }),
    checkBatchDuration: new Histogram({ name: 'tenantwatch_check_batch_duration_seconds', help: 'Time to check one batch (read, decode, owners, judge), by path', labelNames: ['path'] as const, buckets: seconds, registers: r }),
    ownerQueryDuration: new Histogram({ name: 'tenantwatch_owner_query_duration_seconds', help: 'Time of one owner query (one pattern of one batch)', buckets: seconds, registers: r }),
    realtimeEvents: new Counter({ name: 'tenantwatch_realtime_events_total', help: 'Key-event notifications received', registers: r }),
    tenantCorrectRatio: new Gauge({ name: 'tenantwatch_tenant_correct_ratio', help: "Share of checked keys holding the right tenant's data over the status window", labelNames: ['pattern'] as const, registers: r }),
    tenantCorrectNines: new Gauge({ name: 'tenantwatch_tenant_correct_nines', help: 'The correct ratio as nines (3 = 99.9 %) over the status window', labelNames: ['pattern'] as const, registers: r }),
    alertDeliveries: new Counter({ name: 'tenantwatch_alert_deliveries_total', help: 'Alert delivery attempts by channel and outcome (sent, retried, failed)', labelNames: ['channel', 'outcome'] as const, registers: r }),
    realtimeEnabled: new Gauge({ name: 'tenantwatch_realtime_enabled', help: '1 in the process that subscribes to key-event notifications while they are delivered, else 0', registers: r }),
    roles: new Gauge({ name: 'tenantwatch_role_info', help: '1 for each role this process runs (worker, api): absent(tenantwatch_role_info{role="worker"}) means no worker is scraped', labelNames: ['role'] as const, registers: r }),
    realtimeConfigured: new Gauge({ name: 'tenantwatch_realtime_configured', help: '1 in a worker whose config asks for real-time checks (realtime.keyspaceEvents), else 0', registers: r }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
