/**
 * The VEE rules that apply to a channel, run together over one series (src/vee/run.ts feeds it a
 * channel's raw readings with context around what a batch touched):
 *
 * | rule | channels | module |
 * |---|---|---|
 * | `gap` | all | gaps.ts |
 * | `spike` | all | spikes.ts |
 * | `negative` | energy and volume (kwh_*, kvarh_*, gas, water) | negative.ts |
 * | `zero_run` | all | zero-runs.ts |
 * | `kwh_kw` | kwh_del, when the meter also has a kw channel whose interval divides it | kwh-kw.ts |
 * | `register_sum` | kwh_del, when a register channel exists (none in the data model yet) | register-sums.ts |
 */
import { isCumulativeKind, type ChannelKind } from '../channels.js';
import type { IntervalSeries } from '../series.js';
import { VEE_RULES, type VeeFlag, type VeeRule } from './flags.js';
import { gapFlags } from './gaps.js';
import { kwhKwFlags } from './kwh-kw.js';
import { negativeFlags } from './negative.js';
import { registerSumFlags, type RegisterReads } from './register-sums.js';
import { spikeFlags } from './spikes.js';
import { zeroRunFlags } from './zero-runs.js';

export interface ValidationInput {
  readonly kind: ChannelKind;
  /** The channel's raw readings (NaN: missing). */
  readonly series: IntervalSeries;
  /** Start of the last reading before the series (epoch ms), to measure a gap at its start. */
  readonly prevReadingMs?: number | undefined;
  /** The meter's kw channel over the same span, starting at the same instant (kwh_del only). */
  readonly kw?: IntervalSeries | undefined;
  /** Cumulative register reads of the same energy (kwh_del only; no such channel exists yet). */
  readonly register?: RegisterReads | undefined;
}

/** The rules `validateSeries` runs for this input: its flags replace these rules' earlier flags. */
export function rulesFor(input: Omit<ValidationInput, 'series'>): VeeRule[] {
  return VEE_RULES.filter((r) => {
    if (r === 'negative') return isCumulativeKind(input.kind);
    if (r === 'kwh_kw') return input.kind === 'kwh_del' && input.kw !== undefined;
    if (r === 'register_sum') return input.kind === 'kwh_del' && input.register !== undefined;
    return true;
  });
}

/** Every applicable rule's flags, ordered by index, then by rule in VEE_RULES order. */
export function validateSeries(input: ValidationInput): VeeFlag[] {
  const rules = rulesFor(input);
  let flags: VeeFlag[] = [];
  for (const rule of rules) {
    // concat, not push(...): a long zero run can flag more readings than a call takes arguments.
    flags = flags.concat(flagsOf(rule, input));
  }
  const order = (r: VeeRule): number => VEE_RULES.indexOf(r);
  return flags.sort((a, b) => a.index - b.index || order(a.rule) - order(b.rule));
}

function flagsOf(rule: VeeRule, input: ValidationInput): VeeFlag[] {
  switch (rule) {
    case 'gap': return gapFlags(input.series, input.prevReadingMs);
    case 'spike': return spikeFlags(input.series);
    case 'negative': return negativeFlags(input.series);
    case 'zero_run': return zeroRunFlags(input.series);
    case 'kwh_kw': return kwhKwFlags(input.series, input.kw!);
    case 'register_sum': return registerSumFlags(input.series, input.register!);
  }
}
