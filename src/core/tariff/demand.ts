/**
 * Demand charges of a URDB rate per billing period: flat (facility) demand with its ratchet, TOU demand
 * and coincident demand, each billed on the peak kW in the period through its tiers.
 *
 * Demand of an interval = kWh x 60 / interval minutes (DESIGN.md "Domain facts"). The tariff's demand
 * window (OpenEI URDB `demandwindow`, default 15 minutes) sets the basis:
 * - series interval = window: each interval's kW;
 * - series interval finer than the window (5-minute data, 15-minute demand): fixed blocks of the window
 *   aligned to the local clock (xx:00, xx:15, ...), each block's kW = mean of its present intervals'
 *   kWh x 60 / interval minutes (a block with gaps is estimated from what is present, never read as
 *   zero; the period's completeness shows the gap). Rolling windows are not computed;
 * - series interval coarser than the window (hourly data, 15-minute demand): each interval's kW, which
 *   can only understate the peak; the result reports both minutes so a reader can see it.
 *
 * Decisions for periods that span two months (explicit bill periods): TOU and coincident periods are
 * found per interval from its own month's schedule row, and each period's peak is taken over the whole
 * billing period; flat demand, the ratchet and the kWh/kW tier basis use the month of the period's
 * first day (`BillingPeriod.monthOfYear`).
 */
import { KeymeterError } from '../../errors.js';
import type { BillingFrame } from './billing-frame.js';
import { tieredCost, toCents, toUsd, type TierTable } from './tiers.js';
import type { UrdbTariff } from './urdb-rate.js';

const MINUTES_PER_HOUR = 60;
/** OpenEI URDB `demandratchetpercentage`: the ratchet looks at the previous 11 months. */
const RATCHET_LOOKBACK_PERIODS = 11;

export interface DemandLine {
  /** 0-based period of the structure (URDB index). */
  period: number;
  /** Peak kW of the intervals in this demand period. */
  billingKw: number;
  usd: number;
}

export interface FlatDemandLine {
  /** 0-based period of flatdemandstructure for the billing period's month. */
  period: number;
  /** Highest demand-basis kW in the billing period, or null when no interval is present. */
  peakKw: number | null;
  /** Ratchet floor (fraction x highest peakKw of the previous billing periods), or null without a ratchet. */
  ratchetKw: number | null;
  /** Previous billing periods the ratchet could look at (up to 11; fewer at the start of the data). */
  ratchetHistoryPeriods: number;
  /** max(peakKw, ratchetKw), or null when both are null. */
  billingKw: number | null;
  usd: number;
}

export interface PeriodDemand {
  flat: FlatDemandLine | null;
  tou: DemandLine[];
  coincident: DemandLine[];
  flatUsd: number;
  touUsd: number;
  coincidentUsd: number;
}

/**
 * The demand basis of a frame for one window, with its per-period peaks: memoized per frame (a frame is
 * immutable and every tariff of a comparison bills the same one), so six tariffs with a 15-minute window
 * allocate one kW array, not six. The arrays are shared: callers only read them.
 */
const basisMemo = new WeakMap<BillingFrame, Map<number, { kw: Float64Array; basisMinutes: number; peaks: Float64Array }>>();

export function demandBasis(frame: BillingFrame, windowMinutes: number): { kw: Float64Array; basisMinutes: number; peaks: Float64Array } {
  let byWindow = basisMemo.get(frame);
  if (!byWindow) basisMemo.set(frame, (byWindow = new Map()));
  let hit = byWindow.get(windowMinutes);
  if (!hit) {
    const { kw, basisMinutes } = demandBasisKw(frame, windowMinutes);
    hit = { kw, basisMinutes, peaks: periodPeaks(frame, kw) };
    byWindow.set(windowMinutes, hit);
  }
  return hit;
}

/** Demand-basis kW per interval (NaN where unknown) and the minutes each value stands for. */
export function demandBasisKw(frame: BillingFrame, windowMinutes: number): { kw: Float64Array; basisMinutes: number } {
  const { values, intervalMinutes } = frame.kwh;
  const n = values.length;
  const kw = new Float64Array(n);
  const perHour = MINUTES_PER_HOUR / intervalMinutes;
  if (intervalMinutes >= windowMinutes) {
    for (let i = 0; i < n; i++) kw[i] = values[i]! * perHour;
    return { kw, basisMinutes: intervalMinutes };
  }
  if (windowMinutes % intervalMinutes !== 0) {
    throw new KeymeterError('KM_TARIFF_UNSUPPORTED', `demandwindow: a ${windowMinutes}-minute demand window cannot be built from ${intervalMinutes}-minute intervals`, {
      issues: [{ path: 'demandwindow', message: `not a multiple of the series interval (${intervalMinutes} min)` }],
    });
  }
  const { dayIndex, slot } = frame.calendar;
  const slotsPerWindow = windowMinutes / intervalMinutes;
  for (let i = 0; i < n;) {
    const day = dayIndex[i]!;
    const block = Math.floor(slot[i]! / slotsPerWindow);
    let end = i;
    let sum = 0;
    let present = 0;
    while (end < n && dayIndex[end] === day && Math.floor(slot[end]! / slotsPerWindow) === block) {
      const v = values[end]!;
      if (v === v) {
        sum += v;
        present++;
      }
      end++;
    }
    kw.fill(present > 0 ? (sum / present) * perHour : NaN, i, end);
    i = end;
  }
  return { kw, basisMinutes: windowMinutes };
}

