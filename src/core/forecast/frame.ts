/**
 * The frame every forecast runs in, and the one way a model sees data: a HistoryView.
 *
 * A ForecastFrame is the local calendar of the interval grid (days, months, wall-clock slots, day types
 * with holidays) over the data AND the days and months to be forecast. It holds no readings, so sharing
 * it between origins leaks nothing.
 *
 * A HistoryView is the readings of intervals [0, origin): typed-array views (`subarray`) that END at the
 * origin. A model gets a view and a target, never the whole series, so data after the origin is out of
 * its reach by construction (a read past the end gives undefined, which the arithmetic turns into NaN,
 * not a future value); the backtest makes one view per origin, as the live forecast does for its own.
 */
import { KeymeterError } from '../../errors.js';
import { localCalendar, type LocalCalendar } from '../calendar.js';
import { MINUTE_MS, type IntervalSeries } from '../series.js';

/** Day type of a holiday: Sunday (0), so a holiday is forecast from, and teaches, the Sunday shape. */
export const HOLIDAY_DAY_TYPE = 0;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ForecastFrame {
  readonly cal: LocalCalendar;
  /** First interval of each calendar day; `dayStart[days.length]` = the frame's length. */
  readonly dayStart: Int32Array;
  /** First interval of each calendar month; `monthStart[months.length]` = the frame's length. */
  readonly monthStart: Int32Array;
  /** Per calendar day: 0 = Sunday .. 6 = Saturday, and HOLIDAY_DAY_TYPE for a holiday. */
  readonly dayType: Uint8Array;
  /** Per calendar day: 1 for a holiday. */
  readonly holiday: Uint8Array;
}

/**
 * The frame of `length` intervals of `intervalMinutes` from `startMs` (epoch ms UTC) in `timeZone`;
 * `holidays` are local dates `YYYY-MM-DD` (any order; dates outside the frame are ignored). Cost: one
 * localCalendar plus a pass over the intervals. Throws RangeError for a malformed date.
 */
export function forecastFrame(startMs: number, intervalMinutes: number, length: number, timeZone: string, holidays: Iterable<string> = []): ForecastFrame {
  // localCalendar reads only the shape of a series, never its values.
  const cal = localCalendar({ startMs, intervalMinutes, values: new Float64Array(length) }, timeZone);
  const holidaySet = new Set<string>();
  for (const h of holidays) {
    if (!LOCAL_DATE.test(h)) throw new RangeError(`a holiday must be a local date YYYY-MM-DD, got '${h}'`);
    holidaySet.add(h);
  }
  const dayStart = starts(cal.dayIndex, cal.days.length, length);
  const monthStart = starts(cal.monthIndex, cal.months.length, length);
  const dayType = new Uint8Array(cal.days.length);
  const holiday = new Uint8Array(cal.days.length);
  cal.days.forEach((d, k) => {
    const isHoliday = holidaySet.has(d.date);
    holiday[k] = isHoliday ? 1 : 0;
    dayType[k] = isHoliday ? HOLIDAY_DAY_TYPE : d.dayOfWeek;
  });
  return { cal, dayStart, monthStart, dayType, holiday };
}

/** First index of each unit in a non-decreasing per-interval index array (units with no interval start where the next does). */
function starts(index: Int32Array, units: number, length: number): Int32Array {
  const out = new Int32Array(units + 1).fill(length);
  for (let i = index.length - 1; i >= 0; i--) out[index[i]!] = i;
  for (let u = units - 1; u >= 0; u--) if (out[u]! > out[u + 1]!) out[u] = out[u + 1]!;
  return out;
}

/** What a model may see: readings of intervals [0, origin) of its frame. */
export interface HistoryView {
  readonly frame: ForecastFrame;
  /** Energy per interval (kWh), NaN = missing; `load.length` is the origin. */
  readonly load: Float64Array;
  /** Outdoor temperature per interval, °C, NaN = missing; same length as `load`, or undefined. */
  readonly temperatureC: Float64Array | undefined;
}

/**
 * The view of `load` (and `temperatureC`) up to `origin` (exclusive): subarrays of the caller's arrays,
 * no copy. The arrays are those of the whole frame or any prefix of it at least `origin` long.
 */
export function historyView(frame: ForecastFrame, load: Float64Array, temperatureC: Float64Array | undefined, origin: number): HistoryView {
  if (!Number.isInteger(origin) || origin < 0 || origin > load.length || origin > frame.cal.length) {
    throw new RangeError(`origin ${origin} is outside the data (0..${Math.min(load.length, frame.cal.length)})`);
  }
  if (temperatureC !== undefined && temperatureC.length < origin) throw new KeymeterError('KM_CORE_SHAPE', 'the temperature series is shorter than the load up to the origin');
  return { frame, load: load.subarray(0, origin), temperatureC: temperatureC?.subarray(0, origin) };
}

/**
 * A temperature series laid onto the load's grid: each of the `length` intervals from `startMs` gets the
 * value of the temperature interval that contains its start (a step function; hourly weather on a
 * 15-minute grid repeats each hour's value four times), NaN outside the temperature series. Per-interval
 * integer arithmetic, no Date.
 */
export function alignToGrid(temperature: IntervalSeries, startMs: number, intervalMinutes: number, length: number): Float64Array {
  const out = new Float64Array(length).fill(Number.NaN);
  const stepMs = intervalMinutes * MINUTE_MS;
  const tStepMs = temperature.intervalMinutes * MINUTE_MS;
  if (!(tStepMs > 0)) throw new RangeError(`temperature intervalMinutes must be positive, got ${temperature.intervalMinutes}`);
  const tv = temperature.values;
  for (let i = 0; i < length; i++) {
    const j = Math.floor((startMs + i * stepMs - temperature.startMs) / tStepMs);
    if (j >= 0 && j < tv.length) out[i] = tv[j]!;
  }
  return out;
}

/** @internal The frame's interval slots per local wall-clock hour: 60 / interval minutes (1 for 60-minute data). */
export function slotsPerHour(frame: ForecastFrame): number {
  return Math.max(1, Math.round(60 / frame.cal.intervalMinutes));
}
