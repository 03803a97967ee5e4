import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBudget } from '../../../src/decode/threads/decompress-pool.js';
import { decodeThreadsFromEnv } from '../../../src/scan/open-scan-context.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-cpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cpuMax(text: string): string {
  const path = join(dir, `cpu.max.${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, text);
  return path;
}

describe('cpuBudget', () => {
  it('is the cores the process may run on when no CPU quota is set', () => {
    expect(cpuBudget(cpuMax('max 100000\n'))).toBe(availableParallelism());
    expect(cpuBudget(join(dir, 'absent'))).toBe(availableParallelism());
  });

  it('is capped by a cgroup CPU quota, rounded up to whole cores', () => {
    expect(cpuBudget(cpuMax('50000 100000\n'))).toBe(1);
    expect(cpuBudget(cpuMax('150000 100000\n'))).toBe(Math.min(2, availableParallelism()));
  });

  it('ignores a quota it cannot read', () => {
    expect(cpuBudget(cpuMax('garbage\n'))).toBe(availableParallelism());
    expect(cpuBudget(cpuMax('100000 0\n'))).toBe(availableParallelism());
  });
});

describe('decodeThreadsFromEnv', () => {
  it('leaves the default when TENANTWATCH_DECODE_THREADS is unset or empty', () => {
    expect(decodeThreadsFromEnv({})).toBeUndefined();
    expect(decodeThreadsFromEnv({ TENANTWATCH_DECODE_THREADS: ' ' })).toBeUndefined();
  });

  it('reads a whole number of threads, 0 for none', () => {
    expect(decodeThreadsFromEnv({ TENANTWATCH_DECODE_THREADS: '0' })).toBe(0);
    expect(decodeThreadsFromEnv({ TENANTWATCH_DECODE_THREADS: '3' })).toBe(3);
  });

  it('refuses anything else as a config error naming the variable', () => {
    for (const bad of ['-1', '1.5', 'two', '65']) {
      expect(() => decodeThreadsFromEnv({ TENANTWATCH_DECODE_THREADS: bad })).toThrow(`TENANTWATCH_DECODE_THREADS: must be a whole number from 0 to 64 (0: decompress on the scan's own thread), got "${bad}"`);
    }
  });
});
