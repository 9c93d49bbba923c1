import t from 'tap';
import { backtestDayAhead } from '../../src/core/forecast/day-ahead-backtest.js';
import { forecastDay } from '../../src/core/forecast/day-ahead.js';
import { forecast } from '../../src/core/forecast/forecast.js';
import { forecastFrame, historyView } from '../../src/core/forecast/frame.js';

// No leakage: a forecast made at an origin must not change, to the last bit, when everything after the
// origin is replaced by poison (1e9 and NaN). 15-minute data in America/New_York with a temperature
// channel, so the temperature terms and DST days are on the path.
const ZONE = 'America/New_York';
const START_MS = Date.UTC(2025, 0, 5, 5); // 2025-01-05 00:00 EST, a Sunday
const DAYS = 150;
const N = DAYS * 96;

/** Deterministic pseudo-noise in [-1, 1) (a Weyl sequence; enough to make the data not trivial). */
const wobble = (i: number): number => ((i * 0.6180339887498949) % 1) * 2 - 1;

function data(): { load: Float64Array; temperatureC: Float64Array; frame: ReturnType<typeof forecastFrame> } {
  const frame = forecastFrame(START_MS, 15, N + 96 * 2, ZONE, ['2025-01-20', '2025-02-17', '2025-05-26']);
  const { slot } = frame.cal;
  const load = new Float64Array(N);
  const temperatureC = new Float64Array(N + 96 * 2);
  for (let i = 0; i < N + 192; i++) {
    const day = frame.cal.dayIndex[i]!;
    const hour = slot[i]! / 4;
    temperatureC[i] = 5 + day * 0.12 + 6 * Math.sin(((hour - 9) * Math.PI) / 12) + 2 * wobble(i);
    if (i >= N) continue;
    const working = frame.dayType[day]! >= 1 && frame.dayType[day]! <= 5;
    const occupied = working && hour >= 7 && hour < 19;
    const cooling = Math.max(0, temperatureC[i]! - 20) * 1.5;
    const heating = Math.max(0, 12 - temperatureC[i]!) * 0.8;
    load[i] = (occupied ? 60 : 25) + cooling + heating + 3 * wobble(i * 7 + 3);
  }
  for (let i = 5000; i < 5100; i++) load[i] = Number.NaN; // a gap in the history
  return { load, temperatureC, frame };
}

/** Replaces everything from `from` on with 1e9, and every third value with NaN. */
function poison(values: Float64Array, from: number): Float64Array {
  const out = values.slice();
  for (let i = from; i < out.length; i++) out[i] = i % 3 === 0 ? Number.NaN : 1e9;
  return out;
}

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

t.test('forecastDay: poisoning load and temperature after the origin changes nothing', async (t) => {
  const { load, temperatureC, frame } = data();
  for (const day of [100, 120, 149]) {
    const origin = frame.dayStart[day]!;
    const clean = forecastDay(historyView(frame, load, temperatureC, origin), day);
    const dirty = forecastDay(historyView(frame, poison(load, origin), poison(temperatureC, origin), origin), day);
    t.ok(bytes(dirty.kwh).equals(bytes(clean.kwh)), `day ${day}: kWh bit-identical`);
    t.strictSame(dirty.config, clean.config);
    t.equal(dirty.levelRatio, clean.levelRatio);
    t.strictSame(dirty.temperature, clean.temperature);
    t.ok(clean.kwh.every((v) => Number.isFinite(v) && v < 1e6), 'the clean forecast is a forecast');
  }
});

t.test('backtest: each origin\'s forecast and baseline are bit-identical when the data after it are poisoned', async (t) => {
  const { load, temperatureC, frame } = data();
  // Four weeks of origins keep the test quick; the code path is the same for eight.
  const clean = backtestDayAhead(frame, load, temperatureC, { days: 28 });
  t.equal(clean.days.length, 28);
  for (const k of [0, 27]) {
    const d = clean.days[k]!;
    const dirty = backtestDayAhead(frame, poison(load, d.first), poison(temperatureC, d.first), { days: 28 });
    // The poisoned run has the same origins (the data still end at N); every day up to and including
    // day k was forecast from data before its own origin, so all of them must match.
    const upTo = d.first + d.count - clean.first;
    t.ok(bytes(dirty.modelKwh.subarray(0, upTo)).equals(bytes(clean.modelKwh.subarray(0, upTo))), `origins up to ${d.date}: model bit-identical`);
    t.ok(bytes(dirty.baselineKwh.subarray(0, upTo)).equals(bytes(clean.baselineKwh.subarray(0, upTo))), `origins up to ${d.date}: baseline bit-identical`);
    t.strictSame(dirty.days.slice(0, k + 1), clean.days.slice(0, k + 1));
  }
  // With the observed temperature as the weather forecast (ex-post), the target day's temperature is read
  // on purpose: poisoning from the END of the target day must change nothing.
  const ex = backtestDayAhead(frame, load, temperatureC, { days: 28, weather: 'forecast' });
  const d = ex.days[15]!;
  const dirty = backtestDayAhead(frame, poison(load, d.first), poison(temperatureC, d.first + d.count), { days: 28, weather: 'forecast' });
  const upTo = d.first + d.count - ex.first;
  t.ok(bytes(dirty.modelKwh.subarray(0, upTo)).equals(bytes(ex.modelKwh.subarray(0, upTo))), 'ex-post weather: model bit-identical');
});

t.test('forecast(): the series is cut at the origin; temperature past the target day is never read', async (t) => {
  const { load, temperatureC, frame } = data();
  const origin = frame.dayStart[140]!;
  const tempSeries = (values: Float64Array) => ({ startMs: START_MS, intervalMinutes: 15, values });
  const targetEnd = frame.dayStart[141]!;
  const a = forecast({ startMs: START_MS, intervalMinutes: 15, values: load.subarray(0, origin) }, { timeZone: ZONE, temperature: tempSeries(temperatureC) });
  const b = forecast({ startMs: START_MS, intervalMinutes: 15, values: poison(load, origin).subarray(0, origin) }, { timeZone: ZONE, temperature: tempSeries(poison(temperatureC, targetEnd)) });
  t.strictSame(b, a);
  t.equal(a.detail.dayAhead.weather, 'forecast', 'the temperature after the origin is the target day\'s weather forecast');
  t.equal(a.dayAhead.length, 96);
});
