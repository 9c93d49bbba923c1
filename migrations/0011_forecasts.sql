-- Up Migration
-- Forecasts made on a schedule (src/forecasts), kept so that forecast and actual can be compared later
-- (GET /v1/accounts/{id}/forecast?asOf=). One row per (account, as_of): `as_of` is the last local day
-- of data the forecast used (the Section 4 `to`); its day-ahead part covers the local day after it and
-- its monthly part the 12 months after that. A stored forecast is a record: it is never recomputed or
-- overwritten (insert ... on conflict do nothing), even when readings of its history are edited later.
create table forecasts (
  id             uuid primary key default gen_random_uuid(),
  account_id     text not null references accounts (id) on delete cascade,
  as_of          date not null,
  time_zone      text not null,
  -- The first local day of the history the model learned from.
  history_from   date not null,
  interval_minutes int not null,
  -- schedule, cli, or key:<api key id>
  made_by        text not null,
  made_at        timestamptz not null default now(),
  -- {dayAhead, monthly, backtest, detail}: src/core/forecast/forecast.ts `Forecast`, as computed.
  forecast       jsonb not null,
  unique (account_id, as_of)
);
