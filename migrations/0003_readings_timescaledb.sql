-- Up Migration
-- TimescaleDB when the extension exists, plain tables otherwise (DESIGN.md "Storage"). Both paths expose
-- readings_hourly and readings_daily with the same columns and the same answers: on TimescaleDB they are
-- continuous aggregates with real-time aggregation on (materialized_only = false), so rows not yet
-- refreshed by the policy are still counted; on plain PostgreSQL they are views over readings.
-- Buckets are UTC (time_bucket's hour and day buckets line up with date_bin from 2000-01-01 UTC); local
-- days and months are rolled up from them in the site's zone.
-- It is one DO block because CREATE MATERIALIZED VIEW ... WITH (timescaledb.continuous) cannot be
-- written conditionally otherwise; WITH NO DATA lets it run inside the migration's transaction.
do $migration$
begin
  if not exists (select 1 from pg_extension where extname = 'timescaledb')
     and exists (select 1 from pg_available_extensions where name = 'timescaledb') then
    begin
      create extension timescaledb;
    exception when others then
      -- e.g. "extension must be preloaded": the server has the files but not shared_preload_libraries
      raise notice 'timescaledb is available but could not be created (%); readings stay a plain table', sqlerrm;
    end;
  end if;

  if exists (select 1 from pg_extension where extname = 'timescaledb') then
    perform create_hypertable('readings', by_range('ts', interval '7 days'));

    execute $q$
      create materialized view readings_hourly
      with (timescaledb.continuous, timescaledb.materialized_only = false) as
      select channel_id, time_bucket(interval '1 hour', ts) as bucket,
             sum(value) as sum, min(value) as min, max(value) as max, count(*) as n
        from readings
       group by channel_id, time_bucket(interval '1 hour', ts)
      with no data
    $q$;
    execute $q$
      create materialized view readings_daily
      with (timescaledb.continuous, timescaledb.materialized_only = false) as
      select channel_id, time_bucket(interval '1 day', ts) as bucket,
             sum(value) as sum, min(value) as min, max(value) as max, count(*) as n
        from readings
       group by channel_id, time_bucket(interval '1 day', ts)
      with no data
    $q$;
    perform add_continuous_aggregate_policy('readings_hourly',
      start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '30 minutes');
    perform add_continuous_aggregate_policy('readings_daily',
      start_offset => interval '10 days', end_offset => interval '1 day', schedule_interval => interval '1 hour');

    -- Segment by channel so one channel's history decompresses alone; old chunks are rarely written.
    alter table readings set (timescaledb.compress, timescaledb.compress_segmentby = 'channel_id',
                              timescaledb.compress_orderby = 'ts');
    perform add_compression_policy('readings', compress_after => interval '90 days');
  else
    create view readings_hourly as
      select channel_id, date_bin(interval '1 hour', ts, timestamptz '2000-01-01 00:00:00+00') as bucket,
             sum(value) as sum, min(value) as min, max(value) as max, count(*) as n
        from readings
       group by 1, 2;
    create view readings_daily as
      select channel_id, date_bin(interval '1 day', ts, timestamptz '2000-01-01 00:00:00+00') as bucket,
             sum(value) as sum, min(value) as min, max(value) as max, count(*) as n
        from readings
       group by 1, 2;
  end if;
end
$migration$;
