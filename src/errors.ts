/**
 * Typed errors with stable codes. Every catch in tenantwatch adds context and rethrows or
 * records one of these; the CLI maps them to exit codes and one clear line.
 */
export type ErrorCode = 'CONFIG' | 'CACHE_UNAVAILABLE' | 'SOURCE_UNAVAILABLE' | 'SOURCE_SCHEMA' | 'STATE_UNAVAILABLE' | 'USAGE';

export class TenantwatchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The config file is invalid: every problem is listed with its path. */
export class ConfigError extends TenantwatchError {
  readonly problems: string[];
  constructor(problems: string[], options?: { cause?: unknown }) {
    super('CONFIG', `invalid configuration:\n  ${problems.join('\n  ')}`, options);
    this.problems = problems;
  }
}

/** The cache (Redis) could not be reached or failed mid-scan. */
export class CacheUnavailable extends TenantwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CACHE_UNAVAILABLE', message, options);
  }
}

/** The source database could not be reached or failed mid-scan. */
export class SourceUnavailable extends TenantwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_UNAVAILABLE', message, options);
  }
}

/** tenantwatch's own state (Postgres schema or queue Redis) could not be reached or migrated. */
export class StateUnavailable extends TenantwatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STATE_UNAVAILABLE', message, options);
  }
}

/** The command line was wrong. */
export class UsageError extends TenantwatchError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** Short description of an unknown error for one-line messages (never payload content). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const msg = err.message || err.name;
    return typeof code === 'string' && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}
