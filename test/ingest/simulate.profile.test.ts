import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tzOffset } from '@date-fns/tz';
import t from 'tap';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { demoMeterSpecs } from '../../ingest/simulate/demo-specs.js';
import { generateMeterSeries, type MeterSeries, type MeterSpec } from '../../ingest/simulate/profile.js';
import { ROOT } from '../helpers/cli.js';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const plant: MeterSpec = {
  meterId: 'm-test-1',
  commodity: 'electric',
  timezone: 'America/Chicago',
  peakKw: 1500,
  profile: 'industrial',
  seed: 7,
  channels: [
    { kind: 'kwh_del', intervalMinutes: 15 },
    { kind: 'kvarh_del', intervalMinutes: 15 },
    { kind: 'v_a', intervalMinutes: 15 },
    { kind: 'v_b', intervalMinutes: 15 },
    { kind: 'v_c', intervalMinutes: 15 },
    { kind: 'thd_v_a', intervalMinutes: 15 },
  ],
};

/** Local midnight 2025-01-01 to local midnight 2028-01-01 in Chicago (CST at both ends): 1095 days. */
const THREE_YEARS_START = Date.UTC(2025, 0, 1, 6);
const THREE_YEARS_END = Date.UTC(2028, 0, 1, 6);

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Bitwise equality of two series (tap's strictSame walks typed arrays element by element: slow). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function localHourAligned(zone: string, tMs: number): boolean {
  const local = tMs + tzOffset(zone, new Date(tMs)) * MINUTE_MS;
  return local % HOUR_MS === 0;
}

t.test('values do not depend on the requested range', async (t) => {
  const spec: MeterSpec = {
    ...plant,
    channels: [...plant.channels, { kind: 'kw', intervalMinutes: 5 }, { kind: 'pf', intervalMinutes: 5 }, { kind: 'hz', intervalMinutes: 60 }],
  };
  const a = Date.UTC(2026, 2, 1);
  const c = Date.UTC(2026, 5, 1);
  for (const b of [a + 17 * DAY_MS + 7 * MINUTE_MS, Date.UTC(2026, 2, 8, 8), Date.UTC(2026, 3, 30, 23, 59, 59, 999)]) {
    const whole = generateMeterSeries(spec, a, c);
    const left = generateMeterSeries(spec, a, b);
    const right = generateMeterSeries(spec, b, c);
    whole.channels.forEach((ch, i) => {
      t.ok(sameBits(concat(left.channels[i]!.tsMs, right.channels[i]!.tsMs), ch.tsMs), `${ch.kind} timestamps split at ${new Date(b).toISOString()}`);
      t.ok(sameBits(concat(left.channels[i]!.values, right.channels[i]!.values), ch.values), `${ch.kind} values split at ${new Date(b).toISOString()}`);
    });
    t.strictSame([...left.events, ...right.events], whole.events, 'events');
  }
  const again = generateMeterSeries(spec, a, c);
  const third = generateMeterSeries(spec, a, c);
  t.ok(again.channels.every((ch, i) => sameBits(ch.values, third.channels[i]!.values)), 'same call, same result');
  const otherSeed = generateMeterSeries({ ...spec, seed: 8 }, a, c);
  t.not(otherSeed.channels[0]!.values[100], again.channels[0]!.values[100], 'the seed changes the noise');
});

