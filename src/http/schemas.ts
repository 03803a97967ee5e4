import { Type, type Static } from '@sinclair/typebox';

/** JSON Schemas of every request and response (SPEC §5), shared by the routes and /docs. */

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() }, { $id: 'Error' });

/** A request that failed its schema: the error, and every problem found. */
export const BadRequestBody = Type.Object({ error: Type.String(), message: Type.String(), problems: Type.Optional(Type.Array(Type.String())) }, { $id: 'BadRequest' });

// Dates leave as ISO strings: fast-json-stringify formats Date objects for 'date-time'.
const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
const Severity = Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]);
const Strings = Type.Array(Type.String());

export const FindingBody = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    severity: Severity,
    status: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
    key: Type.Optional(Type.String()),
    pattern: Type.Optional(Type.String()),
    shape: Type.Optional(Type.String()),
    count: Type.Optional(Type.Number()),
    sampleKeys: Type.Optional(Strings),
    keyTenant: Type.Optional(Type.String()),
    markerTenants: Type.Optional(Strings),
    ownerTenants: Type.Optional(Strings),
    payloadSha256: Type.Optional(Type.String()),
    sizeBytes: Type.Optional(Type.Number()),
    ttlSeconds: Type.Optional(Type.Number()),
    detail: Type.String(),
    firstSeen: DateTime,
    lastSeen: DateTime,
    occurrences: Type.Number(),
    confirmed: Type.Boolean(),
    incidentId: Type.Optional(Type.String()),
    acknowledgedBy: Type.Optional(Type.String()),
    resolvedBy: Type.Optional(Type.String()),
    resolvedAt: Type.Optional(DateTime),
  },
  { $id: 'Finding' },
);

export const BlastPairBody = Type.Object({
  owner: Type.String(),
  exposed: Type.String(),
  keys: Type.Number(),
  firstSeen: DateTime,
  lastSeen: DateTime,
  maxRemainingTtlSeconds: Type.Union([Type.Number(), Type.Null()]),
});

export const IncidentBody = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    pattern: Type.String(),
    severity: Severity,
    status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
    openedAt: DateTime,
    resolvedAt: Type.Optional(DateTime),
    findings: Type.Number(),
    openFindings: Type.Number(),
    blastRadius: Type.Array(BlastPairBody),
  },
  { $id: 'Incident' },
);

const SweepBody = Type.Object({
  id: Type.Number(),
  reason: Type.String(),
  status: Type.String(),
  startedAt: DateTime,
  finishedAt: Type.Optional(DateTime),
  scanned: Type.Number(),
  total: Type.Optional(Type.Number()),
  progress: Type.Optional(Type.Number()),
  rate: Type.Number(),
});

export const StatusBody = Type.Object({
  currentSweep: Type.Optional(SweepBody),
  lastSweep: Type.Optional(SweepBody),
  keysPerPattern: Type.Record(Type.String(), Type.Number()),
  openIncidents: Type.Object({ critical: Type.Number(), warning: Type.Number(), info: Type.Number() }),
  correctness: Type.Object({
    windowMinutes: Type.Number(),
    patterns: Type.Record(Type.String(), Type.Object({ checked: Type.Number(), wrong: Type.Number(), ratio: Type.Optional(Type.Number()), nines: Type.Optional(Type.Number()) })),
  }),
  sampling: Type.Object({
    perMinute: Type.Number(),
    windowMinutes: Type.Number(),
    detection: Type.Array(Type.Object({ badShare: Type.Number(), probability: Type.Number() })),
    patterns: Type.Array(Type.Object({ pattern: Type.String(), keyspaceShare: Type.Number(), detection: Type.Array(Type.Object({ badShare: Type.Number(), probability: Type.Number() })) })),
  }),
  realtime: Type.Object({ enabled: Type.Boolean(), reason: Type.String() }),
  workers: Type.Number(),
});

export const ReadyBody = Type.Object({
  cache: Type.String(),
  source: Type.String(),
  state: Type.String(),
  queue: Type.String(),
  realtime: Type.Object({ enabled: Type.Boolean(), reason: Type.String() }),
});

export const ScanRequest = Type.Object(
  {
    match: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    patterns: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 })),
    keys: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 65536 }), { minItems: 1, maxItems: 10_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type ScanRequest = Static<typeof ScanRequest>;

export const ScanBody = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  scanned: Type.Number(),
  total: Type.Optional(Type.Number()),
  findings: Type.Array(Type.Object({}, { additionalProperties: true })),
  unchecked: Type.Optional(Type.Object({ total: Type.Number(), reasons: Type.Record(Type.String(), Type.Number()) })),
  error: Type.Optional(Type.String()),
});

export const PatternsBody = Type.Object({
  items: Type.Array(
    Type.Object({
      name: Type.String(),
      key: Type.String(),
      global: Type.Boolean(),
      scoped: Type.Boolean(),
      format: Type.String(),
      type: Type.String(),
      keys: Type.Number(),
      checked: Type.Optional(Type.Number()),
      wrong: Type.Optional(Type.Number()),
      nines: Type.Optional(Type.Number()),
    }),
  ),
});

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
export const ScanIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) });
export const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 }));
export const Cursor = Type.Optional(Type.String({ maxLength: 200 }));
