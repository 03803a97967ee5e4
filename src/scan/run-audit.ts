import type { CacheConnection } from '../cache/connect-cache.js';
import { isOwnKey } from '../cache/own-keys.js';
import { scanKeys } from '../cache/scan-keys.js';
import type { KeyRegistry } from '../registry/classify-key.js';
import type { PatternConfig } from '../types.js';
import { MAX_SHAPES, OTHER_SHAPES } from './scan-report.js';

/** The registry audit (`tenantwatch audit`): key shapes only, no value is read. */
export interface AuditReport {
  scanned: number;
  durationMs: number;
  patterns: Record<string, number>;
  unregistered: { shape: string; count: number; sampleKeys: string[] }[];
  unscopedPatterns: { pattern: string; key: string; count: number }[];
}

export async function runAudit(
  registry: KeyRegistry,
  patterns: readonly PatternConfig[],
  cache: CacheConnection,
  opts: { match?: string; count: number; onProgress?: (scanned: number) => void },
): Promise<AuditReport> {
  const started = performance.now();
  const perPattern = new Map<string, number>(patterns.map((p) => [p.name, 0]));
  const shapes = new Map<string, { count: number; sampleKeys: string[] }>();
  let scanned = 0;
  for (const shard of cache.shards) {
    for await (const page of scanKeys(shard.redis, { match: opts.match, count: opts.count })) {
      for (const buf of page.keys) {
        const key = buf.toString('utf8');
        if (isOwnKey(key)) continue;
        scanned++;
        const cls = registry.classify(key);
        if (cls.kind === 'registered') perPattern.set(cls.pattern.name, (perPattern.get(cls.pattern.name) ?? 0) + 1);
        else {
          const shape = shapes.has(cls.shape) || shapes.size < MAX_SHAPES ? cls.shape : OTHER_SHAPES;
          const s = shapes.get(shape) ?? { count: 0, sampleKeys: [] };
          s.count++;
          if (s.sampleKeys.length < 10) s.sampleKeys.push(key);
          shapes.set(shape, s);
        }
      }
      opts.onProgress?.(scanned);
    }
  }
  const unscoped = patterns.filter((p) => !p.global && !/\{tenant\}/.test(p.key));
  return {
    scanned,
    durationMs: Math.round(performance.now() - started),
    patterns: Object.fromEntries(perPattern),
    unregistered: [...shapes].map(([shape, s]) => ({ shape, ...s })).sort((a, b) => b.count - a.count),
    unscopedPatterns: unscoped.map((p) => ({ pattern: p.name, key: p.key, count: perPattern.get(p.name) ?? 0 })),
  };
}
