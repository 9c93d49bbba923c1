/**
 * The report items computed from interval data and bills: consumption and cost against the same period
 * last year, the load profile, peak demand and load factor, power factor. Figures come from the Section 4
 * documents of the two periods (model.ts); charts are drawn by src/section4/svg-charts.ts.
 */
import { periodRangeMs } from '../core/period.js';
import { utcOffsetMs } from '../core/time-zone.js';
import { slotTime } from '../section4/render-csv.js';
import { barChart, lineChart } from '../section4/svg-charts.js';
import {
  at, comparison, emptyItem, fact, fmtChange, fmtNumber, fmtShare, fmtUsd, hasElectricData, isNum, NOT_AVAILABLE, numAt, objsAt, periodRow, strAt, unavailableItem,
  type Obj, type ReportItem, type ReportSources,
} from './model.js';
import type { Section4 } from '../section4/build.js';
import type { ReportPeriod } from './period.js';

const HOURS_PER_DAY = 24;
const PROFILE_TICK_HOURS = 3;
const DURATION_TICKS = [0, 25, 50, 75, 100];
const MINUTE_MS = 60 * 1000;
/** Monthly completeness is rounded to 4 decimals: enough to recover a month's present intervals exactly (< 5,000 expected). */
const COMPLETENESS_DECIMALS = 1e4;

const kwhText = (v: number | string): string => fmtNumber(v, 1, 'kWh');
const kwText = (v: number | string): string => fmtNumber(v, 1, 'kW');
const ratio = (v: number | string): string => fmtNumber(v, 3);

/** An instant as local wall-clock time in `timeZone`: "2025-10-14 15:45". */
export function localTime(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  return new Date(ms + utcOffsetMs(timeZone, ms)).toISOString().slice(0, 16).replace('T', ' ');
}

/** Bills whose billing period starts in the period (CONTRACT.md: the energy cost rule of `energyCostShare`). */
export function billsIn(doc: unknown, p: ReportPeriod): Obj[] {
  return objsAt(doc, 'billing', 'bills').filter((b) => typeof b.periodStart === 'string' && b.periodStart >= p.from && b.periodStart <= p.to);
}

/** Sum of the billed amounts in USD (to the cent), or null without bills. */
export function billedUsd(doc: unknown, p: ReportPeriod): number | null {
  const bills = billsIn(doc, p).filter((b) => isNum(b.amountUsd));
  if (bills.length === 0) return null;
  return bills.reduce((sum, b) => sum + Math.round((b.amountUsd as number) * 100), 0) / 100;
}

/**
 * The current tariff's total for the period from the rate comparison, or null while that is not available
 * or has a status (e.g. "no electric interval data", when its totals would be empty bills, not costs).
 */
export function rateCostUsd(doc: Section4): number | null {
  const rc = at(doc, 'rateComparison');
  if (strAt(rc, 'status') !== null || !hasElectricData(doc)) return null;
  const current = strAt(rc, 'current');
  const tariff = objsAt(rc, 'tariffs').find((t) => t.id === current);
  return tariff && isNum(tariff.totalUsd) ? tariff.totalUsd : null;
}

/**
 * Share of the period's intervals present: the months' present intervals (completeness x expected) over
 * their expected intervals, expected = local hours of the month x 60 / interval minutes (DST-aware).
 */
export function periodCompleteness(doc: unknown, timeZone: string): number | null {
  const intervalMinutes = numAt(doc, 'consumption', 'electric', 'intervalMinutes');
  const months = objsAt(doc, 'consumption', 'electric', 'monthly');
  if (intervalMinutes === null || months.length === 0) return null;
  let present = 0;
  let expected = 0;
  for (const m of months) {
    if (typeof m.month !== 'string' || !isNum(m.completeness)) return null;
    const [y, mo] = m.month.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    const { startMs, endMs } = periodRangeMs({ from: `${m.month}-01`, to: `${m.month}-${String(last).padStart(2, '0')}` }, timeZone);
    const e = Math.round((endMs - startMs) / (intervalMinutes * MINUTE_MS));
    present += Math.round(m.completeness * e);
    expected += e;
  }
  return expected > 0 ? Math.round((present / expected) * COMPLETENESS_DECIMALS) / COMPLETENESS_DECIMALS : null;
}

/** Sum of a gas or water quantity over the period, per unit (one line per unit). */
function otherTotals(doc: unknown, commodity: 'gas' | 'water'): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of objsAt(doc, 'consumption', commodity, 'monthly')) {
    if (!isNum(m.quantity) || typeof m.unit !== 'string') continue;
    out.set(m.unit, (out.get(m.unit) ?? 0) + m.quantity);
  }
  return out;
}

