/**
 * A stored forecast held against what the meters measured after it (GET /v1/accounts/{id}/forecast):
 * each day-ahead interval with the measured average kW, each forecast month with the measured kWh, peak
 * kW and completeness, and the accuracy of what can be scored so far, with the same metrics as the
 * backtest (ASHRAE Guideline 14 CV(RMSE) and NMBE, and MAPE; src/core/forecast/metrics.ts).
 *
 * Actuals are the account's effective kWh now (VEE edits and estimates included, as in Section 4), summed
 * over its electric meters at the common interval. Scoring rules:
 *  - day-ahead: on local hours (the backtest's basis), an hour scored only when all its intervals are
 *    measured; `withinBand` is the share of measured intervals inside the forecast's [low, high];
 *  - monthly: only months that have ended and whose data is at least MIN_MONTH_COMPLETENESS complete
 *    (a partial month's kWh is not comparable with a whole month's forecast).
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import { localCalendar } from '../core/calendar.js';
import { electricConsumption } from '../core/consumption.js';
import type { DayAheadPoint, MonthlyPoint } from '../core/forecast/forecast.js';
import { accuracy, type AccuracyMetrics } from '../core/forecast/metrics.js';
import { dayNumber } from '../core/period.js';
import type { Pool } from '../db/pool.js';
import type { ForecastRow } from '../db/queries/forecasts.js';
import { localToday } from '../section4/build.js';
import type { AccountForecast } from './compute.js';
import { accountKwh, dateOfDay } from './store.js';

/** A forecast month is scored once its data is this complete. */
export const MIN_MONTH_COMPLETENESS = 0.9;
const MINUTES_PER_HOUR = 60;

export interface Scored {
  /** Points scored (hours for the day ahead, months for the monthly forecast). */
  n: number;
  cvrmse: number | null;
  nmbe: number | null;
  mape: number | null;
}

export interface ForecastView {
  id: string;
  accountId: string;
  asOf: string;
  madeAt: string;
  madeBy: string;
  timeZone: string;
  historyFrom: string;
  intervalMinutes: number;
  holidays: string | null;
  holidayDecisions: AccountForecast['holidayDecisions'];
  temperatureMeterId: string | null;
  dayAhead: (DayAheadPoint & { actualKw: number | null })[];
  monthly: (MonthlyPoint & { actual: { kwh: number | null; peakKw: number | null; completeness: number; ended: boolean } })[];
  backtest: AccountForecast['backtest'];
  detail: AccountForecast['detail'];
  comparison: {
    /** Actuals as read now (RFC 3339). */
    readAt: string;
    /** Why actuals could not be matched, when they could not. */
    note: string | null;
    dayAhead: Scored & { intervals: number; withinBand: number | null };
    monthly: { kwh: Scored; peakKw: Scored };
  };
}

const r4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);
const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e3) / 1e3);
const scored = (m: AccuracyMetrics): Scored => ({ n: m.n, cvrmse: r4(m.cvrmse), nmbe: r4(m.nmbe), mape: r4(m.mape) });

/** Last local day of a `YYYY-MM` month. */
function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return dateOfDay(Date.UTC(y, m, 0) / 86_400_000);
}

export async function compareWithActuals(pool: Pool, bundle: AccountBundle, row: ForecastRow, nowMs: number): Promise<ForecastView> {
  const f = row.forecast as AccountForecast;
  const from = dateOfDay(dayNumber(row.asOf) + 1);
  const lastMonth = f.monthly[f.monthly.length - 1]?.month;
  const to = lastMonth !== undefined ? monthEnd(lastMonth) : from;
  const { kwh } = await accountKwh(pool, bundle, { from, to });
  const step = row.intervalMinutes;
  const matched = kwh !== undefined && kwh.intervalMinutes === step;
  const note = kwh === undefined
    ? 'the account has no electric interval data now'
    : matched ? null : `the account's meters now sum at ${kwh.intervalMinutes}-minute intervals, the forecast was made at ${step}: day-ahead intervals are not matched`;

  // Day ahead, per interval and per local hour (the day starts at local midnight and DST moves whole hours).
  const kwPerKwh = MINUTES_PER_HOUR / step;
  const perHour = MINUTES_PER_HOUR / step;
  const dayAhead = f.dayAhead.map((p) => {
    let actualKw: number | null = null;
    if (matched) {
      const i = (Date.parse(p.ts) - kwh.startMs) / (step * 60_000);
      const v = Number.isInteger(i) && i >= 0 && i < kwh.values.length ? kwh.values[i]! : Number.NaN;
      actualKw = v === v ? r3(v * kwPerKwh) : null;
    }
    return { ...p, actualKw };
  });
  const hours = Math.ceil(dayAhead.length / perHour);
  const actualH = new Float64Array(hours).fill(Number.NaN);
  const forecastH = new Float64Array(hours).fill(Number.NaN);
  let intervals = 0;
  let within = 0;
  for (let h = 0; h < hours; h++) {
    let a = 0;
    let p = 0;
    let ok = true;
    for (let j = h * perHour; j < Math.min((h + 1) * perHour, dayAhead.length); j++) {
      const d = dayAhead[j]!;
      if (d.actualKw === null || d.kw === null) {
        ok = false;
        continue;
      }
      a += d.actualKw;
      p += d.kw;
    }
    if (ok) {
      actualH[h] = a / perHour;
      forecastH[h] = p / perHour;
    }
  }
  for (const d of dayAhead) {
    if (d.actualKw === null || d.low === null || d.high === null) continue;
    intervals++;
    if (d.actualKw >= d.low && d.actualKw <= d.high) within++;
  }

  // Months: measured totals in the account's zone.
  const thisMonth = localToday(nowMs, row.timeZone).slice(0, 7);
  const measured = new Map<string, { kwh: number | null; peakKw: number | null; completeness: number }>();
  if (kwh) for (const m of electricConsumption(kwh, localCalendar(kwh, row.timeZone)).monthly) measured.set(m.month, m);
  const monthly = f.monthly.map((m) => {
    const a = measured.get(m.month);
    return { ...m, actual: { kwh: r3(a?.kwh ?? null), peakKw: r3(a?.peakKw ?? null), completeness: a?.completeness ?? 0, ended: m.month < thisMonth } };
  });
  const scoredMonths = monthly.filter((m) => m.actual.ended && m.actual.completeness >= MIN_MONTH_COMPLETENESS);
  const nan = (x: number | null): number => (x === null ? Number.NaN : x);

  return {
    id: row.id, accountId: row.accountId, asOf: row.asOf, madeAt: new Date(row.madeAtMs).toISOString(), madeBy: row.madeBy,
    timeZone: row.timeZone, historyFrom: row.historyFrom, intervalMinutes: step, holidays: f.holidays ?? null, holidayDecisions: f.holidayDecisions ?? [], temperatureMeterId: f.temperatureMeterId ?? null,
    dayAhead, monthly, backtest: f.backtest, detail: f.detail,
    comparison: {
      readAt: new Date(nowMs).toISOString(),
      note,
      dayAhead: { ...scored(accuracy(actualH, forecastH)), intervals, withinBand: intervals === 0 ? null : r4(within / intervals) },
      monthly: {
        kwh: scored(accuracy(scoredMonths.map((m) => nan(m.actual.kwh)), scoredMonths.map((m) => nan(m.kwh)))),
        peakKw: scored(accuracy(scoredMonths.map((m) => nan(m.actual.peakKw)), scoredMonths.map((m) => nan(m.peakKw)))),
      },
    },
  };
}
