import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/metrics/metrics.js';

/** Every metric name the registry exports, with the suffixes Prometheus derives from histograms. */
async function exported(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
  }
  return names;
}

function referenced(expr: string): string[] {
  return [...expr.matchAll(/\btenantwatch_[a-z_]+/g)].map((m) => m[0]);
}

describe('the monitoring shipped in deploy/', () => {
  it('exports every metric the issue names, with the tenantwatch_ prefix and no tenant label', async () => {
    const names = await exported();
    for (const n of ['keys_scanned_total', 'findings_total', 'open_incidents', 'sweep_duration_seconds', 'sweep_progress_ratio', 'check_batch_duration_seconds', 'decode_failures_total', 'owner_query_duration_seconds', 'realtime_events_total', 'alert_deliveries_total', 'tenant_correct_ratio']) {
      expect(names).toContain(`tenantwatch_${n}`);
    }
    expect([...names].every((n) => n.startsWith('tenantwatch_'))).toBe(true);
    // The labels each metric is declared with (values appear only once set, so read the declarations).
    const declared = new Map(createMetrics().registry.getMetricsAsArray().map((m) => [m.name, [...((m as unknown as { labelNames?: string[] }).labelNames ?? [])]]));
    const required: Record<string, string[]> = {
      keys_scanned_total: ['pattern'],
      findings_total: ['kind', 'severity'],
      open_incidents: ['severity'],
      decode_failures_total: ['format'],
      alert_deliveries_total: ['channel', 'outcome'],
      tenant_correct_ratio: ['pattern'],
    };
    for (const [name, labels] of Object.entries(required)) expect(declared.get(`tenantwatch_${name}`), name).toEqual(expect.arrayContaining(labels));
    const allLabels = [...declared.values()].flat();
    expect(allLabels.length).toBeGreaterThan(10);
    for (const l of allLabels) expect(l).not.toMatch(/tenant|key|owner/);
  });

  it('alerts on a watchdog that finished no sweep within 3× sweep.every, and on failing deliveries, using only exported metrics', async () => {
    const names = await exported();
    const doc = parse(readFileSync('deploy/prometheus-rules.yml', 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['TenantwatchNoSweepFinished', 'TenantwatchAlertDeliveriesFailing']));
    expect(rules.find((r) => r.alert === 'TenantwatchNoSweepFinished')!.expr).toContain('3 * max(tenantwatch_sweep_every_seconds)');
    for (const r of rules) for (const m of referenced(r.expr)) expect(names, `${r.alert} uses ${m}`).toContain(m);
  });

  it('ships a Grafana dashboard whose every panel queries exported metrics', async () => {
    const names = await exported();
    const dash = JSON.parse(readFileSync('deploy/grafana-dashboard.json', 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dash.panels.length).toBeGreaterThan(5);
    for (const p of dash.panels) {
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) for (const m of referenced(t.expr)) expect(names, `${p.title} uses ${m}`).toContain(m);
    }
  });
});