export function consumptionItem(s: ReportSources, timeZone: string): ReportItem {
  const item = emptyItem('consumption', 'Consumption and cost');
  const cur = periodRow(s.current, 'consumption', 'electric');
  const prev = periodRow(s.lastYear, 'consumption', 'electric');
  item.comparisons.push(
    comparison('energyKwh', 'Electric energy', numAt(cur, 'kwh'), numAt(prev, 'kwh'), kwhText),
    comparison('billedUsd', 'Billed cost', billedUsd(s.current, s.period), billedUsd(s.lastYear, s.previous), fmtUsd),
    comparison('rateCostUsd', 'Cost at the current rate (from interval data)', rateCostUsd(s.current), rateCostUsd(s.lastYear), fmtUsd),
  );
  for (const commodity of ['gas', 'water'] as const) {
    const a = otherTotals(s.current, commodity);
    const b = otherTotals(s.lastYear, commodity);
    for (const unit of new Set([...a.keys(), ...b.keys()])) {
      const round3 = (v: number | undefined) => (v === undefined ? null : Math.round(v * 1000) / 1000);
      item.comparisons.push(comparison(`${commodity}_${unit}`, commodity === 'gas' ? 'Gas' : 'Water', round3(a.get(unit)), round3(b.get(unit)), (v) => fmtNumber(v, 1, unit)));
    }
  }
  item.facts.push(
    fact('completeness', 'Interval data present, this period', periodCompleteness(s.current, timeZone), (v) => fmtShare(v)),
    fact('completenessLastYear', 'Interval data present, same period last year', periodCompleteness(s.lastYear, timeZone), (v) => fmtShare(v)),
  );
  const status = strAt(s.current, 'consumption', 'electric', 'status');
  if (status) item.notes.push(`Electric interval data: ${status}.`);
  item.notes.push('Billed cost: the bills whose billing period starts in the period. Cost at the current rate: the bill recomputed from interval data under the current tariff.');

  const monthly = objsAt(s.current, 'consumption', 'electric', 'monthly');
  const lastYearByMonth = new Map(objsAt(s.lastYear, 'consumption', 'electric', 'monthly').map((m) => [String(m.month).slice(5), m]));
  if (s.period.kind === 'month') {
    const daily = objsAt(s.current, 'consumption', 'electric', 'daily');
    if (daily.some((d) => isNum(d.kwh))) {
      item.charts.push({ title: 'Daily electric energy', svg: barChart(daily.map((d) => ({ label: String(d.date).slice(8), value: isNum(d.kwh) ? d.kwh : null })), {
        title: `Daily electric energy, ${s.period.label}`, yLabel: 'Energy (kWh)', xLabel: 'Day of the month', unit: 'kWh',
      }) });
    }
  } else if (monthly.some((m) => isNum(m.kwh))) {
    item.charts.push({ title: 'Monthly electric energy', svg: barChart(monthly.map((m) => ({ label: String(m.month), value: isNum(m.kwh) ? m.kwh : null })), {
      title: `Monthly electric energy, ${s.period.label}`, yLabel: 'Energy (kWh)', xLabel: 'Month', unit: 'kWh',
    }) });
  }
  if (monthly.length > 0) {
    item.tables.push({
      caption: 'Per month',
      columns: [{ label: 'Month' }, { label: 'Energy (kWh)', numeric: true }, { label: 'Same month last year (kWh)', numeric: true }, { label: 'Change', numeric: true },
        { label: 'Peak demand (kW)', numeric: true }, { label: 'Data present', numeric: true }],
      rows: monthly.map((m) => {
        const ly = lastYearByMonth.get(String(m.month).slice(5));
        return [String(m.month), fmtNumber(m.kwh, 1), fmtNumber(ly?.kwh, 1), fmtChange(m.kwh, ly?.kwh), fmtNumber(m.peakKw, 1), fmtShare(m.completeness)];
      }),
    });
  }
  return item;
}

/** Sample-weighted average of the months' average days: the average day of the whole period. */
function periodDayShape(months: Obj[], kind: 'weekday' | 'weekend', slots: number): (number | null)[] {
  const sum = new Float64Array(slots);
  const n = new Float64Array(slots);
  for (const m of months) {
    const kw = at(m, kind, 'kw');
    const samples = at(m, kind, 'samples');
    if (!Array.isArray(kw) || !Array.isArray(samples)) continue;
    for (let i = 0; i < slots; i++) {
      const v = kw[i];
      const c = samples[i];
      if (isNum(v) && isNum(c) && c > 0) {
        sum[i] = sum[i]! + v * c;
        n[i] = n[i]! + c;
      }
    }
  }
  return Array.from(sum, (v, i) => (n[i]! > 0 ? v / n[i]! : null));
}

