import type { Finding } from '../types.js';

/**
 * The identity a finding keeps across sweeps (SPEC §3): kind + key for per-key kinds,
 * kind + pattern or shape for the grouped kinds. Upserts by it make re-checks idempotent.
 */
export function fingerprint(f: Finding): string {
  if (f.key !== undefined) return `${f.kind}|key|${f.key}`;
  if (f.shape !== undefined) return `${f.kind}|shape|${f.shape}`;
  return `${f.kind}|pattern|${f.pattern ?? ''}`;
}

/** Grouped kinds describe a pattern or shape, not one key. */
export function isGrouped(f: Finding): boolean {
  return f.key === undefined;
}
