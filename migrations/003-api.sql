-- Evictions done through the API (SPEC §5 evict): who asked, when, which key, and what happened.
create table evictions (
  id          bigserial primary key,
  finding_id  bigint not null references findings (id),
  key         text not null,
  token_name  text not null,
  at          timestamptz not null default now(),
  evicted     boolean not null,
  reason      text not null
);
create index evictions_finding on evictions (finding_id);

-- Who acknowledged or resolved a finding by hand.
alter table findings add column acknowledged_by text;
alter table findings add column resolved_by text;
create index findings_id_desc on findings (id desc);
