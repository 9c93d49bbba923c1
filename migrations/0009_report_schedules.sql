-- Up Migration
-- Scheduled customer energy reports (src/reports). The job queue (pg-boss) keeps its own tables in the
-- `pgboss` schema, created by pg-boss itself when the worker starts; these are Keymeter's.
--
-- A schedule fires on its cron expression in its time zone and reports on the period before the firing
-- (`previous-month`, ...). `next_run_at` is the next firing instant: the timekeeper takes due schedules
-- with FOR UPDATE SKIP LOCKED, enqueues one job per (schedule, period) and moves `next_run_at` on in the
-- same transaction, so two timekeepers never fire the same schedule twice for one instant.
create table report_schedules (
  id          uuid primary key default gen_random_uuid(),
  account_id  text not null references accounts (id) on delete cascade,
  cron        text not null,
  timezone    text not null,
  period      text not null check (period in ('previous-month', 'previous-quarter', 'previous-year')),
  format      text not null check (format in ('pdf', 'html')),
  recipients  text[] not null default '{}',
  created_by  text not null,
  created_at  timestamptz not null default now(),
  next_run_at timestamptz not null
);
create index report_schedules_account_idx on report_schedules (account_id);
create index report_schedules_due_idx on report_schedules (next_run_at);

-- One row per (schedule, period), whatever the number of workers and retries: the unique constraint is
-- the claim. A worker inserts the row (with the rendered file) and, in the same transaction, takes the
-- right to send it (status 'sending' with a lease); a worker that loses the insert does not send. Status:
--   stored   rendered and kept; nothing to send (no SMTP_URL or no recipients)
--   sending  a worker holds the lease and is talking to the SMTP server
--   sent     the server accepted the message (terminal)
--   failed   the server refused it or could not be reached: a retry may claim the row again
--   unknown  a worker died or timed out after handing the message over; never sent again automatically
create table report_runs (
  id           uuid primary key default gen_random_uuid(),
  schedule_id  uuid not null references report_schedules (id) on delete cascade,
  account_id   text not null references accounts (id) on delete cascade,
  period       text not null,
  format       text not null check (format in ('pdf', 'html')),
  content_type text not null,
  file_name    text not null,
  file         bytea not null,
  recipients   text[] not null,
  status       text not null check (status in ('stored', 'sending', 'sent', 'failed', 'unknown')),
  attempts     int not null default 0,
  last_error   text,
  lease_until  timestamptz,
  created_at   timestamptz not null default now(),
  sent_at      timestamptz,
  unique (schedule_id, period)
);
create index report_runs_account_idx on report_runs (account_id, created_at);
