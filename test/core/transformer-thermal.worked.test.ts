import t, { type Test } from 'tap';
import type { IntervalSeries } from '../../src/core/series.js';
import {
  agingAccelerationFactor, loadPerUnit, NORMAL_INSULATION_LIFE_H, THERMAL_DEFAULTS, thermalParameters, transformerThermal,
} from '../../src/core/transformer-thermal.js';

// Worked by hand; the arithmetic is in the comments. IEEE C57.91: θ_H = θ_A + Δθ_TO + Δθ_H,
// Δθ_TO,U = Δθ_TO,R ((K² R + 1)/(R + 1))^n, Δθ_H,U = Δθ_H,R K^(2m), F_AA = exp(15000/383 − 15000/(θ_H + 273)).
const START = Date.parse('2025-07-01T00:00:00Z');
const ONAN = THERMAL_DEFAULTS.ONAN; // 55 °C, 25 °C, R 3.2, n 0.8, m 0.8, τ_TO 180 min, τ_w 5 min
const hourly = (values: number[]): IntervalSeries => ({ startMs: START, intervalMinutes: 60, values: Float64Array.from(values) });

function near(t: Test, actual: number | null, expected: number, tolerance: number, what: string): void {
  t.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≈ ${expected} (±${tolerance})`);
}

t.test('F_AA: 1 at 110 °C, about 2.71 at 120 °C', async (t) => {
  // 110 °C: 15000/383 − 15000/(110 + 273) = 0 exactly -> e^0 = 1.
  t.equal(agingAccelerationFactor(110), 1);
  // 120 °C: 15000/383 = 39.164491 (383 x 39 = 14,937; 63/383 = 0.164491)
  //         15000/393 = 38.167939 (393 x 38 = 14,934; 66/393 = 0.167939)
  //         difference 0.996552; e^0.996552 = e x e^-0.003448 = 2.718282 x 0.996558 = 2.708926
  near(t, agingAccelerationFactor(120), 2.7089, 0.0001, 'F_AA(120)');
  // 100 °C: 15000/373 = 40.214477; 39.164491 − 40.214477 = −1.049986; e^-1.05 = 0.349938
  near(t, agingAccelerationFactor(100), 0.3499, 0.0001, 'F_AA(100)');
});

t.test('steady rated load K = 1 reaches the rated rises after many time constants', async (t) => {
  // 6 h at K = 0.5, then 24 h at K = 1 (8 oil time constants). Rated: top oil 30 + 55 = 85 °C, hot spot
  // 85 + 25 = 110 °C, F_AA = 1. What is left of the step after 24 h: at K = 0.5 the top-oil rise is
  // 55 x ((0.25 x 3.2 + 1)/4.2)^0.8 = 55 x 0.428571^0.8; ln 0.428571 = −0.847298, x 0.8 = −0.677838,
  // e^-0.677838 = 0.507705 -> 27.9238 °C; (55 − 27.9238) x e^-8 = 27.0762 x 0.00033546 = 0.0091 °C.
  // The winding (τ_w = 5 min) is at its 25 °C long before.
  const load = hourly([...Array(6).fill(0.5), ...Array(24).fill(1)]);
  const r = transformerThermal(load, ONAN, { ambientC: 30 });
  near(t, r.hourly.topOilC[29]!, 85 - 0.0091, 0.0001, 'top oil after 24 h at K = 1');
  near(t, r.hourly.hotSpotC[29]!, 110 - 0.0091, 0.0001, 'hot spot after 24 h at K = 1');
  near(t, r.hourly.agingFactor[29]!, 0.999, 0.001, 'F_AA of the last hour, just under 1');
  t.equal(r.hours, 30);
  t.equal(r.hoursAboveNameplate, 0, 'K = 1 is not above nameplate');
});

t.test('K = 1 from the start: F_EQA = 1, loss of life = the hours', async (t) => {
  // The model starts in steady state at the first load, so every instant is at 110 °C.
  const r = transformerThermal(hourly(Array(48).fill(1)), ONAN);
  near(t, r.equivalentAgingFactor, 1, 1e-9, 'F_EQA');
  near(t, r.lossOfLifeHours, 48, 1e-7, 'loss of life, h');
  near(t, r.lossOfLifeShare, 48 / NORMAL_INSULATION_LIFE_H, 1e-12, 'share of 180,000 h');
  near(t, r.peakHotSpotC, 110, 1e-9, 'peak hot spot');
  near(t, r.peakTopOilC, 85, 1e-9, 'peak top oil');
});

t.test('a step from no load to K = 1: one oil time constant later the top oil has made 63.2 % of the step', async (t) => {
  // Start (K = 0): Δθ_TO = 55 x (1/4.2)^0.8; ln 4.2 = 1.435085, x 0.8 = 1.148068, e^-1.148068 = 0.367879 x 0.862373
  //   = 0.317249 -> 17.4487 °C. Δθ_H = 25 x 0^1.6 = 0.
  // After 3 h = 180 min = τ_TO at K = 1: 55 + (17.4487 − 55) e^-1 = 55 − 37.5513 x 0.367879 = 55 − 13.8143 = 41.1857 °C,
  //   top oil 30 + 41.1857 = 71.1857 °C; Δθ_H = 25 (1 − e^-36) = 25 -> hot spot 96.1857 °C.
  const r = transformerThermal(hourly([0, 1, 1, 1]), ONAN, { ambientC: 30 });
  near(t, r.hourly.topOilC[0]!, 30 + 17.4487, 0.001, 'top oil at no load');
  near(t, r.hourly.topOilC[3]!, 71.1857, 0.001, 'top oil after one oil time constant');
  near(t, r.hourly.hotSpotC[3]!, 96.1857, 0.001, 'hot spot after one oil time constant');
});

t.test('K = 1.2 held: hot spot, aging and hours above nameplate', async (t) => {
  // Δθ_TO,U = 55 x ((1.44 x 3.2 + 1)/4.2)^0.8 = 55 x (5.608/4.2)^0.8 = 55 x 1.335238^0.8;
  //   ln 1.335238 = 0.289109, x 0.8 = 0.231287, e^0.231287 = 1.260221 -> 69.312 °C
  // Δθ_H,U = 25 x 1.2^1.6; ln 1.2 = 0.182322, x 1.6 = 0.291715, e^0.291715 = 1.338722 -> 33.468 °C
  // θ_H = 30 + 69.312 + 33.468 = 132.780 °C
  // F_AA = exp(39.164491 − 15000/405.780) = exp(39.164491 − 36.965844) = e^2.198647 = 9.025013 x e^-0.001353 = 9.01281
  const r = transformerThermal(hourly(Array(24).fill(1.2)), ONAN, { ambientC: 30 });
  near(t, r.peakHotSpotC, 132.78, 0.005, 'hot spot');
  near(t, r.equivalentAgingFactor, 9.0128, 0.005, 'F_EQA');
  near(t, r.lossOfLifeHours, 24 * 9.0128, 0.12, 'loss of life, h');
  t.equal(r.hoursAboveNameplate, 24);
  near(t, r.hoursHotSpotAboveReference, 24, 1e-9, 'hours with the hot spot above 110 °C');
  t.equal(r.peakLoadPu, 1.2);
  t.equal(r.peakHotSpotAt, '2025-07-01T00:00:00Z', 'the first interval on a tie');
});

t.test('missing load: held for the thermal state, left out of hours and aging', async (t) => {
  // 15-minute K: 0.5, 1.1, NaN, 1.3 -> 3 intervals with data = 0.75 h; above nameplate: 1.1 and 1.3 = 0.5 h.
  const s: IntervalSeries = { startMs: START, intervalMinutes: 15, values: Float64Array.of(0.5, 1.1, NaN, 1.3) };
  const r = transformerThermal(s, ONAN);
  t.equal(r.hours, 0.75);
  t.equal(r.hoursAboveNameplate, 0.5);
  t.equal(r.hourly.loadPu.length, 1);
  near(t, r.hourly.loadPu[0]!, (0.5 + 1.1 + 1.3) / 3, 1e-12, 'mean load of the hour');
  const none = transformerThermal({ startMs: START, intervalMinutes: 15, values: Float64Array.of(NaN, NaN) }, ONAN);
  t.strictSame([none.equivalentAgingFactor, none.lossOfLifeHours, none.peakHotSpotC, none.peakHotSpotAt, none.hours], [null, 0, null, null, 0]);
});

t.test('ambient from a series, with the fallback where it has no value', async (t) => {
  // K = 1 throughout: θ_H = ambient + 80. First 12 h at 20 °C (θ_H 100, F_AA 0.349938), then NaN -> 30 °C (F_AA 1).
  // F_EQA = (12 x 0.349938 + 12 x 1)/24 = 0.674969, less a trapezoid over the one 1-minute substep at the change:
  // (1 − (0.349938 + 1)/2) x (1/60) h / 24 h = 0.000226 -> 0.674743.
  const ambient: IntervalSeries = { startMs: START, intervalMinutes: 60, values: Float64Array.from([...Array(12).fill(20), ...Array(12).fill(NaN)]) };
  const r = transformerThermal(hourly(Array(24).fill(1)), ONAN, { ambientC: ambient, fallbackAmbientC: 30 });
  near(t, r.equivalentAgingFactor, 0.674743, 1e-5, 'F_EQA');
  near(t, r.hourly.hotSpotC[0]!, 100, 1e-9, 'hot spot at 20 °C');
  near(t, r.hourly.hotSpotC[23]!, 110, 1e-9, 'hot spot at 30 °C');
});

t.test('parameters: class defaults, aliases, overrides, dry type', async (t) => {
  t.strictSame(thermalParameters(undefined), THERMAL_DEFAULTS.ONAN, 'no cooling given: ONAN');
  t.strictSame(thermalParameters('FA'), THERMAL_DEFAULTS.ONAF, 'ANSI FA is ONAF');
  t.strictSame(thermalParameters('FOA'), THERMAL_DEFAULTS.OFAF);
  t.strictSame(thermalParameters('ODWF'), THERMAL_DEFAULTS.ODAF);
  // The bundle example's thermal block overrides every field but leaves none undefined.
  t.strictSame(thermalParameters('ONAN', { topOilRiseC: 55, hotSpotGradientC: 25, lossRatio: 4.87, n: 0.8, m: 0.8, oilTimeConstantMin: 210, windingTimeConstantMin: 7 }),
    { topOilRiseC: 55, hotSpotGradientC: 25, lossRatio: 4.87, n: 0.8, m: 0.8, oilTimeConstantMin: 210, windingTimeConstantMin: 7 });
  t.strictSame(thermalParameters('ONAF', { lossRatio: 5, n: undefined }), { ...THERMAL_DEFAULTS.ONAF, lossRatio: 5 });
  t.equal(thermalParameters('AN'), null, 'dry type: not a C57.91 transformer');
  t.throws(() => thermalParameters('ONAN', { n: -1 }), RangeError);
});

t.test('load per unit from kWh and kvarh', async (t) => {
  // 15 minutes: 400 kWh -> 1,600 kW; 300 kvarh -> 1,200 kvar; 2,000 kVA / 1,500 kVA = 1.3333 pu.
  // Without kvarh: 1,600 / 1,500 = 1.0667. NaN stays NaN.
  const kwh: IntervalSeries = { startMs: START, intervalMinutes: 15, values: Float64Array.of(400, NaN) };
  const kvarh: IntervalSeries = { startMs: START, intervalMinutes: 15, values: Float64Array.of(300, 10) };
  const k = loadPerUnit(kwh, kvarh, 1500).values;
  near(t, k[0]!, 2000 / 1500, 1e-12, 'with kvarh');
  t.ok(Number.isNaN(k[1]!));
  near(t, loadPerUnit(kwh, undefined, 1500).values[0]!, 1600 / 1500, 1e-12, 'without kvarh');
  t.throws(() => loadPerUnit(kwh, { ...kvarh, startMs: START + 1 }, 1500), { code: 'KM_CORE_SHAPE' });
});
