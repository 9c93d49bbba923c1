-- Up Migration
-- The one hypertable (DESIGN.md "Storage"). Raw values are never overwritten: a second reading for the
-- same (channel, ts) with another value goes to reading_conflicts, and estimates carry a quality code.

create table reading_quality (
  code smallint primary key,
  name text not null unique
);
insert into reading_quality (code, name) values (0, 'actual'), (1, 'estimated');

create table readings (
  channel_id int not null references channels (id),
  ts         timestamptz not null,
  value      double precision not null check (value <> 'NaN' and abs(value) <> 'Infinity'),
  quality    smallint not null default 0 check (quality between 0 and 31),
  primary key (channel_id, ts)
);

create table reading_conflicts (
  id               bigserial primary key,
  channel_id       int not null references channels (id),
  ts               timestamptz not null,
  stored_value     double precision not null,
  incoming_value   double precision not null,
  incoming_quality smallint not null,
  source           text not null,
  received_at      timestamptz not null default now()
);
create index reading_conflicts_channel_ts_idx on reading_conflicts (channel_id, ts);

-- Anything an ingest source could not accept, with the reason (STYLE §4). meter_id has no foreign key:
-- an unknown meter is itself a reason to be here.
create table ingest_dead_letters (
  id                bigserial primary key,
  received_at       timestamptz not null default now(),
  source            text not null,
  topic_or_unit     text,
  meter_id          text,
  payload           bytea,
  payload_truncated boolean not null default false,
  code              text not null,
  detail            text not null
);
create index ingest_dead_letters_received_idx on ingest_dead_letters (received_at);
create index ingest_dead_letters_meter_idx on ingest_dead_letters (meter_id, received_at);

create table meter_events (
  meter_id    text not null references meters (id),
  ts          timestamptz not null,
  type        text not null check (type in ('power_off', 'power_on')),
  source      text not null default 'mqtt',
  received_at timestamptz not null default now(),
  primary key (meter_id, ts, type)
);