t.test('grids: UTC quarter hours, local hours across DST changes', async (t) => {
  const days: [string, string, number, number, number][] = [
    // zone, local day, its start and end in UTC, expected hourly intervals
    ['America/Chicago', '2026-03-08', Date.UTC(2026, 2, 8, 6), Date.UTC(2026, 2, 9, 5), 23],
    ['America/Chicago', '2026-11-01', Date.UTC(2026, 10, 1, 5), Date.UTC(2026, 10, 2, 6), 25],
    ['Europe/Berlin', '2026-03-29', Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22), 23],
    ['Europe/Berlin', '2026-10-25', Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23), 25],
    ['America/Chicago', '2026-03-09', Date.UTC(2026, 2, 9, 5), Date.UTC(2026, 2, 10, 5), 24],
  ];
  for (const [zone, day, start, end, hours] of days) {
    const r = generateMeterSeries(
      { ...plant, timezone: zone, outages: false, channels: [{ kind: 'v_a', intervalMinutes: 60 }, { kind: 'kwh_del', intervalMinutes: 15 }, { kind: 'pf', intervalMinutes: 30 }] },
      start,
      end,
    );
    const [hourly, quarter, half] = r.channels;
    t.equal(hourly!.tsMs.length, hours, `${zone} ${day}: ${hours} hourly intervals`);
    t.ok(hourly!.tsMs.every((ts) => localHourAligned(zone, ts)), `${zone} ${day}: hourly starts on local hours`);
    t.ok(hourly!.tsMs.every((ts, i, a) => i === 0 || ts - a[i - 1]! === HOUR_MS), `${zone} ${day}: an hour apart in UTC`);
    t.equal(quarter!.tsMs.length, ((end - start) / HOUR_MS) * 4, `${zone} ${day}: quarter hours`);
    t.ok(quarter!.tsMs.every((ts) => ts % (15 * MINUTE_MS) === 0), `${zone} ${day}: quarter hours on the UTC grid`);
    t.equal(half!.tsMs.length, hours * 2, `${zone} ${day}: half hours`);
    t.equal(hourly!.tsMs[0], start, 'first interval starts at local midnight');
  }

  const kolkata = generateMeterSeries({ ...plant, timezone: 'Asia/Kolkata', outages: false, channels: [{ kind: 'kwh_del', intervalMinutes: 60 }] }, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2));
  t.equal(kolkata.channels[0]!.tsMs[0], Date.UTC(2026, 0, 1, 0, 30), '+05:30: local hours start at :30 UTC');
  t.equal(kolkata.channels[0]!.tsMs.length, 24);

  const empty = generateMeterSeries(plant, Date.UTC(2026, 0, 1, 0, 1), Date.UTC(2026, 0, 1, 0, 14));
  t.strictSame(empty.channels.map((c) => c.tsMs.length), [0, 0, 0, 0, 0, 0], 'a range with no interval start is empty');
});

t.test('sustained outages are gaps in every channel, bracketed by events; momentary ones are events only', async (t) => {
  const spec: MeterSpec = { ...plant, channels: [...plant.channels, { kind: 'hz', intervalMinutes: 60 }, { kind: 'kw', intervalMinutes: 5 }] };
  const r = generateMeterSeries(spec, THREE_YEARS_START, THREE_YEARS_END);
  t.ok(r.outages.length >= 6 && r.outages.length <= 18, `2-6 sustained outages a year (${r.outages.length} in 3 years)`);
  for (const o of r.outages) {
    const minutes = (o.endMs - o.startMs) / MINUTE_MS;
    t.ok(minutes >= 15 && minutes <= 240, `sustained outage of ${minutes.toFixed(1)} min`);
    for (const ch of r.channels) {
      const stepMs = ch.intervalMinutes * MINUTE_MS;
      t.notOk(ch.tsMs.some((ts) => ts < o.endMs && ts + stepMs > o.startMs), `${ch.kind}: nothing overlaps ${new Date(o.startMs).toISOString()}`);
      // The interval just before and the one just after are present.
      const before = Math.floor(o.startMs / stepMs) * stepMs - stepMs;
      const after = Math.ceil(o.endMs / stepMs) * stepMs;
      if (ch.intervalMinutes <= 15) {
        t.ok(ch.tsMs.includes(before) && ch.tsMs.includes(after), `${ch.kind}: intervals either side of the outage present`);
      }
    }
    const i = r.events.findIndex((e) => e.tsMs === o.startMs);
    t.strictSame(r.events.slice(i, i + 2), [{ type: 'power_off', tsMs: o.startMs }, { type: 'power_on', tsMs: o.endMs }], 'bracketed by power_off and power_on');
  }
  // Events alternate off/on; the short pairs are momentary and leave no gap.
  let momentary = 0;
  for (let i = 0; i < r.events.length; i += 2) {
    const off = r.events[i]!;
    const on = r.events[i + 1]!;
    t.equal(off.type, 'power_off');
    t.equal(on.type, 'power_on');
    if (on.tsMs - off.tsMs < 5 * MINUTE_MS) {
      momentary++;
      const q = Math.floor(off.tsMs / (15 * MINUTE_MS)) * 15 * MINUTE_MS;
      t.ok(r.channels[0]!.tsMs.includes(q), 'a momentary interruption leaves its interval in place');
    }
  }
  t.ok(momentary >= 6, `momentary interruptions (${momentary})`);
  const gas = generateMeterSeries({ ...plant, meterId: 'g-test', commodity: 'gas', channels: [{ kind: 'gas', intervalMinutes: 60 }] }, THREE_YEARS_START, THREE_YEARS_END);
  t.strictSame([gas.events, gas.outages], [[], []], 'gas meters have no power outages by default');
  t.equal(gas.channels[0]!.tsMs.length, 1095 * 24);
});

