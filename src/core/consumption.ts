/**
 * Consumption history (Section 4 item 1, CONTRACT.md `consumption`): daily, monthly and yearly totals of
 * an energy or volume series in the site's local calendar, and for electric kWh the peak demand of each
 * month and year with the start of its interval.
 *
 * NaN intervals are skipped: a total is the sum of the present intervals, and a unit with no present
 * interval has `null`, never 0. `completeness` = present / expected intervals of the whole calendar unit
 * (LocalCalendar), rounded to 4 decimals, so a total over a gap is read beside how much of the unit it covers.
 *
 * With a quality mask (src/core/vee/quality.ts: the effective values' actual / estimated / edited per
 * interval) each total also says how much of it is estimated: `estimated` present intervals and
 * `estimatedShare` = estimated / present (4 decimals; 0 when none is present). Without a mask the results
 * are exactly what they were before VEE, with neither field.
 */
import { KeymeterError } from '../errors.js';
import type { LocalCalendar } from './calendar.js';
import { demandKw, intervalStartMs, type IntervalSeries } from './series.js';
import { isoUtc } from './time-zone.js';
import { QUALITY_ESTIMATED } from './vee/quality.js';

/** Shares (completeness) are rounded to 4 decimals: 0.01 % is finer than any meter's data gaps matter. */
const SHARE_DECIMALS = 1e4;

/** @internal present / expected rounded to 4 decimals; 0 when nothing is expected (a day skipped by the zone). */
export function share(present: number, expected: number): number {
  return expected > 0 ? Math.round((present / expected) * SHARE_DECIMALS) / SHARE_DECIMALS : 0;
}

/** A total over one calendar unit. */
export interface PeriodQuantity {
  /** Sum of the present intervals (the series' unit: kWh, therm, gal ...), or null when none is present. */
  quantity: number | null;
  /** Present (non-NaN) intervals. */
  present: number;
  /** Intervals of the whole local unit (LocalCalendar). */
  expected: number;
  /** present / expected, 4 decimals. */
  completeness: number;
  /** With a quality mask only: present intervals whose value is estimated. */
  estimated?: number;
  /** With a quality mask only: estimated / present, 4 decimals (0 when none is present). */
  estimatedShare?: number;
}

export interface ConsumptionTotals {
  daily: (PeriodQuantity & { date: string })[];
  monthly: (PeriodQuantity & { month: string })[];
  annual: (PeriodQuantity & { year: number })[];
}

/** @internal Throws KM_CORE_SHAPE unless `cal` was built for a series with the same start, interval and length. */
export function assertCalendarFits(cal: LocalCalendar, s: IntervalSeries): void {
  if (cal.startMs !== s.startMs || cal.intervalMinutes !== s.intervalMinutes || cal.length !== s.values.length) {
    throw new KeymeterError('KM_CORE_SHAPE', 'the calendar was built for another series (start, interval and length must match)');
  }
}

/**
 * Daily, monthly and yearly totals of an energy or volume series (kWh, kvarh, therm, ccf, m3, gal:
 * the interval holds the quantity of [start, start + interval)), each interval in the local day of its
 * START. One pass over the values; allocates per day and month, not per interval. Monthly totals are the
 * sums of the daily totals and yearly of the monthly, so the levels agree exactly.
 */
export function consumptionTotals(series: IntervalSeries, cal: LocalCalendar, quality?: Uint8Array): ConsumptionTotals {
  assertCalendarFits(cal, series);
  if (quality !== undefined && quality.length !== series.values.length) throw new KeymeterError('KM_CORE_SHAPE', 'the quality mask must have one code per interval');
  const { values } = series;
  const { dayIndex, days, months, years } = cal;
  const daySum = new Float64Array(days.length);
  const dayPresent = new Int32Array(days.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue; // NaN: missing
    const d = dayIndex[i]!;
    daySum[d] = daySum[d]! + v;
    dayPresent[d] = dayPresent[d]! + 1;
  }
  // A second pass only with a mask, so the loop above stays what it was without one.
  const dayEstimated = quality === undefined ? undefined : new Int32Array(days.length);
  if (quality !== undefined && dayEstimated !== undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === v && quality[i] === QUALITY_ESTIMATED) dayEstimated[dayIndex[i]!]!++;
    }
  }
  const monthSum = new Float64Array(months.length);
  const monthPresent = new Int32Array(months.length);
  const monthEstimated = new Int32Array(months.length);
  const daily = days.map((day, d) => {
    monthSum[day.month] = monthSum[day.month]! + daySum[d]!;
    monthPresent[day.month] = monthPresent[day.month]! + dayPresent[d]!;
    if (dayEstimated) monthEstimated[day.month] = monthEstimated[day.month]! + dayEstimated[d]!;
    return { date: day.date, ...period(daySum[d]!, dayPresent[d]!, day.expected, dayEstimated?.[d]) };
  });
  const yearSum = new Float64Array(years.length);
  const yearPresent = new Int32Array(years.length);
  const yearEstimated = new Int32Array(years.length);
  const y0 = years[0]?.year ?? 0;
  const monthly = months.map((m, mi) => {
    yearSum[m.year - y0] = yearSum[m.year - y0]! + monthSum[mi]!;
    yearPresent[m.year - y0] = yearPresent[m.year - y0]! + monthPresent[mi]!;
    yearEstimated[m.year - y0] = yearEstimated[m.year - y0]! + monthEstimated[mi]!;
    return { month: m.month, ...period(monthSum[mi]!, monthPresent[mi]!, m.expected, dayEstimated ? monthEstimated[mi] : undefined) };
  });
  const annual = years.map((y, yi) => ({ year: y.year, ...period(yearSum[yi]!, yearPresent[yi]!, y.expected, dayEstimated ? yearEstimated[yi] : undefined) }));
  return { daily, monthly, annual };
}

