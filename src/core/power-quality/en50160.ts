/**
 * EN 50160 §4.2.2 supply voltage variations (CONTRACT.md `powerQuality.voltage.en50160 {weeks,
 * compliantWeeks}`): in each week, at least 95 % of the 10-minute mean rms values within Un ± 10 %,
 * and all of them within Un +10 % / −15 %.
 *
 * Input: the 10-minute means of each phase (`tenMinuteMeans`, interruptions flagged out). Weeks are local
 * weeks from Monday (`localWeeks`). Each phase is assessed on its own, as the standard does per
 * conductor; a week complies when every phase with values complies, and its `withinShare` is the worst
 * phase's. A week is assessed on the values it has: a week with a few days of data is still a week with
 * voltage data, and `values` says how many 10-minute values it had (1,008 for a full week).
 */
import { share } from '../consumption.js';
import type { IntervalSeries } from '../series.js';
import { EN50160_MIN_SHARE, EN50160_RANGE, EN50160_WIDE_RANGE, limitV } from './limits.js';
import { localWeeks, WEEK_STARTS_ON } from './local-weeks.js';

export interface En50160Week {
  /** Local date of the week's Monday, `YYYY-MM-DD`. */
  weekStart: string;
  /** 10-minute windows with a value on some phase. */
  values: number;
  /** Share of values within Un ± 10 % of the worst phase, 4 decimals. */
  withinShare: number;
  /** Every phase has at least 95 % of its values within Un ± 10 %. */
  compliant: boolean;
  /** Every value of every phase within Un +10 % / −15 %. */
  withinWideRange: boolean;
}

export interface En50160Result {
  weekStartsOn: typeof WEEK_STARTS_ON;
  /** Minutes behind each value: 10, or the data's own interval when coarser (see ten-minute.ts). */
  basisMinutes: number;
  /** Weeks with voltage data. */
  weeks: number;
  compliantWeeks: number;
  weekly: En50160Week[];
}

/** `tenMinute`: per-phase 10-minute means, aligned with each other; `timeZone`: the site's IANA zone. */
export function en50160(tenMinute: readonly IntervalSeries[], nominalV: number, timeZone: string): En50160Result {
  const first = tenMinute[0]!;
  const { weekOf, weeks } = localWeeks(first, timeZone);
  const low = limitV(EN50160_RANGE.lowPu, nominalV);
  const high = limitV(EN50160_RANGE.highPu, nominalV);
  const wideLow = limitV(EN50160_WIDE_RANGE.lowPu, nominalV);
  const wideHigh = limitV(EN50160_WIDE_RANGE.highPu, nominalV);
  const nw = weeks.length;
  const np = tenMinute.length;
  // Per week and phase: values, within ±10 %, within the wide range.
  const values = new Float64Array(nw * np);
  const within = new Float64Array(nw * np);
  const wide = new Float64Array(nw * np);
  const windows = new Float64Array(nw);
  for (let i = 0; i < first.values.length; i++) {
    const w = weekOf[i]!;
    let any = false;
    for (let p = 0; p < np; p++) {
      const v = tenMinute[p]!.values[i]!;
      if (v !== v) continue;
      any = true;
      const k = w * np + p;
      values[k] = values[k]! + 1;
      if (v >= low && v <= high) within[k] = within[k]! + 1;
      if (v >= wideLow && v <= wideHigh) wide[k] = wide[k]! + 1;
    }
    if (any) windows[w] = windows[w]! + 1;
  }
  const weekly: En50160Week[] = [];
  for (let w = 0; w < nw; w++) {
    if (windows[w] === 0) continue;
    let worst = Infinity;
    let compliant = true;
    let allWide = true;
    for (let p = 0; p < np; p++) {
      const k = w * np + p;
      const nv = values[k]!;
      if (nv === 0) continue;
      worst = Math.min(worst, within[k]! / nv);
      // Compared in whole numbers: within / values >= 0.95 without rounding on the way.
      if (within[k]! * 100 < EN50160_MIN_SHARE * 100 * nv) compliant = false;
      if (wide[k] !== nv) allWide = false;
    }
    weekly.push({ weekStart: weeks[w]!.start, values: windows[w]!, withinShare: share(worst, 1), compliant, withinWideRange: allWide });
  }
  return {
    weekStartsOn: WEEK_STARTS_ON,
    basisMinutes: first.intervalMinutes,
    weeks: weekly.length,
    compliantWeeks: weekly.filter((w) => w.compliant).length,
    weekly,
  };
}