t.test('values stay within their documented bounds', async (t) => {
  const spec: MeterSpec = {
    ...plant,
    nominalVoltageV: 120,
    channels: [
      ...plant.channels,
      { kind: 'kw', intervalMinutes: 5 }, { kind: 'pf', intervalMinutes: 5 }, { kind: 'hz', intervalMinutes: 15 },
      { kind: 'i_a', intervalMinutes: 15 }, { kind: 'kvar', intervalMinutes: 15 },
    ],
  };
  for (const nominal of [120, 277]) {
    const r = generateMeterSeries({ ...spec, nominalVoltageV: nominal }, Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1));
    for (const ch of r.channels) {
      const v = Array.from(ch.values);
      t.ok(v.every(Number.isFinite), `${ch.kind}: finite`);
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      switch (ch.kind) {
        case 'v_a': case 'v_b': case 'v_c':
          t.ok(lo >= nominal * 0.9 && hi <= nominal * 1.1, `${ch.kind} within ±10 % of ${nominal} V (${lo}..${hi})`);
          t.ok(v.filter((x) => Math.abs(x / nominal - 1) <= 0.025).length / v.length > 0.98, `${ch.kind}: almost always within ±2.5 %`);
          t.ok(lo < nominal * 0.97, `${ch.kind}: some sags (${lo})`);
          break;
        case 'pf':
          t.ok(lo > 0 && hi <= 1, `pf in (0, 1] (${lo}..${hi})`);
          t.ok(lo >= 0.86 && hi <= 0.97, 'pf 0.86..0.97');
          break;
        case 'hz':
          t.ok(lo >= 59.98 && hi <= 60.02, `hz 60 ± 0.02 (${lo}..${hi})`);
          break;
        case 'thd_v_a':
          t.ok(lo >= 1.5 && hi <= 4.5, `THD 1.5..4.5 % (${lo}..${hi})`);
          break;
        default:
          t.ok(lo >= 0, `${ch.kind} ≥ 0 (${lo})`);
      }
    }
    const kwh = r.channels[0]!;
    const kvarh = r.channels[1]!;
    for (let i = 0; i < kwh.values.length; i += 97) {
      const pf = kwh.values[i]! / Math.hypot(kwh.values[i]!, kvarh.values[i]!);
      t.ok(pf >= 0.855 && pf <= 0.975, 'kWh and kvarh imply a power factor in range');
    }
  }
});

