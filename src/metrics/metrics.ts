import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric tenantwatch exports, in one place (`tenantwatch_` prefix). Labels are pattern
 * names, kinds and paths: never tenant ids or keys (SPEC §5), so cardinality stays bounded.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tenantwatch_process_' });
  const r = [registry];
  return {
    registry,
    keysChecked: new Counter({ name: 'tenantwatch_keys_checked_total', help: 'Registered keys checked, by pattern and path (sweep, sample, realtime, confirm)', labelNames: ['pattern', 'path'] as const, registers: r }),
    keysWrongTenant: new Counter({ name: 'tenantwatch_keys_wrong_tenant_total', help: 'Checked keys holding another tenant\'s data (critical findings), by pattern', labelNames: ['pattern'] as const, registers: r }),
    keysUnchecked: new Counter({ name: 'tenantwatch_keys_unchecked_total', help: 'Keys reached but not fully checked (never counted as clean)', labelNames: ['path'] as const, registers: r }),
    findingsSeen: new Counter({ name: 'tenantwatch_findings_seen_total', help: 'Findings recorded, by kind', labelNames: ['kind'] as const, registers: r }),
    confirmations: new Counter({ name: 'tenantwatch_confirmations_total', help: 'Critical findings re-checked after confirm.after, by outcome', labelNames: ['outcome'] as const, registers: r }),
    incidentsOpened: new Counter({ name: 'tenantwatch_incidents_opened_total', help: 'Incidents opened', registers: r }),
    incidentsResolved: new Counter({ name: 'tenantwatch_incidents_resolved_total', help: 'Incidents resolved', registers: r }),
    sweeps: new Counter({ name: 'tenantwatch_sweeps_total', help: 'Sweeps finished, by outcome', labelNames: ['outcome'] as const, registers: r }),
    sweepKeysScanned: new Gauge({ name: 'tenantwatch_sweep_keys_scanned', help: 'Keys scanned by the current or last sweep', registers: r }),
    patternCorrectRatio: new Gauge({ name: 'tenantwatch_pattern_correct_ratio', help: 'Share of checked keys holding the right tenant\'s data over the status window', labelNames: ['pattern'] as const, registers: r }),
    patternCorrectNines: new Gauge({ name: 'tenantwatch_pattern_correct_nines', help: 'The correct ratio as nines (3 = 99.9 %) over the status window', labelNames: ['pattern'] as const, registers: r }),
    alertDeliveries: new Counter({ name: 'tenantwatch_alert_deliveries_total', help: 'Alert delivery attempts by channel and outcome (sent, retried, failed)', labelNames: ['channel', 'outcome'] as const, registers: r }),
    realtimeEnabled: new Gauge({ name: 'tenantwatch_realtime_enabled', help: '1 when key-event notifications are subscribed and delivered, else 0', registers: r }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
