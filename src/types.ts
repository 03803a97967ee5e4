/**
 * Glossary (the words of SPEC §1) and the types shared across tenantwatch.
 *
 * - cache:    the application's Redis (or Redis Cluster) being watched; read-only to us.
 * - source:   the application's Postgres, the source of truth for ownership; read-only.
 * - state:    tenantwatch's own storage (Postgres schema `tenantwatch`, BullMQ Redis).
 * - pattern:  a registered cache key shape (`project:{tenant}:{project_id}`) with how to
 *             decode its values and how to look up the owner of what it names.
 * - marker:   a tenant id embedded in a cached payload (`"tenant_id": "…"`).
 * - owner:    the tenant(s) owning the row a cache entry is about, per the source.
 * - finding:  one detected problem with one key (or, for grouped kinds, one key shape).
 * - incident: findings grouped for alerting (a later issue).
 *
 * Nothing in these types ever holds cached payload content beyond the decode step:
 * findings carry only keys, tenant ids, the payload's SHA-256, size and TTL.
 */

export type Severity = 'critical' | 'warning' | 'info';
export type SeverityOrIgnore = Severity | 'ignore';

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

export type FindingKind =
  | 'cross_tenant_payload'
  | 'foreign_owner'
  | 'key_owner_mismatch'
  | 'unscoped_collision'
  | 'unscoped_key'
  | 'unregistered_key'
  | 'unmarked_payload'
  | 'unknown_tenant'
  | 'orphan_entry'
  | 'negative_cache'
  | 'undecodable'
  | 'oversized';

/** Fixed severities of SPEC §3 (`unregistered_key` takes the `unregistered` setting). */
export const KIND_SEVERITY: Record<Exclude<FindingKind, 'unregistered_key'>, Severity> = {
  cross_tenant_payload: 'critical',
  foreign_owner: 'critical',
  key_owner_mismatch: 'critical',
  unscoped_collision: 'critical',
  unscoped_key: 'warning',
  unmarked_payload: 'warning',
  unknown_tenant: 'warning',
  orphan_entry: 'warning',
  negative_cache: 'warning',
  undecodable: 'info',
  oversized: 'info',
};

/** One detected problem, in the shape of SPEC §4's `--json` document. Never payload content. */
export interface Finding {
  kind: FindingKind;
  severity: Severity;
  key?: string;
  pattern?: string;
  shape?: string;
  count?: number;
  sampleKeys?: string[];
  keyTenant?: string;
  markerTenants?: string[];
  ownerTenants?: string[];
  ttlSeconds?: number;
  payloadSha256?: string;
  sizeBytes?: number;
  detail: string;
}

/** Redis value types a pattern may declare; `auto` reads what the key holds. */
export type ValueType = 'auto' | 'string' | 'hash' | 'json';

/** Serialization formats (SPEC §2 `format`). Framework formats join this list as modules. */
export type FormatName = 'auto' | 'json' | 'msgpack' | 'keyv' | 'text' | (string & {});

export type CompressionName = 'auto' | 'none' | 'gzip' | 'zlib' | 'deflate' | 'brotli' | 'zstd' | 'lz4' | 'xz';

/** How a pattern finds the owners of the row its entry is about. */
export interface OwnerSpec {
  /** Table name, optionally schema-qualified (`app.projects`). */
  table: string;
  /** Column holding the owning tenant. */
  tenant: string;
  /** column → key placeholder name, or `$.path` into the payload (item). */
  match: Record<string, string>;
}

/** A validated, frozen pattern of the registry (SPEC §2 `patterns[]`). */
export interface PatternConfig {
  name: string;
  key: string;
  /** Index in the config file: the last tie-breaker of specificity. */
  index: number;
  global: boolean;
  type: ValueType;
  field?: string;
  format: FormatName;
  compression: CompressionName;
  base64: boolean;
  /** Alternative JSONPaths; the first that exists counts. */
  marker?: string[];
  items?: string;
  owner?: OwnerSpec;
}

/** A segment of a compiled key pattern. */
export type KeySegment = { kind: 'literal'; text: string } | { kind: 'placeholder'; name: string };

/** The result of classifying one key against the registry. */
export type KeyClass =
  | { kind: 'registered'; pattern: PatternConfig; values: Record<string, string> }
  | { kind: 'unregistered'; shape: string };

/** Decoded JSON-like value. Objects from decoders are plain null-prototype objects or Maps. */
export type Decoded = unknown;

/** The outcome of decoding a payload. */
export type DecodeResult =
  | { ok: true; value: Decoded; format: string }
  | { ok: false; reason: 'undecodable' | 'oversized'; format: string; detail: string };

/** What the sampler read for one key. */
export type ReadValue =
  | { status: 'value'; bytes: Buffer; redisType: 'string' | 'hash-field' | 'json' }
  | { status: 'hash'; fields: Record<string, Buffer>; size: number }
  | { status: 'oversized'; size: number; redisType: string }
  | { status: 'wrongtype'; redisType: string }
  | { status: 'missing-field'; field: string }
  | { status: 'vanished' }
  | { status: 'error'; detail: string };