function period(sum: number, present: number, expected: number, estimated?: number): PeriodQuantity {
  const p: PeriodQuantity = { quantity: present > 0 ? sum : null, present, expected, completeness: share(present, expected) };
  if (estimated !== undefined) {
    p.estimated = estimated;
    p.estimatedShare = share(estimated, present);
  }
  return p;
}

/** Index of the peak interval of each month and year (-1 where no interval is present). */
export interface PeakIndexes {
  monthly: Int32Array;
  annual: Int32Array;
}

/**
 * The interval of highest demand in each local month and year of a kWh series: kW is kWh x 60 /
 * interval minutes (DESIGN.md "Domain facts"), increasing in kWh, so the largest present kWh. On a tie
 * the earliest interval is the peak. NaN is skipped.
 */
export function peakIndexes(kwh: IntervalSeries, cal: LocalCalendar): PeakIndexes {
  assertCalendarFits(cal, kwh);
  const { values } = kwh;
  const { monthIndex, months, years } = cal;
  const monthly = new Int32Array(months.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    const m = monthIndex[i]!;
    const p = monthly[m]!;
    if (p < 0 || v > values[p]!) monthly[m] = i;
  }
  const annual = new Int32Array(years.length).fill(-1);
  const y0 = years[0]?.year ?? 0;
  for (let m = 0; m < months.length; m++) {
    const p = monthly[m]!;
    const y = months[m]!.year - y0;
    const q = annual[y]!;
    if (p >= 0 && (q < 0 || values[p]! > values[q]!)) annual[y] = p;
  }
  return { monthly, annual };
}

/** Peak demand of a period: kW of the peak interval and the START of that interval (RFC 3339 UTC `...Z`). */
export interface PeakDemand {
  peakKw: number | null;
  peakAt: string | null;
}

export interface ElectricPeriod extends PeakDemand {
  /** kWh of the present intervals, or null. */
  kwh: number | null;
  present: number;
  expected: number;
  completeness: number;
  /** With a quality mask only (consumptionTotals). */
  estimated?: number;
  estimatedShare?: number;
}

/** CONTRACT.md `consumption.electric`: `monthly[] {month, kwh, peakKw, peakAt, completeness}` and more. */
export interface ElectricConsumption {
  intervalMinutes: number;
  daily: { date: string; kwh: number | null; present: number; expected: number; completeness: number; estimated?: number; estimatedShare?: number }[];
  monthly: (ElectricPeriod & { month: string })[];
  annual: (ElectricPeriod & { year: number })[];
  /** Indexes of the peak intervals, for power factor at peak. */
  peaks: PeakIndexes;
}

/**
 * Electric consumption of a kWh series (kwh_del): the totals of consumptionTotals with the peak demand
 * of each month and year (peakKw = the maximum interval kW, peakAt = the start of that interval). With a
 * quality mask each total also carries `estimated` and `estimatedShare` (consumptionTotals).
 */
export function electricConsumption(kwh: IntervalSeries, cal: LocalCalendar, quality?: Uint8Array): ElectricConsumption {
  const totals = consumptionTotals(kwh, cal, quality);
  const peaks = peakIndexes(kwh, cal);
  const peak = (p: number): PeakDemand => (p < 0
    ? { peakKw: null, peakAt: null }
    : { peakKw: demandKw(kwh.values[p]!, kwh.intervalMinutes), peakAt: isoUtc(intervalStartMs(kwh, p)) });
  const electric = ({ quantity, present, expected, completeness, estimated, estimatedShare }: PeriodQuantity) => ({
    kwh: quantity, present, expected, completeness, ...(estimated === undefined ? {} : { estimated, estimatedShare }),
  });
  return {
    intervalMinutes: kwh.intervalMinutes,
    daily: totals.daily.map((d) => ({ date: d.date, ...electric(d) })),
    monthly: totals.monthly.map((m, mi) => ({ month: m.month, ...electric(m), ...peak(peaks.monthly[mi]!) })),
    annual: totals.annual.map((y, yi) => ({ year: y.year, ...electric(y), ...peak(peaks.annual[yi]!) })),
    peaks,
  };
}
