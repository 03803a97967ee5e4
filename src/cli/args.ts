import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string', short: 'c' },
} as const;

/** parseArgs that turns its exceptions into one-line usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ strict: true, ...config });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export const FAIL_ON = ['critical', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function parseFailOn(value: string | undefined, fallback: FailOn): FailOn {
  if (value === undefined) return fallback;
  if (!(FAIL_ON as readonly string[]).includes(value)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
  return value as FailOn;
}

export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--limit must be a positive integer, got "${value}"`);
  return n;
}