export function loadProfileItem(s: ReportSources): ReportItem {
  const p = at(s.current, 'consumption', 'electric', 'profiles');
  const slots = numAt(p, 'slotsPerDay');
  if (slots === null || (numAt(p, 'samples') ?? 0) === 0) return unavailableItem('load-profile', 'Load profile', 'no electric interval data in this period');
  const item = emptyItem('load-profile', 'Load profile');
  const months = objsAt(p, 'monthly');
  const weekday = periodDayShape(months, 'weekday', slots);
  const weekend = periodDayShape(months, 'weekend', slots);
  const ticks = [];
  for (let h = 0; h < HOURS_PER_DAY; h += PROFILE_TICK_HOURS) ticks.push({ at: (h * slots) / HOURS_PER_DAY, label: slotTime((h * slots) / HOURS_PER_DAY, slots) });
  item.charts.push({ title: 'Average weekday and weekend day', svg: lineChart([{ name: 'Weekday', values: weekday }, { name: 'Weekend', values: weekend }], {
    title: `Average weekday and weekend day, ${s.period.label}`, yLabel: 'Average demand (kW)', xLabel: 'Local time', xTicks: ticks, xMin: 0, xMax: slots - 1, unit: 'kW',
  }) });
  const curve = objsAt(p, 'durationCurve').filter((d) => isNum(d.kw) && isNum(d.fraction));
  if (curve.length > 0) {
    item.charts.push({ title: 'Load-duration curve', svg: lineChart([{ name: 'Demand', values: curve.map((d) => d.kw as number) }], {
      title: 'Load-duration curve', yLabel: 'Demand (kW)', xLabel: 'Share of intervals at or above the demand (%)',
      x: curve.map((d) => (d.fraction as number) * 100), xMin: 0, xMax: 100, xTicks: DURATION_TICKS.map((t) => ({ at: t, label: `${t}%` })), unit: 'kW',
    }) });
  }
  const pct = numAt(p, 'baseloadPercentile');
  item.facts.push(
    fact('baseloadKw', `Baseload (${pct === null ? 'low percentile' : `${fmtNumber(pct, 0)}th percentile`} of interval demand)`, numAt(p, 'baseloadKw'), kwText),
    fact('peakToBase', 'Peak-to-base ratio', numAt(p, 'peakToBaseRatio'), (v) => fmtNumber(v, 2)),
    fact('intervals', 'Intervals with data', numAt(p, 'samples'), (v) => fmtNumber(v, 0)),
  );
  item.notes.push('Weekend: Saturday and Sunday in the site\'s time zone. Demand = interval kWh x 60 / interval minutes.');
  return item;
}

export function demandItem(s: ReportSources, timeZone: string): ReportItem {
  const cur = periodRow(s.current, 'consumption', 'electric');
  if (numAt(cur, 'peakKw') === null) return unavailableItem('demand', 'Peak demand and load factor', 'no electric interval data in this period');
  const item = emptyItem('demand', 'Peak demand and load factor');
  const prev = periodRow(s.lastYear, 'consumption', 'electric');
  const lf = periodRow(s.current, 'factors');
  const lfPrev = periodRow(s.lastYear, 'factors');
  item.comparisons.push(
    comparison('peakDemandKw', 'Peak demand', numAt(cur, 'peakKw'), numAt(prev, 'peakKw'), kwText),
    comparison('loadFactor', 'Load factor', numAt(lf, 'loadFactor'), numAt(lfPrev, 'loadFactor'), ratio),
  );
  item.facts.push(fact('peakAt', 'Peak interval starts (local time)', localTime(strAt(cur, 'peakAt'), timeZone), String));
  item.notes.push('Load factor = kWh / (peak kW x hours with data): average demand over peak demand.');
  const factorsByMonth = new Map(objsAt(s.current, 'factors', 'monthly').map((m) => [m.month, m]));
  const monthly = objsAt(s.current, 'consumption', 'electric', 'monthly');
  if (s.period.kind !== 'month' && monthly.length > 0) {
    item.tables.push({
      caption: 'Per month',
      columns: [{ label: 'Month' }, { label: 'Peak demand (kW)', numeric: true }, { label: 'Peak at (local time)' }, { label: 'Load factor', numeric: true }],
      rows: monthly.map((m) => [String(m.month), fmtNumber(m.peakKw, 1), localTime(typeof m.peakAt === 'string' ? m.peakAt : null, timeZone) ?? NOT_AVAILABLE, fmtNumber(factorsByMonth.get(m.month)?.loadFactor, 3)]),
    });
  }
  return item;
}

export function powerFactorItem(s: ReportSources): ReportItem {
  const row = periodRow(s.current, 'factors');
  const pf = numAt(row, 'powerFactor');
  if (pf === null) return unavailableItem('power-factor', 'Power factor', 'no kWh and kvarh interval data in this period');
  const item = emptyItem('power-factor', 'Power factor');
  item.comparisons.push(comparison('powerFactor', 'Average power factor', pf, numAt(periodRow(s.lastYear, 'factors'), 'powerFactor'), (v) => fmtNumber(v, 3)));
  const threshold = numAt(s.current, 'factors', 'powerFactorThreshold');
  item.facts.push(
    fact('direction', 'Lagging or leading', strAt(row, 'direction'), String),
    fact('powerFactorAtPeak', 'Power factor at the peak interval', numAt(row, 'powerFactorAtPeak'), (v) => fmtNumber(v, 3)),
    fact('belowThresholdShare', `Intervals below ${threshold === null ? 'the threshold' : fmtNumber(threshold, 2)}`, numAt(row, 'belowThresholdShare'), (v) => fmtShare(v)),
  );
  item.notes.push('Power factor = kWh / sqrt(kWh^2 + kvarh^2) over the period, from the meters that record both.');
  return item;
}
