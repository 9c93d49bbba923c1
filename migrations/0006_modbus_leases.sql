-- Up Migration
-- The Modbus poller (ingest/modbus). Meters with protocol 'modbus' are leased to pollers through the
-- database (DESIGN.md "Scale-out"): a poller takes free or expired leases with FOR UPDATE SKIP LOCKED,
-- so two pollers never take the same meter, and renews them while it polls; a poller that dies stops
-- renewing and its meters are taken over once their leases expire. The lease row also carries the
-- poller's state for the meter (counter tracks, the open interval averages, the SunSpec layout found),
-- saved after each poll's readings commit, so whoever holds the lease next carries on where the last
-- holder stopped. A meter's SunSpec identity (model 1) goes to meters.manufacturer/model/serial_number
-- (0001).

-- Pollers announce themselves; a poller's fair share is the modbus meters divided by the pollers seen
-- within one lease, so a new poller gets meters handed over and a departed one stops counting.
create table modbus_pollers (
  id         text primary key,
  started_at timestamptz not null default now(),
  seen_at    timestamptz not null default now()
);

create table modbus_leases (
  meter_id    text primary key references meters (id) on delete cascade,
  holder      text,                                       -- modbus_pollers.id; null: free
  expires_at  timestamptz not null default '-infinity',
  acquired_at timestamptz,
  state       jsonb,                                      -- ingest/modbus/meter-state.ts
  updated_at  timestamptz
);
create index modbus_leases_holder_idx on modbus_leases (holder, expires_at);

-- Min and max of the samples behind an interval average, beside the reading (the mean) in readings:
-- the poller keeps them for the voltage channels (sags and swells at interval resolution, DESIGN.md
-- Section 4 item 8). Keyed like readings; the first write wins, as there (idempotent re-polls).
create table reading_extremes (
  channel_id int not null references channels (id) on delete cascade,
  ts         timestamptz not null,
  min_value  double precision not null check (min_value <> 'NaN' and abs(min_value) <> 'Infinity'),
  max_value  double precision not null check (max_value <> 'NaN' and abs(max_value) <> 'Infinity'),
  samples    int not null check (samples > 0),
  primary key (channel_id, ts),
  check (min_value <= max_value)
);
