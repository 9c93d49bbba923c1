/**
 * Validation flags: a reading that fails a rule gets a flag naming the rule, with the figures that made
 * it fail (migrations/0010 `reading_flags`). Flags are sparse, so they are a short list of objects; the
 * series they are computed from stay typed arrays (STYLE §8).
 */

/** The rules, as stored in `reading_flags.rule`. */
export const VEE_RULES = ['gap', 'spike', 'negative', 'zero_run', 'kwh_kw', 'register_sum'] as const;
export type VeeRule = (typeof VEE_RULES)[number];

/** Figures of a flag (stored as jsonb): numbers in the channel's unit, instants as RFC 3339 UTC. */
export type FlagDetail = Readonly<Record<string, number | string>>;

export interface VeeFlag {
  /** Index of the flagged reading in the series the rule ran on. */
  readonly index: number;
  readonly rule: VeeRule;
  readonly detail: FlagDetail;
}

/** Rounds a figure for a flag's detail to 6 significant digits: enough to read, free of float noise. */
export function detailNumber(x: number): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(6)) : x;
}
