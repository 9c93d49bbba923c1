/**
 * The recursion under the day-ahead model: exponentially weighted means of the load in each
 * time-of-week cell (day type × local wall-clock slot), updated one local day at a time, so that before
 * each day is added the sums give that day's one-step-ahead forecast from the days before it only.
 *
 * A weighted mean per cell is the weighted least-squares fit of a regression on time-of-week indicators
 * (the time-of-week part of the LBNL/CalTRACK hourly model); recency enters through the weights,
 * 2^(age / half-life). Weights are kept growing (day k of the window weighs 2^(k / half-life)) instead
 * of decaying every cell every day: only ratios are read, and a 112-day window with a 7-day half-life
 * tops out at 2^16.
 *
 * With temperature, each cell also keeps the sums of the change-point regression (temperature.ts), and
 * a prediction is the cell's intercept plus the regime's slopes times the interval's degree-hours.
 */
import type { HistoryView } from './frame.js';
import {
  TEMPERATURE_STATS, addObservation, cellIntercept, coolingDegrees, fitSlopes, heatingDegrees, type Slopes,
} from './temperature.js';

/**
 * How day types share cells: `week` has one per day of the week (holidays with Sunday); `workweek` pools
 * Monday–Friday (Saturday and Sunday/holiday apart); `day` pools every day (a load with no weekly
 * schedule, such as a household, gains from 7 times the samples per cell).
 */
export type DayGrouping = 'week' | 'workweek' | 'day';

/** @internal Cell group of a day type (0 = Sunday or holiday .. 6 = Saturday). */
export function groupOf(grouping: DayGrouping, dayType: number): number {
  if (grouping === 'week') return dayType;
  if (grouping === 'day') return 0;
  return dayType === 0 ? 0 : dayType === 6 ? 2 : 1;
}

export function groupCount(grouping: DayGrouping): number {
  return grouping === 'week' ? 7 : grouping === 'workweek' ? 3 : 1;
}

/** Change points of the temperature terms, °C. */
export interface BalancePoints {
  heatingC: number;
  coolingC: number;
}

/** @internal One smoother: cell sums for one grouping and half-life over one view. */
export class CellSmoother {
  readonly #view: HistoryView;
  readonly #grouping: DayGrouping;
  readonly #firstDay: number;
  readonly #halfLifeDays: number;
  readonly #slots: number;
  readonly #cells: number;
  readonly #sw: Float64Array;
  readonly #sy: Float64Array;
  readonly #slotW: Float64Array;
  readonly #slotY: Float64Array;
  readonly #temp: Float64Array | undefined;
  readonly #balance: BalancePoints | undefined;
  readonly #occupied: Uint8Array;
  #regimes: [Slopes, Slopes] = [{ heating: 0, cooling: 0 }, { heating: 0, cooling: 0 }];
  #regimesFresh = false;

  constructor(view: HistoryView, grouping: DayGrouping, halfLifeDays: number, firstDay: number, balance: BalancePoints | undefined) {
    this.#view = view;
    this.#grouping = grouping;
    this.#halfLifeDays = halfLifeDays;
    this.#firstDay = firstDay;
    this.#slots = view.frame.cal.slotsPerDay;
    this.#cells = groupCount(grouping) * this.#slots;
    this.#sw = new Float64Array(this.#cells);
    this.#sy = new Float64Array(this.#cells);
    this.#slotW = new Float64Array(this.#slots);
    this.#slotY = new Float64Array(this.#slots);
    this.#balance = view.temperatureC !== undefined ? balance : undefined;
    this.#temp = this.#balance !== undefined ? new Float64Array(this.#cells * TEMPERATURE_STATS) : undefined;
    this.#occupied = new Uint8Array(this.#cells);
  }

  get hasTemperature(): boolean {
    return this.#temp !== undefined;
  }

  /** Slopes of the unoccupied and occupied regimes as of the days added so far. */
  regimes(): [Slopes, Slopes] {
    if (this.#temp !== undefined && !this.#regimesFresh) {
      this.#regimes = fitSlopes(this.#temp, this.#cells, this.#occupied).regimes;
      this.#regimesFresh = true;
    }
    return this.#regimes;
  }

