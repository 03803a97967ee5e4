-- tenantwatch state (SPEC §1 "state"): findings, incidents, sweeps.
-- Applied by src/state/migrate.ts inside one transaction, with search_path set to the state
-- schema, under an advisory lock. No table ever holds cached payload content (SPEC §3).

create table sweeps (
  id           bigserial primary key,
  reason       text not null,
  status       text not null default 'running' check (status in ('running', 'done', 'failed')),
  started_at   timestamptz not null default now(),
  finished_at  timestamptz,
  scanned      bigint not null default 0,
  unchecked    bigint not null default 0,
  total        bigint,
  error        text
);
-- At most one unfinished sweep: a second `start` resumes it instead of starting another.
create unique index sweeps_one_running on sweeps ((true)) where status = 'running';

-- One SCAN walk per shard; `cursor` is saved only after the page's keys are durably queued.
create table sweep_shards (
  sweep_id  bigint not null references sweeps (id) on delete cascade,
  shard     text not null,
  cursor    text not null default '0',
  done      boolean not null default false,
  pages     bigint not null default 0,
  primary key (sweep_id, shard)
);

-- Batches fanned out to the check queue; a sweep finishes when none is pending.
create table sweep_batches (
  sweep_id  bigint not null references sweeps (id) on delete cascade,
  batch_id  text not null,
  done      boolean not null default false,
  primary key (sweep_id, batch_id)
);
create index sweep_batches_pending on sweep_batches (sweep_id) where not done;

create table incidents (
  id             bigserial primary key,
  kind           text not null,
  pattern        text not null,
  severity       text not null,
  status         text not null default 'open' check (status in ('open', 'resolved')),
  opened_at      timestamptz not null default now(),
  resolved_at    timestamptz
);
-- SPEC §6: one open incident per (kind, pattern); later findings join it.
create unique index incidents_one_open on incidents (kind, pattern) where status = 'open';

create table findings (
  id               bigserial primary key,
  -- kind + key for per-key kinds; kind + pattern/shape for the grouped kinds.
  fingerprint      text not null unique,
  kind             text not null,
  severity         text not null,
  status           text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
  key              text,
  pattern          text,
  shape            text,
  count            bigint,
  sample_keys      jsonb,
  key_tenant       text,
  marker_tenants   jsonb,
  owner_tenants    jsonb,
  -- (data owner → tenant exposed to it) pairs: the incident's blast radius.
  exposures        jsonb not null default '[]',
  payload_sha256   text,
  size_bytes       bigint,
  ttl_seconds      bigint,
  expires_at       timestamptz,
  detail           text not null,
  first_seen       timestamptz not null default now(),
  last_seen        timestamptz not null default now(),
  -- Last time a sweep reached the key (seen or unchecked); a sweep that did not resolves it.
  last_swept       timestamptz not null default now(),
  last_sweep_id    bigint,
  occurrences      bigint not null default 1,
  confirmed        boolean not null default false,
  incident_id      bigint references incidents (id),
  resolved_at      timestamptz,
  acknowledged_at  timestamptz
);
create index findings_key on findings (key) where status <> 'resolved';
create index findings_incident on findings (incident_id);
create index findings_status on findings (status, severity);

-- What incidents did, for delivery to alert channels (the outbox alerts read).
create table incident_events (
  id           bigserial primary key,
  incident_id  bigint not null references incidents (id),
  event        text not null check (event in ('opened', 'resolved')),
  created_at   timestamptz not null default now(),
  delivered_at timestamptz
);

-- Keys checked and keys holding another tenant's data, per pattern and minute.
create table pattern_minutes (
  minute   timestamptz not null,
  pattern  text not null,
  checked  bigint not null default 0,
  wrong    bigint not null default 0,
  primary key (minute, pattern)
);

-- Keys per pattern seen by each sweep (the registry's live counts).
create table sweep_patterns (
  sweep_id  bigint not null references sweeps (id) on delete cascade,
  pattern   text not null,
  keys      bigint not null default 0,
  primary key (sweep_id, pattern)
);
