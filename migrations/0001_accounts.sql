-- Up Migration
-- Accounts own sites; sites own meters, transformers, equipment, power-quality requirements, a supply path,
-- tariffs (current and candidate), bills and payments, facility costs (DESIGN.md "Storage").
-- Lists without ids in the bundle (maintenance records, PQ requirements, payments) are keyed by their
-- position so that importing the same bundle twice writes no row at all.

create table accounts (
  id          text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  name        text not null,
  segment     text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table sites (
  id                   text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  account_id           text not null references accounts (id) on delete cascade,
  position             int not null,
  name                 text not null,
  timezone             text not null,
  nominal_voltage_v    double precision check (nominal_voltage_v > 0),
  current_tariff_id    text,
  candidate_tariff_ids text[] not null default '{}'
);
create index sites_account_idx on sites (account_id);

create table meters (
  id            text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  site_id       text not null references sites (id),
  position      int not null,
  commodity     text not null default 'electric' check (commodity in ('electric', 'gas', 'water')),
  protocol      text check (protocol in ('mqtt', 'modbus', 'file')),
  modbus        jsonb,
  -- SunSpec model 1 (common) identity, filled by the Modbus poller
  manufacturer  text,
  model         text,
  serial_number text
);
create index meters_site_idx on meters (site_id);

create table channels (
  id               serial primary key,
  meter_id         text not null references meters (id),
  position         int not null,
  kind             text not null check (kind in (
                     'kwh_del', 'kwh_rec', 'kvarh_del', 'kvarh_rec', 'kw', 'kvar', 'v_a', 'v_b', 'v_c',
                     'i_a', 'i_b', 'i_c', 'pf', 'hz', 'thd_v_a', 'thd_v_b', 'thd_v_c', 'gas', 'water')),
  unit             text,
  interval_minutes smallint not null check (interval_minutes in (1, 5, 10, 15, 30, 60)),
  unique (meter_id, kind)
);

create table transformers (
  site_id                     text not null references sites (id) on delete cascade,
  id                          text not null,
  position                    int not null,
  kva                         double precision check (kva > 0),
  primary_kv                  double precision,
  secondary_v                 double precision,
  cooling                     text,
  meter_ids                   text[] not null default '{}',
  ambient_c                   double precision,
  installed_on                date,
  thermal                     jsonb,
  maintenance_interval_months int check (maintenance_interval_months > 0),
  primary key (site_id, id)
);

create table transformer_maintenance (
  site_id        text not null,
  transformer_id text not null,
  position       int not null,
  date           date not null,
  kind           text,
  result         text,
  notes          text,
  primary key (site_id, transformer_id, position),
  foreign key (site_id, transformer_id) references transformers (site_id, id) on delete cascade
);

create table equipment (
  site_id     text not null references sites (id) on delete cascade,
  id          text not null,
  position    int not null,
  kind        text,
  description text,
  rated_kw    double precision,
  details     jsonb,
  primary key (site_id, id)
);

create table pq_requirements (
  site_id     text not null references sites (id) on delete cascade,
  position    int not null,
  requirement text not null,
  primary key (site_id, position)
);

create table pq_equipment (
  site_id  text not null references sites (id) on delete cascade,
  position int not null,
  kind     text not null,
  kva      double precision,
  serves   text,
  details  jsonb,
  primary key (site_id, position)
);

create table supply_path_nodes (
  site_id  text not null references sites (id) on delete cascade,
  id       text not null,
  position int not null,
  kind     text not null,
  name     text,
  primary key (site_id, id)
);

create table supply_path_edges (
  site_id text not null,
  from_id text not null,
  to_id   text not null,
  primary key (site_id, from_id, to_id),
  foreign key (site_id, from_id) references supply_path_nodes (site_id, id) on delete cascade,
  foreign key (site_id, to_id) references supply_path_nodes (site_id, id) on delete cascade,
  check (from_id <> to_id)
);

-- Tariffs are shared between accounts (`keymeter import tariff`); the URDB rate item is kept whole.
create table tariffs (
  id          text primary key,
  name        text,
  utility     text,
  urdb        jsonb not null,
  imported_at timestamptz not null default now()
);

-- The tariffs an account's bundle carried, in bundle order (the tariff rows themselves are shared).
create table account_tariffs (
  account_id text not null references accounts (id) on delete cascade,
  tariff_id  text not null references tariffs (id),
  position   int not null,
  primary key (account_id, tariff_id)
);

create table bills (
  account_id   text not null references accounts (id) on delete cascade,
  id           text not null,
  position     int not null,
  site_id      text references sites (id),
  period_start date not null,
  period_end   date not null, -- inclusive, as bills print it
  kwh          double precision,
  peak_kw      double precision,
  amount_usd   numeric not null,
  issued_on    date,
  due_on       date,
  primary key (account_id, id),
  check (period_start <= period_end)
);

create table payments (
  account_id text not null,
  position   int not null,
  bill_id    text not null,
  paid_on    date not null,
  amount_usd numeric not null,
  primary key (account_id, position),
  foreign key (account_id, bill_id) references bills (account_id, id) on delete cascade
);

create table facility_costs (
  account_id text not null references accounts (id) on delete cascade,
  year       int not null check (year between 1900 and 2200),
  total_usd  numeric not null check (total_usd >= 0),
  primary key (account_id, year)
);

create table system_reliability (
  account_id text not null references accounts (id) on delete cascade,
  year       int not null check (year between 1900 and 2200),
  saifi      double precision,
  saidi      double precision,
  caidi      double precision,
  maifi      double precision,
  primary key (account_id, year)
);

-- The utility's total end-user consumption (`keymeter import system-totals`), one row per month.
create table system_totals (
  month date primary key check (extract(day from month) = 1),
  kwh   double precision not null check (kwh >= 0)
);
