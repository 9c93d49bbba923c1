-- Up Migration
-- API keys are stored as SHA-256 hashes of the full key. Keys are 256-bit random values, so a fast hash
-- is enough (no password-style KDF needed); the id is the key's public prefix, shown in logs and lists.
create table api_keys (
  id           text primary key,
  hash         bytea not null unique,
  role         text not null check (role in ('admin', 'engineer', 'rep', 'report')),
  account_ids  text[] not null default '{}',
  label        text,
  created_at   timestamptz not null default now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);

create table audit_log (
  id         bigserial primary key,
  at         timestamptz not null default now(),
  actor      text not null,
  action     text not null,
  account_id text,
  detail     jsonb
);
create index audit_log_account_idx on audit_log (account_id, at);
