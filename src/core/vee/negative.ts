/**
 * VEE rule `negative`: an energy or volume interval below zero. Delivered and received energy are
 * separate channels (kwh_del, kwh_rec), each counting up, so neither can be negative; a negative
 * interval is a meter, register-rollover or head-end error. Runs on cumulative kinds only
 * (channels.ts `isCumulativeKind`): a kvar or a current may well be negative.
 */
import type { IntervalSeries } from '../series.js';
import { detailNumber, type VeeFlag } from './flags.js';

/** Flags every present reading below 0. Detail: `value`. */
export function negativeFlags(series: IntervalSeries): VeeFlag[] {
  const { values } = series;
  const flags: VeeFlag[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) flags.push({ index: i, rule: 'negative', detail: { value: detailNumber(v) } });
  }
  return flags;
}
