import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

/** Zod schema of tenantwatch.yaml (SPEC §2). Cross-field rules live in validate-config.ts. */

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration: "${v}" (use ms, s, m or h, e.g. 2s)` });
    return z.NEVER;
  }
  return ms;
});

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a size: "${v}" (use kb, mb or gb, e.g. 1mb)` });
    return z.NEVER;
  }
  return bytes;
});

const count = (min: number) => z.coerce.number().int().min(min);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL');
const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'must be a table or column name');
const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v));

const owner = z.strictObject({
  table: identifier,
  tenant: identifier,
  match: z.record(identifier, z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'needs at least one column'),
});

const pattern = z.strictObject({
  name: z.string().min(1),
  key: z.string().min(1),
  global: flag.default(false),
  type: z.enum(['auto', 'string', 'hash', 'json']).default('auto'),
  field: z.string().min(1).optional(),
  format: z.string().min(1).default('auto'),
  compression: z.enum(['auto', 'none', 'gzip', 'zlib', 'deflate', 'brotli', 'zstd', 'lz4', 'xz']).default('auto'),
  base64: flag.default(false),
  marker: stringOrList.optional(),
  items: z.string().min(1).optional(),
  owner: owner.optional(),
});

const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL');

/** PagerDuty's Events API v2 endpoint (SPEC §2). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const ALERT_DEFAULTS = { minSeverity: 'critical', groupWait: 30_000, repeatInterval: 4 * 3_600_000, dashboardUrl: 'http://localhost:8080/' } as const;

// A channel whose required value is an unset ${VAR} arrives without it (the loader drops a
// whole-unset reference): validate-config.ts then leaves the channel out instead of refusing.
const alerts = z.strictObject({
  minSeverity: z.enum(['critical', 'warning', 'info']).default(ALERT_DEFAULTS.minSeverity),
  groupWait: duration.default(ALERT_DEFAULTS.groupWait),
  repeatInterval: duration
    .refine((ms) => ms >= 1000, 'must be at least 1s (reminders would flood every channel)')
    .default(ALERT_DEFAULTS.repeatInterval),
  dashboardUrl: httpUrl.default(ALERT_DEFAULTS.dashboardUrl),
  pagerduty: z.strictObject({ routingKey: z.string().min(1).optional(), url: httpUrl.default(PAGERDUTY_EVENTS_URL) }).optional(),
  slack: z.strictObject({ webhookUrl: httpUrl.optional() }).optional(),
  webhook: z.strictObject({ url: httpUrl.optional(), secret: z.string().min(1).optional() }).optional(),
});

// lint-keys (SPEC §4a). Languages as src/lint names them; `javascript` rows also cover TypeScript.
const lintLanguage = z.enum(['python', 'javascript', 'typescript', 'ruby', 'php', 'java', 'go', 'csharp']);
const lintCallSite = z.strictObject({
  language: lintLanguage,
  framework: z.string().min(1).default('custom'),
  receivers: z.array(z.string().min(1)).default([]),
  types: z.array(z.string().min(1)).optional(),
  methods: z.array(z.string().min(1)).min(1),
  key: count(0).optional(),
  keyName: z.string().min(1).optional(),
  form: z.enum(['single', 'multi']).optional(),
  block: flag.optional(),
  imports: z.array(z.string().min(1)).optional(),
});
const lint = z.strictObject({
  tenantExpressions: z.array(z.string().min(1)).default([]),
  callSites: z.array(lintCallSite).default([]),
  prefixes: z.record(z.string().min(1), z.string()).default({}),
});

export const configSchema = z.object({
  cache: z.strictObject({
    url: redisUrl.optional(),
    cluster: z
      .strictObject({
        nodes: z.array(redisUrl).min(1),
        readFrom: z.enum(['master', 'replica']).default('master'),
      })
      .optional(),
  }),
  source: z
    .strictObject({
      url: pgUrl,
      statementTimeout: duration.default(2000),
    })
    .optional(),
  state: z
    .strictObject({
      database: pgUrl.optional(),
      redis: redisUrl.optional(),
      // Several tenantwatch deployments may share one database, each in its own schema.
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case schema name').default('tenantwatch'),
    })
    .default({ schema: 'tenantwatch' }),
  tenants: z.strictObject({ table: identifier, id: identifier }).optional(),
  sweep: z
    .strictObject({
      every: duration.default(300_000),
      rate: count(0).default(5000),
      count: count(1).default(500),
      maxValueBytes: size.default(1024 * 1024),
      sample: count(0).default(0),
      maxDepth: count(1).default(256),
    })
    .default({ every: 300_000, rate: 5000, count: 500, maxValueBytes: 1024 * 1024, sample: 0, maxDepth: 256 }),
  realtime: z
    .strictObject({
      keyspaceEvents: flag.default(false),
      // Only with this set does tenantwatch ever change the cache's CONFIG (notify-keyspace-events).
      configure: flag.default(false),
    })
    .default({ keyspaceEvents: false, configure: false }),
  confirm: z.strictObject({ after: duration.default(2000) }).default({ after: 2000 }),
  unregistered: z.enum(['critical', 'warning', 'info', 'ignore']).default('warning'),
  patterns: z.array(pattern).default([]),
  alerts: alerts.default(ALERT_DEFAULTS),
  api: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: count(0).max(65535).default(8080),
      // A token is a string (named token-1, token-2, … in the audit trail) or { name, token }.
      tokens: z.array(z.union([z.string(), z.strictObject({ name: z.string().min(1), token: z.string() })])).default([]),
    })
    .optional(),
  lint: lint.optional(),
});

export type RawConfig = z.output<typeof configSchema>;
export type RawPattern = z.output<typeof pattern>;
export type RawLint = z.output<typeof lint>;

/** What `lint-keys` reads: the registry and the lint settings, nothing that needs a connection. */
export const lintKeysSchema = configSchema.pick({ unregistered: true, patterns: true, lint: true });
