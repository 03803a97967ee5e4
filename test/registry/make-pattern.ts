import type { PatternConfig } from '../../src/types.js';

/** A registry pattern with the config defaults, for tests that only care about keys. */
export function makePattern(name: string, key: string, index: number): PatternConfig {
  return { name, key, index, global: false, type: 'auto', format: 'auto', compression: 'auto', base64: false };
}
