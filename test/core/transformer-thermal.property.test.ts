import fc from 'fast-check';
import t from 'tap';
import type { IntervalSeries } from '../../src/core/series.js';
import { agingAccelerationFactor, THERMAL_DEFAULTS, transformerThermal, type OilCoolingClass } from '../../src/core/transformer-thermal.js';

const START = Date.UTC(2025, 0, 6);
const CLASSES: OilCoolingClass[] = ['ONAN', 'ONAF', 'OFAF', 'ODAF'];
/** Per-unit loads 0..1.6 or missing, on 15- or 60-minute intervals, up to 3 days. */
const loadArb = fc.record({
  cooling: fc.constantFrom(...CLASSES),
  intervalMinutes: fc.constantFrom(15, 60),
  ambientC: fc.integer({ min: -20, max: 45 }),
  values: fc.array(fc.oneof({ weight: 6, arbitrary: fc.double({ min: 0, max: 1.6, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) }), { minLength: 1, maxLength: 300 }),
});

t.test('F_EQA lies between the smallest and largest F_AA, and loss of life is F_EQA x hours', async (t) => {
  fc.assert(fc.property(loadArb, ({ cooling, intervalMinutes, ambientC, values }) => {
    const load: IntervalSeries = { startMs: START, intervalMinutes, values: Float64Array.from(values) };
    const r = transformerThermal(load, THERMAL_DEFAULTS[cooling], { ambientC });
    if (r.equivalentAgingFactor === null) return values.every((v) => Number.isNaN(v));
    const hours = r.hourly.agingFactor.filter((x) => !Number.isNaN(x));
    const lo = Math.min(...hours);
    const hi = Math.max(...hours);
    const eps = 1e-9 * Math.max(1, hi);
    return r.equivalentAgingFactor >= lo - eps
      && r.equivalentAgingFactor <= hi + eps
      && r.equivalentAgingFactor <= agingAccelerationFactor(r.peakHotSpotC!) * (1 + 1e-9)
      && Math.abs(r.lossOfLifeHours - r.equivalentAgingFactor * r.hours) <= 1e-9 * Math.max(1, r.lossOfLifeHours);
  }));
});

t.test('more load never ages the insulation less', async (t) => {
  fc.assert(fc.property(loadArb, fc.double({ min: 1, max: 1.5, noNaN: true }), ({ cooling, intervalMinutes, ambientC, values }, factor) => {
    const base: IntervalSeries = { startMs: START, intervalMinutes, values: Float64Array.from(values) };
    const more: IntervalSeries = { ...base, values: base.values.map((v) => v * factor) };
    const a = transformerThermal(base, THERMAL_DEFAULTS[cooling], { ambientC });
    const b = transformerThermal(more, THERMAL_DEFAULTS[cooling], { ambientC });
    if (a.equivalentAgingFactor === null) return b.equivalentAgingFactor === null;
    return b.equivalentAgingFactor! >= a.equivalentAgingFactor * (1 - 1e-12) && b.peakHotSpotC! >= a.peakHotSpotC! - 1e-9;
  }));
});

t.test('F_AA rises with the hot spot', async (t) => {
  fc.assert(fc.property(fc.double({ min: -40, max: 250, noNaN: true }), fc.double({ min: 0.001, max: 50, noNaN: true }), (theta, d) => (
    agingAccelerationFactor(theta + d) > agingAccelerationFactor(theta)
  )));
});