/** Peak kW per billing period over all intervals (-Infinity where none is present). */
export function periodPeaks(frame: BillingFrame, kw: Float64Array): Float64Array {
  const peaks = new Float64Array(frame.periods.length).fill(-Infinity);
  const { periodIndex } = frame;
  for (let i = 0; i < kw.length; i++) {
    const v = kw[i]!;
    const p = periodIndex[i]!;
    if (p >= 0 && v > peaks[p]!) peaks[p] = v; // NaN compares false: skipped
  }
  return peaks;
}

/** Peak kW per (billing period, schedule period), row-major; -Infinity where none is present. */
function scheduledPeaks(frame: BillingFrame, kw: Float64Array, nPeriods: number, weekday: Int16Array, weekend: Int16Array): Float64Array {
  const peaks = new Float64Array(frame.periods.length * nPeriods).fill(-Infinity);
  const { periodIndex, scheduleCell, weekend: isWeekend } = frame;
  for (let i = 0; i < kw.length; i++) {
    const v = kw[i]!;
    const p = periodIndex[i]!;
    if (p < 0 || v !== v) continue;
    const cell = scheduleCell[i]!;
    const k = p * nPeriods + (isWeekend[i] === 1 ? weekend[cell]! : weekday[cell]!);
    if (v > peaks[k]!) peaks[k] = v;
  }
  return peaks;
}

function lines(peaks: Float64Array, p: number, tables: readonly TierTable[]): DemandLine[] {
  const out: DemandLine[] = [];
  const nPeriods = tables.length;
  for (let d = 0; d < nPeriods; d++) {
    const kw = peaks[p * nPeriods + d]!;
    if (kw === -Infinity) continue;
    out.push({ period: d, billingKw: kw, usd: toUsd(toCents(tieredCost(kw, tables[d]!))) });
  }
  return out;
}

/**
 * Demand charges of every billing period. `peaks` is periodPeaks of the same basis (it is also the
 * billing kW of kWh/kW energy tiers, so the caller computes it once).
 */
export function demandCharges(frame: BillingFrame, tariff: UrdbTariff, kw: Float64Array, peaks: Float64Array): PeriodDemand[] {
  const tou = tariff.touDemand;
  const touPeaks = tou ? scheduledPeaks(frame, kw, tou.periods.length, tou.weekday, tou.weekend) : null;
  const co = tariff.coincidentDemand;
  // OpenEI URDB gives one coincident schedule for all days: weekday and weekend use it alike.
  const coPeaks = co ? scheduledPeaks(frame, kw, co.periods.length, co.schedule, co.schedule) : null;
  return frame.periods.map((bp, p): PeriodDemand => {
    const touLines = tou && touPeaks ? lines(touPeaks, p, tou.periods) : [];
    const coLines = co && coPeaks ? lines(coPeaks, p, co.periods) : [];
    const flat = flatLine(tariff, peaks, p, bp.monthOfYear);
    const sum = (ls: DemandLine[]): number => toUsd(ls.reduce((c, l) => c + toCents(l.usd), 0));
    return { flat, tou: touLines, coincident: coLines, flatUsd: flat?.usd ?? 0, touUsd: sum(touLines), coincidentUsd: sum(coLines) };
  });
}

/**
 * Flat demand of billing period p. With a ratchet (OpenEI URDB `demandratchetpercentage`, a fraction
 * per month), billing kW = max(peak, fraction x highest peak of the previous 11 billing periods in the
 * data); periods before the data are unknown, so `ratchetHistoryPeriods` says how far it could look.
 */
function flatLine(tariff: UrdbTariff, peaks: Float64Array, p: number, monthOfYear: number): FlatDemandLine | null {
  const flat = tariff.flatDemand;
  if (!flat) return null;
  const period = flat.months[monthOfYear]!;
  const peak = peaks[p]! === -Infinity ? null : peaks[p]!;
  let ratchetKw: number | null = null;
  let history = 0;
  if (tariff.ratchet) {
    let highest = -Infinity;
    for (let q = Math.max(0, p - RATCHET_LOOKBACK_PERIODS); q < p; q++) {
      history++;
      if (peaks[q]! > highest) highest = peaks[q]!;
    }
    ratchetKw = highest === -Infinity ? null : tariff.ratchet[monthOfYear]! * highest;
  }
  const billingKw = peak === null && ratchetKw === null ? null : Math.max(peak ?? -Infinity, ratchetKw ?? -Infinity);
  const usd = billingKw === null ? 0 : toUsd(toCents(tieredCost(billingKw, flat.periods[period]!)));
  return { period, peakKw: peak, ratchetKw, ratchetHistoryPeriods: history, billingKw, usd };
}
