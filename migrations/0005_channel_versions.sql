-- Up Migration
-- A version per channel, raised in the same statement that inserts its readings (mergeIncomingCtes in
-- src/db/queries/readings.ts, shared by the batch and the bulk path). Whatever is computed from a
-- channel's readings can be cached under the versions it read: a write that commits changes them, a
-- write that rolls back does not. No row means version 0 (never written since this migration).
-- Any later path that changes readings, estimates or edits must raise it too.
create table channel_versions (
  channel_id int primary key references channels (id) on delete cascade,
  version bigint not null
);

