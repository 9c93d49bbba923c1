import t from 'tap';
import { loadHistory } from '../../ingest/simulate/load-history.js';
import { demoMeterSpecs } from '../../ingest/simulate/demo-specs.js';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { eachBackend } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

/**
 * The Section 4 consumption, factors and transformer loading of the demo fixture account (acme-foods, America/Chicago, two
 * electric meters), against the same figures computed independently by the database: local months via
 * PostgreSQL's own time-zone rules (`ts at time zone`), sums, maxima and power factor in SQL, no Keymeter
 * core code involved. The period spans the DST change of 2025-03-09.
 */
const NOW = Date.UTC(2025, 4, 10, 12);

t.test('Section 4 of the fixture account equals an independent SQL computation', async (t) => {
  eachBackend(t, async (t, db) => {
    const { app, admin } = await buildTestApp(db);
    t.teardown(() => app.close());
    const bundle = await fixtureBundle();
    await app.inject({ method: 'PUT', url: '/v1/accounts/acme-foods/bundle', headers: admin, payload: bundle });
    const specs = demoMeterSpecs(AccountBundle.parse(bundle)).filter((s) => s.commodity === 'electric');
    await loadHistory(db.pool, db.log, specs, NOW, 150 * 86_400_000);
    const doc = (await app.inject({ method: 'GET', url: '/v1/accounts/acme-foods/energy-profile?from=2025-01-01&to=2025-04-30', headers: admin })).json();

    const sql = await db.pool.query<{ month: string; kwh: number; peak_kw: number; peak_at: string; present: number }>(`
      with kwh as (
        select r.ts, sum(r.value) as v, count(*) as meters
          from readings r join channels c on c.id = r.channel_id
         where c.kind = 'kwh_del' and c.interval_minutes = 15 and c.meter_id in ('m-1001', 'm-1002')
           and r.ts >= '2025-01-01 00:00 America/Chicago' and r.ts < '2025-05-01 00:00 America/Chicago'
         group by r.ts having count(*) = 2
      )
      select to_char(ts at time zone 'America/Chicago', 'YYYY-MM') as month,
             round(sum(v)::numeric, 3)::float8 as kwh,
             round((max(v) * 4)::numeric, 3)::float8 as peak_kw,
             to_char((array_agg(ts order by v desc, ts))[1] at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as peak_at,
             count(*)::int as present
        from kwh group by 1 order by 1`);
    t.equal(sql.rows.length, 4);
    t.strictSame(
      doc.consumption.electric.monthly.map((m: { month: string; kwh: number; peakKw: number; peakAt: string }) => ({ month: m.month, kwh: m.kwh, peakKw: m.peakKw, peakAt: m.peakAt })),
      sql.rows.map((r) => ({ month: r.month, kwh: r.kwh, peakKw: r.peak_kw, peakAt: r.peak_at })),
      'monthly kWh, peak kW and its time',
    );
    // Expected intervals per local month, worked by hand: Jan 31 x 96, Feb 28 x 96, Mar 31 x 96 - 4 (DST), Apr 30 x 96.
    const expected = [2976, 2688, 2972, 2880];
    t.strictSame(doc.consumption.electric.monthly.map((m: { completeness: number }) => m.completeness),
      sql.rows.map((r, i) => Math.round((r.present / expected[i]!) * 10000) / 10000), 'completeness');

    const pf = await db.pool.query<{ month: string; pf: number }>(`
      with per_kind as (
        select r.ts, c.kind, sum(r.value) as v, count(*) as meters from readings r join channels c on c.id = r.channel_id
         where c.meter_id = 'm-1001' and c.kind in ('kwh_del', 'kvarh_del') and c.interval_minutes = 15
           and r.ts >= '2025-01-01 00:00 America/Chicago' and r.ts < '2025-05-01 00:00 America/Chicago'
         group by r.ts, c.kind
      ), paired as (
        select ts, max(v) filter (where kind = 'kwh_del') as p, max(v) filter (where kind = 'kvarh_del') as q
          from per_kind group by ts having count(*) = 2
      )
      select to_char(ts at time zone 'America/Chicago', 'YYYY-MM') as month,
             round((sum(p) / sqrt(sum(p) ^ 2 + sum(q) ^ 2))::numeric, 4)::float8 as pf
        from paired group by 1 order by 1`);
    // Only m-1001 has kvarh: the power factor is over the meters that have both channels.
    t.strictSame(doc.factors.monthly.map((m: { month: string; powerFactor: number }) => ({ month: m.month, pf: m.powerFactor })), pf.rows, 'power factor = kWh / sqrt(kWh^2 + kvarh^2)');

    // Load factor = kWh / (peak kW x hours of the present intervals), and the local daily totals.
    const lf = await db.pool.query<{ month: string; lf: number }>(`
      with kwh as (
        select r.ts, sum(r.value) as v from readings r join channels c on c.id = r.channel_id
         where c.kind = 'kwh_del' and c.interval_minutes = 15 and c.meter_id in ('m-1001', 'm-1002')
           and r.ts >= '2025-01-01 00:00 America/Chicago' and r.ts < '2025-05-01 00:00 America/Chicago'
         group by r.ts having count(*) = 2
      )
      select to_char(ts at time zone 'America/Chicago', 'YYYY-MM') as month,
             round((sum(v) / (max(v) * 4 * count(*) * 0.25))::numeric, 4)::float8 as lf
        from kwh group by 1 order by 1`);
    t.strictSame(doc.factors.monthly.map((m: { month: string; loadFactor: number }) => ({ month: m.month, lf: m.loadFactor })), lf.rows, 'load factor');
    const daily = await db.pool.query<{ date: string; kwh: number }>(`
      with kwh as (
        select r.ts, sum(r.value) as v from readings r join channels c on c.id = r.channel_id
         where c.kind = 'kwh_del' and c.interval_minutes = 15 and c.meter_id in ('m-1001', 'm-1002')
           and r.ts >= '2025-01-01 00:00 America/Chicago' and r.ts < '2025-05-01 00:00 America/Chicago'
         group by r.ts having count(*) = 2
      )
      select to_char(ts at time zone 'America/Chicago', 'YYYY-MM-DD') as date, round(sum(v)::numeric, 3)::float8 as kwh
        from kwh group by 1 order by 1`);
    const docDaily = doc.consumption.electric.daily.filter((d: { kwh: number | null }) => d.kwh !== null).map((d: { date: string; kwh: number }) => ({ date: d.date, kwh: d.kwh }));
    t.ok(daily.rows.some((r) => r.date === '2025-03-09'), 'the DST day has data');
    t.strictSame(docDaily, daily.rows, 'daily kWh per local day, the DST day included');

    // Transformer t-1 (1,500 kVA, meter m-1001 with kWh and kvarh): peak kVA = max sqrt(kW^2 + kvar^2).
    const tr = await db.pool.query<{ pct: number; at: string; over: number }>(`
      with per_kind as (
        select r.ts, c.kind, r.value as v from readings r join channels c on c.id = r.channel_id
         where c.meter_id = 'm-1001' and c.kind in ('kwh_del', 'kvarh_del') and c.interval_minutes = 15
           and r.ts >= '2025-01-01 00:00 America/Chicago' and r.ts < '2025-05-01 00:00 America/Chicago'
      ), kva as (
        select ts, sqrt((max(v) filter (where kind = 'kwh_del') * 4) ^ 2 + (max(v) filter (where kind = 'kvarh_del') * 4) ^ 2) as kva
          from per_kind group by ts having count(*) = 2
      )
      select round((max(kva) / 1500 * 100)::numeric, 2)::float8 as pct,
             to_char((array_agg(ts order by kva desc, ts))[1] at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at,
             (count(*) filter (where kva > 1500) * 0.25)::float8 as over
        from kva`);
    // Outages: sustained interruptions (power_off to the next power_on longer than 5 minutes, IEEE 1366)
    // of the service meter m-1001, and their minutes, from the stored events.
    const out = await db.pool.query<{ n: number; minutes: number }>(`
      with e as (
        select ts, type, lead(ts) over (order by ts, type desc) as next_ts, lead(type) over (order by ts, type desc) as next_type
          from meter_events where meter_id = 'm-1001'
      )
      select count(*)::int as n, coalesce(round((sum(extract(epoch from next_ts - ts)) / 60)::numeric, 2), 0)::float8 as minutes
        from e
       where type = 'power_off' and next_type = 'power_on' and next_ts - ts > interval '5 minutes'
         and ts >= '2025-01-01 00:00 America/Chicago' and ts < '2025-05-01 00:00 America/Chicago'`);
    const y2025 = doc.outages.annual.find((y: { year: number }) => y.year === 2025);
    t.ok(out.rows[0]!.n > 0, 'the simulator planned sustained outages in the period');
    t.strictSame({ n: y2025.sustained - y2025.inferred, minutes: y2025.minutes }, { n: out.rows[0]!.n, minutes: out.rows[0]!.minutes }, 'sustained interruptions and minutes from the events');
    // The forecast covers the local day after `to` (2025-05-01, 96 quarter-hours in Chicago).
    t.equal(doc.forecast.dayAhead.length, 96);
    t.equal(doc.forecast.dayAhead[0].ts, '2025-05-01T05:00:00Z');
    t.equal(doc.forecast.monthly[0].month, '2025-05');

    const t1 = doc.transformers.find((x: { id: string }) => x.id === 't-1');
    t.strictSame({ pct: t1.peakLoadPct, at: t1.peakAt, over: t1.hoursOverloaded }, tr.rows[0], 'transformer peak loading, its time and hours above 100 %');
  });
});
