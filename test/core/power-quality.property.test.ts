import fc from 'fast-check';
import t from 'tap';
import { powerQuality } from '../../src/core/power-quality/analysis.js';
import { tenMinuteMeans } from '../../src/core/power-quality/ten-minute.js';
import type { IntervalSeries } from '../../src/core/series.js';

const START = Date.UTC(2025, 2, 3);
const voltage = fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0, max: 160, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) });
const phasesArb = fc.record({
  phases: fc.integer({ min: 1, max: 3 }),
  intervalMinutes: fc.constantFrom(1, 5, 10, 15, 60),
  length: fc.integer({ min: 1, max: 400 }),
}).chain(({ phases, intervalMinutes, length }) => fc.array(fc.array(voltage, { minLength: length, maxLength: length }), { minLength: phases, maxLength: phases })
  .map((values): IntervalSeries[] => values.map((v) => ({ startMs: START, intervalMinutes, values: Float64Array.from(v) }))));

t.test('Range A sits inside Range B; shares are shares; compliant weeks are weeks', async (t) => {
  fc.assert(fc.property(phasesArb, (phases) => {
    const r = powerQuality({ phases, nominalV: 120, timeZone: 'America/New_York' });
    const v = r.voltage!;
    const a = v.ansiRangeA.withinShare;
    const b = v.ansiRangeB.withinShare;
    const inUnit = (x: number | null): boolean => x === null || (x >= 0 && x <= 1);
    return (a === null) === (b === null)
      && (a === null || a <= b!)
      && [a, b, v.ansiRangeA.belowShare, v.ansiRangeA.aboveShare].every(inUnit)
      && v.en50160.compliantWeeks <= v.en50160.weeks
      && v.en50160.weekly.every((w) => w.withinShare >= 0 && w.withinShare <= 1 && (!w.compliant || w.withinShare >= 0.95));
  }));
});

t.test('complete 1-minute data: the 10-minute means average to the overall mean', async (t) => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 60 }), (windows) => {
    // k x 0.125 V values are exact in binary, so sums agree to the bit.
    const values = windows.flatMap((w) => Array.from({ length: 10 }, (_, j) => (w + j) / 8));
    const tens = tenMinuteMeans({ startMs: START, intervalMinutes: 1, values: Float64Array.from(values) }).values;
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const meanOfMeans = tens.reduce((s, x) => s + x, 0) / tens.length;
    return tens.length === windows.length && Math.abs(mean - meanOfMeans) <= 1e-9 * Math.max(1, mean);
  }));
});