  /** Adds the present intervals of calendar day `day` that lie in the view. */
  addDay(day: number): void {
    const { frame, load, temperatureC } = this.#view;
    const { dayStart, dayType, cal } = frame;
    const slot = cal.slot;
    const w = 2 ** ((day - this.#firstDay) / this.#halfLifeDays);
    const base = groupOf(this.#grouping, dayType[day]!) * this.#slots;
    const end = Math.min(dayStart[day + 1]!, load.length);
    const sw = this.#sw;
    const sy = this.#sy;
    const slotW = this.#slotW;
    const slotY = this.#slotY;
    const temp = this.#temp;
    const balance = this.#balance;
    for (let i = dayStart[day]!; i < end; i++) {
      const y = load[i]!;
      if (y !== y) continue;
      const s = slot[i]!;
      const c = base + s;
      sw[c] = sw[c]! + w;
      sy[c] = sy[c]! + w * y;
      slotW[s] = slotW[s]! + w;
      slotY[s] = slotY[s]! + w * y;
      if (temp !== undefined && balance !== undefined) {
        const t = temperatureC![i]!;
        if (t === t) addObservation(temp, c * TEMPERATURE_STATS, w, y, heatingDegrees(t, balance.heatingC), coolingDegrees(t, balance.coolingC));
      }
    }
    this.#regimesFresh = false;
  }

  /**
   * Predicts `count` intervals of calendar day `day` from interval `first` (kWh per interval) into
   * `out` (without temperature) and `outTemp` (with it, from `temperatureC`, one value per interval; NaN
   * temperature or a cell with no temperature-matched sample falls back to the plain cell mean). A cell
   * with no sample falls back to the mean of its slot over all day types, and NaN when the slot has none.
   */
  predictDay(day: number, first: number, count: number, out: Float64Array, outAt: number, outTemp: Float64Array | undefined, temperatureC: Float64Array | undefined): void {
    const { dayType, cal } = this.#view.frame;
    const slot = cal.slot;
    const base = groupOf(this.#grouping, dayType[day]!) * this.#slots;
    const regimes = outTemp !== undefined ? this.regimes() : undefined;
    const sws = this.#sw;
    const sys = this.#sy;
    const slotW = this.#slotW;
    const slotY = this.#slotY;
    for (let j = 0; j < count; j++) {
      const s = slot[first + j]!;
      const c = base + s;
      const sw = sws[c]!;
      const p = sw > 0 ? sys[c]! / sw : slotW[s]! > 0 ? slotY[s]! / slotW[s]! : Number.NaN;
      out[outAt + j] = p;
      if (outTemp === undefined || regimes === undefined) continue;
      const t = temperatureC?.[j] ?? Number.NaN;
      const slopes = regimes[this.#occupied[c]!]!;
      const a = t === t ? cellIntercept(this.#temp!, c, slopes) : Number.NaN;
      outTemp[outAt + j] = a === a
        ? a + slopes.heating * heatingDegrees(t, this.#balance!.heatingC) + slopes.cooling * coolingDegrees(t, this.#balance!.coolingC)
        : p;
    }
  }
}

/**
 * The change points that fit the view's window best: for each pair of HEATING_BALANCE_C ×
 * COOLING_BALANCE_C, the weighted within-cell least squares of a `week` smoother with `halfLifeDays`
 * over days [firstDay, lastDay]; the pair with the smallest weighted SSE (CalTRACK chooses balance points
 * the same way, by best fit over a grid). Undefined without temperature samples.
 */
export function selectBalancePoints(view: HistoryView, firstDay: number, lastDay: number, halfLifeDays: number, heating: readonly number[], cooling: readonly number[]): BalancePoints | undefined {
  const { frame, load, temperatureC } = view;
  if (temperatureC === undefined) return undefined;
  const { dayStart, dayType, cal } = frame;
  const slots = cal.slotsPerDay;
  const cells = 7 * slots;
  const pairs: BalancePoints[] = [];
  for (const h of heating) for (const c of cooling) if (h <= c) pairs.push({ heatingC: h, coolingC: c });
  const stats = pairs.map(() => new Float64Array(cells * TEMPERATURE_STATS));
  let samples = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    const w = 2 ** ((day - firstDay) / halfLifeDays);
    const base = groupOf('week', dayType[day]!) * slots;
    const end = Math.min(dayStart[day + 1]!, load.length);
    for (let i = dayStart[day]!; i < end; i++) {
      const y = load[i]!;
      const t = temperatureC[i]!;
      if (y !== y || t !== t) continue;
      samples++;
      const at = (base + cal.slot[i]!) * TEMPERATURE_STATS;
      for (let p = 0; p < pairs.length; p++) {
        addObservation(stats[p]!, at, w, y, heatingDegrees(t, pairs[p]!.heatingC), coolingDegrees(t, pairs[p]!.coolingC));
      }
    }
  }
  if (samples === 0) return undefined;
  const occupied = new Uint8Array(cells);
  let best: BalancePoints | undefined;
  let bestSse = Infinity;
  for (let p = 0; p < pairs.length; p++) {
    const { sse } = fitSlopes(stats[p]!, cells, occupied);
    if (sse < bestSse) [best, bestSse] = [pairs[p], sse];
  }
  return best;
}
