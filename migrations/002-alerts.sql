-- Alert delivery (SPEC §6): silences, each incident's notification state, and every message
-- sent (or being sent) to a channel. Keys and tenant ids only; never cached payload content.

-- Silences, created through the API. A matcher left null matches anything; at least one is set.
-- `tenant` matches an incident whose every exposure pair names that tenant (as owner or as the
-- exposed tenant), so silencing a noisy tenant never hides a leak between two others.
create table silences (
  id                 bigserial primary key,
  kind               text,
  pattern            text,
  tenant             text,
  created_by         text not null,
  reason             text not null,
  created_at         timestamptz not null default now(),
  starts_at          timestamptz not null default now(),
  ends_at            timestamptz not null,
  -- Set when expired by hand before ends_at.
  expired_at         timestamptz,
  -- When the "silence expired" notice was queued: each silence is announced once.
  expiry_noticed_at  timestamptz,
  check (ends_at > starts_at),
  check (kind is not null or pattern is not null or tenant is not null)
);
create index silences_pending_notice on silences (ends_at) where expiry_noticed_at is null;

-- Where each incident stands with the channels: created from the outbox's 'opened' event.
create table incident_alerts (
  incident_id       bigint primary key references incidents (id),
  -- First trigger queued (after groupWait); null while waiting, silenced, or never paged.
  notified_at       timestamptz,
  -- Last trigger or reminder queued: the next reminder is due repeatInterval after it.
  last_notified_at  timestamptz,
  reminders         integer not null default 0,
  -- Why the incident was not (yet) sent: 'silenced' while a silence holds it,
  -- 'resolved_in_group_wait' when it resolved before anyone was told.
  suppressed        text,
  silence_id        bigint references silences (id),
  resolve_queued_at timestamptz
);

-- One message to one channel. `dedup` (incident-42-slack-trigger) is also the BullMQ job id,
-- so a dispatcher that dies between queueing and recording queues the same job again, not a twin.
create table notifications (
  id           bigserial primary key,
  dedup        text not null unique,
  incident_id  bigint references incidents (id),
  silence_id   bigint references silences (id),
  channel      text not null check (channel in ('pagerduty', 'slack', 'webhook')),
  kind         text not null check (kind in ('trigger', 'reminder', 'resolve', 'silence_expired')),
  status       text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts     integer not null default 0,
  last_error   text,
  created_at   timestamptz not null default now(),
  -- Last handed to the queue, or last found still there (a job lost from Redis is queued again).
  enqueued_at  timestamptz,
  sent_at      timestamptz,
  failed_at    timestamptz,
  check ((incident_id is null) <> (silence_id is null))
);
create index notifications_incident on notifications (incident_id, channel);
create index notifications_unqueued on notifications (id) where enqueued_at is null;
create index incident_events_undelivered on incident_events (id) where delivered_at is null;
