import { describe, expect, it } from 'vitest';
import { compileRegistry, type VisitMeter } from '../../src/registry/classify-key.js';
import type { PatternConfig } from '../../src/types.js';
import { makePattern } from './make-pattern.js';

/** 500 patterns in the shapes real registries hold, sharing prefixes and delimiters. */
function fiveHundredPatterns(): PatternConfig[] {
  const keys: string[] = [];
  for (let i = 0; i < 100; i += 1) {
    keys.push(
      `resource${i}:{tenant}:{id}`,
      `resource${i}:{id}`,
      `svc/${i}/{tenant}/items/{item}`,
      `{tenant}|feature-${i}|{flag}`,
      `cache:v${i}:{tenant}:list:page:{page}`,
    );
  }
  return keys.map((key, index) => makePattern(`p${index}`, key, index));
}

const registry = compileRegistry(fiveHundredPatterns());

function visits(key: string): { visited: number; name: string | undefined } {
  const meter: VisitMeter = { visitedNodes: 0 };
  const result = registry.classify(key, meter);
  return { visited: meter.visitedNodes, name: result.kind === 'registered' ? result.pattern.name : undefined };
}

describe('classifyKey on a registry of 500 patterns', () => {
  it('visits a few nodes per key character, not one walk per pattern', () => {
    const cases: [string, string | undefined][] = [
      ['resource42:acme:1041', 'p210'],
      ['resource99:1041', 'p496'],
      ['svc/7/acme/items/x-1', 'p37'],
      ['acme|feature-3|dark-mode', 'p18'],
      ['cache:v0:acme:list:page:2', 'p4'],
      ['resource1000:acme:1', undefined],
      ['unrelated:key:with:many:colons:1:2:3', undefined],
    ];
    expect(registry.nodeCount).toBeGreaterThan(2_000);
    for (const [key, expected] of cases) {
      const { visited, name } = visits(key);
      expect(name, key).toBe(expected);
      // At most one node per key character plus the few placeholder branches on the key's
      // path: 500 separate matchers would start 500 walks.
      expect(visited, key).toBeLessThanOrEqual(key.length + 5);
    }
  });

  it('does the same work for a key whatever the registry size', () => {
    const small = compileRegistry(fiveHundredPatterns().slice(0, 5));
    const meterSmall: VisitMeter = { visitedNodes: 0 };
    const meterLarge: VisitMeter = { visitedNodes: 0 };
    small.classify('resource0:acme:1041', meterSmall);
    registry.classify('resource0:acme:1041', meterLarge);
    // The large trie adds only the leading-placeholder branch ({tenant}|…) to this key's path.
    expect(meterLarge.visitedNodes).toBeLessThanOrEqual(meterSmall.visitedNodes + 5);
  });

  it('stays linear on a huge key that shares the literal prefix', () => {
    const key = `resource1:acme:${'9'.repeat(100_000)}`;
    const { visited, name } = visits(key);
    expect(name).toBe('p5');
    expect(visited).toBeLessThan(50);
  });
});
