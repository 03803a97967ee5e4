import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { publishStateFigures } from '../../src/metrics/state-figures.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';
import { serviceConfig } from '../helpers/service-fixture.js';

let state: StateSchema;
beforeAll(async () => {
  state = await useStateSchema();
});
afterAll(async () => {
  await state?.cleanup();
});
beforeEach(async () => {
  await state.pool.query('truncate sweeps, pattern_minutes, incidents restart identity cascade');
});

const config = () => serviceConfig({ cacheUrl: 'redis://127.0.0.1:1/0', pgUrl: 'postgres://postgres@127.0.0.1:5432/test', sourceSchema: 's', stateSchema: 'x', every: '5m' });

async function gauge(metrics: ReturnType<typeof createMetrics>, name: string): Promise<{ value: number; labels: Partial<Record<string, string | number>> }[]> {
  const m = await metrics.registry.getSingleMetric(name)!.get();
  return m.values.map((v) => ({ value: v.value, labels: v.labels }));
}

describe('the figures every process exports from the state', () => {
  it('exports the last finished sweep, its duration, sweep.every and the correctness per pattern, so an API process alone serves them', async () => {
    await state.pool.query(`insert into sweeps (reason, status, started_at, finished_at, scanned, total) values
      ('scheduled', 'done', '2026-11-29T10:00:00Z', '2026-11-29T10:00:40Z', 1000, 1000),
      ('scheduled', 'failed', '2026-11-29T10:05:00Z', '2026-11-29T10:05:10Z', 10, 1000)`);
    await state.pool.query(`insert into pattern_minutes (minute, pattern, checked, wrong) values (date_trunc('minute', now()), 'project', 1000, 1)`);
    const metrics = createMetrics();
    await publishStateFigures(state.pool, config(), metrics);
    expect(await gauge(metrics, 'tenantwatch_last_sweep_finished_timestamp_seconds')).toEqual([{ value: Date.parse('2026-11-29T10:00:40Z') / 1000, labels: {} }]);
    expect(await gauge(metrics, 'tenantwatch_sweep_duration_seconds')).toEqual([{ value: 40, labels: {} }]);
    expect(await gauge(metrics, 'tenantwatch_sweep_every_seconds')).toEqual([{ value: 300, labels: {} }]);
    expect(await gauge(metrics, 'tenantwatch_sweep_progress_ratio')).toEqual([{ value: 1, labels: {} }]);
    expect(await gauge(metrics, 'tenantwatch_tenant_correct_ratio')).toEqual([{ value: 0.999, labels: { pattern: 'project' } }]);
    expect(await gauge(metrics, 'tenantwatch_open_incidents')).toEqual(expect.arrayContaining([{ value: 0, labels: { severity: 'critical' } }]));
  });

  it('counts "no sweep finished" from when the first sweep started, before any has finished', async () => {
    await state.pool.query(`insert into sweeps (reason, status, started_at, scanned, total) values ('scheduled', 'running', '2026-11-29T09:00:00Z', 250, 1000)`);
    const metrics = createMetrics();
    await publishStateFigures(state.pool, config(), metrics);
    expect(await gauge(metrics, 'tenantwatch_last_sweep_finished_timestamp_seconds')).toEqual([{ value: Date.parse('2026-11-29T09:00:00Z') / 1000, labels: {} }]);
    expect(await gauge(metrics, 'tenantwatch_sweep_progress_ratio')).toEqual([{ value: 0.25, labels: {} }]);
  });
});
