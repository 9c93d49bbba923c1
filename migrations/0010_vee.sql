-- Up Migration
-- Validation, estimation and editing (VEE), stored BESIDE readings, never over them (DESIGN.md
-- "Storage": raw values are never overwritten). The value an interval reads as (its effective value) is
-- the latest edit, else the raw reading, else the estimate (src/db/queries/series-effective.ts).
-- Every write to these tables that changes a row raises the channel's version in channel_versions
-- (migrations/0005) in the same transaction, so cached analyses of the channel are recomputed.

-- A rule a reading failed (src/core/vee/*.ts). Derived data: the VEE runner replaces a channel's flags
-- over the range it re-validates, so a channel removed with its readings takes its flags along.
create table reading_flags (
  channel_id int not null references channels (id) on delete cascade,
  ts         timestamptz not null,
  rule       text not null check (rule in ('gap', 'spike', 'negative', 'zero_run', 'kwh_kw', 'register_sum')),
  detail     jsonb not null default '{}',
  flagged_at timestamptz not null default now(),
  primary key (channel_id, ts, rule)
);

-- An estimate of a missing interval. It stays when a raw reading arrives later for the same interval:
-- the raw reading supersedes it (effective value), and the estimate still shows what had been assumed.
create table reading_estimates (
  channel_id   int not null references channels (id) on delete cascade,
  ts           timestamptz not null,
  value        double precision not null check (value <> 'NaN' and abs(value) <> 'Infinity'),
  method       text not null check (method in ('linear', 'like_day')),
  estimated_at timestamptz not null default now(),
  primary key (channel_id, ts)
);

-- An edit replaces a channel's values over [from_ts, to_ts) with a reason (POST /v1/meters/{id}/edits).
-- Edits are versioned, never updated or deleted: each is a new version of the channel, and the latest
-- edit covering an interval gives its value. No cascade: an edit is an audited decision of a person.
create table reading_edits (
  id         bigserial primary key,
  channel_id int not null references channels (id),
  version    int not null check (version > 0),
  from_ts    timestamptz not null,
  to_ts      timestamptz not null,
  reason     text not null check (length(reason) between 1 and 2000),
  actor      text not null,
  created_at timestamptz not null default now(),
  check (from_ts < to_ts),
  unique (channel_id, version)
);

-- One value per interval of an edit. The primary key serves "the latest edit of each interval"
-- (distinct on (ts) ... order by ts, edit_id desc) as an index scan.
create table reading_edit_values (
  channel_id int not null references channels (id),
  ts         timestamptz not null,
  edit_id    bigint not null references reading_edits (id),
  value      double precision not null check (value <> 'NaN' and abs(value) <> 'Infinity'),
  primary key (channel_id, ts, edit_id)
);