t.test('shape: office workdays above weekends, summer above spring, gas in winter', async (t) => {
  const office: MeterSpec = {
    meterId: 'm-office', commodity: 'electric', timezone: 'America/New_York', peakKw: 800, profile: 'office', outages: false,
    channels: [{ kind: 'kwh_del', intervalMinutes: 15 }],
  };
  // June 2026 in New York (EDT, UTC-4).
  const r = generateMeterSeries(office, Date.UTC(2026, 5, 1, 4), Date.UTC(2026, 6, 1, 4));
  const perDay = new Map<number, number>();
  const ch = r.channels[0]!;
  ch.tsMs.forEach((ts, i) => {
    const day = Math.floor((ts - 4 * HOUR_MS) / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + ch.values[i]!);
  });
  const weekday: number[] = [];
  const weekend: number[] = [];
  for (const [day, kwh] of perDay) {
    const dow = new Date(day * DAY_MS).getUTCDay();
    (dow === 0 || dow === 6 ? weekend : weekday).push(kwh);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  t.equal(weekday.length + weekend.length, 30);
  t.ok(Math.min(...weekday) > Math.max(...weekend) * 1.3, `every workday above every weekend day (${mean(weekday).toFixed(0)} vs ${mean(weekend).toFixed(0)} kWh/day)`);
  // Peak near peakKw, nights at the base.
  const kw = Array.from(ch.values, (v) => v * 4);
  t.ok(Math.max(...kw) > 700 && Math.max(...kw) < 900, `June peak near 800 kW (${Math.max(...kw).toFixed(0)})`);
  t.ok(Math.min(...kw) > 150 && Math.min(...kw) < 260, `night base ~25 % (${Math.min(...kw).toFixed(0)})`);

  const sum = (s: MeterSeries) => s.channels[0]!.values.reduce((a, b) => a + b, 0);
  const july = sum(generateMeterSeries(office, Date.UTC(2026, 6, 1, 4), Date.UTC(2026, 7, 1, 4)));
  const april = sum(generateMeterSeries(office, Date.UTC(2026, 3, 1, 4), Date.UTC(2026, 4, 1, 4)));
  t.ok(july > april * 1.05, `cooling: July above April (${july.toFixed(0)} vs ${april.toFixed(0)} kWh)`);

  const gas: MeterSpec = { ...office, meterId: 'g-office', commodity: 'gas', channels: [{ kind: 'gas', intervalMinutes: 60, unit: 'therm' }] };
  const jan = sum(generateMeterSeries(gas, Date.UTC(2026, 0, 1, 5), Date.UTC(2026, 1, 1, 5)));
  const jul = sum(generateMeterSeries(gas, Date.UTC(2026, 6, 1, 4), Date.UTC(2026, 7, 1, 4)));
  t.ok(jan > jul * 3, `gas: January well above July (${jan.toFixed(0)} vs ${jul.toFixed(0)} therm)`);
});

t.test('three years of six 15-minute channels', async (t) => {
  const r = generateMeterSeries(plant, THREE_YEARS_START, THREE_YEARS_END);
  const quarterMs = 15 * MINUTE_MS;
  let gap = 0;
  for (const o of r.outages) gap += Math.ceil(o.endMs / quarterMs) - Math.floor(o.startMs / quarterMs);
  t.ok(gap > 0, `outage gaps (${gap} intervals)`);
  for (const ch of r.channels) {
    t.equal(ch.tsMs.length, 105_120 - gap, `${ch.kind}: 105,120 intervals minus outage gaps`);
    t.equal(ch.values.length, ch.tsMs.length);
  }
  const kwh = r.channels[0]!.values.reduce((a, b) => a + b, 0);
  t.ok(kwh > 3 * 1500 * 8760 * 0.5 && kwh < 3 * 1500 * 8760 * 0.8, `a plausible load factor (${(kwh / (3 * 1500 * 8760)).toFixed(2)})`);
});

t.test('demoMeterSpecs maps a bundle to simulated meters', async (t) => {
  const raw: unknown = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/accounts/acme-foods.json'), 'utf8'));
  const specs = demoMeterSpecs(AccountBundle.parse(raw));
  t.strictSame(
    specs.map((s) => [s.meterId, s.commodity, s.protocol, s.profile, s.peakKw, s.timezone, s.nominalVoltageV]),
    [
      ['m-1001', 'electric', 'mqtt', 'industrial', 1470, 'America/Chicago', 277], // (350 + 149 + 420) kW × 1.6
      ['m-1002', 'electric', 'modbus', 'industrial', 441, 'America/Chicago', 277],
      ['g-2001', 'gas', 'file', 'industrial', 1470, 'America/Chicago', 277],
      ['w-3001', 'water', 'file', 'industrial', 1470, 'America/Chicago', 277],
    ],
  );
  t.strictSame(specs[0]!.channels.map((c) => [c.kind, c.intervalMinutes]), [['kwh_del', 15], ['kvarh_del', 15], ['v_a', 15], ['v_b', 15], ['v_c', 15], ['thd_v_a', 15], ['kw', 1]]);
  t.equal(specs[0]!.outageKey, specs[1]!.outageKey, 'a site\'s electric meters share outages');
  const bare = demoMeterSpecs(AccountBundle.parse({ id: 'x', name: 'X', sites: [{ id: 's', name: 'S', timezone: 'UTC', meters: [{ id: 'm', channels: [{ kind: 'kwh_del' }] }] }] }));
  t.strictSame(bare.map((s) => [s.peakKw, s.profile, s.nominalVoltageV]), [[1500, 'industrial', 277]], 'defaults');
});
