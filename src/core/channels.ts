/**
 * Channel kinds and their units (CONTRACT.md "Channels"). Energy channels hold the energy in the
 * interval; the others hold the interval average.
 */
export const ELECTRIC_KINDS = [
  'kwh_del', 'kwh_rec', 'kvarh_del', 'kvarh_rec',
  'kw', 'kvar', 'v_a', 'v_b', 'v_c', 'i_a', 'i_b', 'i_c', 'pf', 'hz', 'thd_v_a', 'thd_v_b', 'thd_v_c',
] as const;
/**
 * `temp`: outdoor air temperature at the site, °C, interval average (a meter's or a weather station's
 * sensor); the forecast's change-point terms use it. It may sit on a meter of any commodity.
 */
export const AMBIENT_KINDS = ['temp'] as const;
export const CHANNEL_KINDS = [...ELECTRIC_KINDS, ...AMBIENT_KINDS, 'gas', 'water'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const COMMODITIES = ['electric', 'gas', 'water'] as const;
export type Commodity = (typeof COMMODITIES)[number];

/** Allowed interval lengths in minutes (CONTRACT.md "Channels"). */
export const INTERVAL_MINUTES = [1, 5, 10, 15, 30, 60] as const;
export type IntervalMinutes = (typeof INTERVAL_MINUTES)[number];

/** Units each kind accepts; the first is the default when `unit` is left out. `pf` has none. */
export const UNITS_BY_KIND: Readonly<Record<ChannelKind, readonly string[]>> = {
  kwh_del: ['kWh'], kwh_rec: ['kWh'], kvarh_del: ['kvarh'], kvarh_rec: ['kvarh'],
  kw: ['kW'], kvar: ['kvar'],
  v_a: ['V'], v_b: ['V'], v_c: ['V'],
  i_a: ['A'], i_b: ['A'], i_c: ['A'],
  pf: [], hz: ['Hz'],
  thd_v_a: ['%'], thd_v_b: ['%'], thd_v_c: ['%'],
  gas: ['therm', 'ccf', 'm3'],
  water: ['gal', 'm3'],
  temp: ['degC'],
};

/** True for kinds whose value is the energy (or volume) in the interval, summed over time. */
export function isCumulativeKind(kind: ChannelKind): boolean {
  return kind === 'kwh_del' || kind === 'kwh_rec' || kind === 'kvarh_del' || kind === 'kvarh_rec' || kind === 'gas' || kind === 'water';
}

/** The commodity of the meters a kind belongs on; undefined for an ambient kind (any meter). */
export function commodityOfKind(kind: ChannelKind): Commodity | undefined {
  if (kind === 'temp') return undefined;
  return kind === 'gas' ? 'gas' : kind === 'water' ? 'water' : 'electric';
}
