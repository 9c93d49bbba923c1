/**
 * Load factor (Section 4 item 3, CONTRACT.md `factors.monthly[]` / `factors.annual[]` `loadFactor`):
 * kWh / (peak kW x hours in the period) (DESIGN.md "Domain facts"), i.e. average kW / peak kW.
 *
 * Gaps: the hours are those of the PRESENT intervals (present x interval minutes / 60), not the calendar
 * hours of the month. A missing interval is then neither read as zero load (which would lower the load
 * factor in proportion to the gap) nor filled in; the result is the load factor of the metered part of
 * the period, and `completeness` says how much of the period that is. With complete data the two rules
 * agree. The peak is the metered peak (a gap may hide the true one), the same one billed from these data.
 */
import type { ElectricConsumption, ElectricPeriod } from './consumption.js';

const MINUTES_PER_HOUR = 60;

export interface LoadFactorPeriod {
  /** kWh / (peakKw x hours), in [0, 1] for delivered energy; null without data or with a peak of 0 kW or less. */
  loadFactor: number | null;
  /** Hours covered by present intervals: present x interval minutes / 60. */
  hours: number;
  /** Share of the period's intervals present (from consumption), 4 decimals. */
  completeness: number;
}

export interface LoadFactors {
  monthly: (LoadFactorPeriod & { month: string })[];
  annual: (LoadFactorPeriod & { year: number })[];
}

/**
 * Load factor per local month and year from electricConsumption's totals and peaks (no pass over the
 * intervals). The annual figure uses the year's kWh, its present hours and the annual peak.
 */
export function loadFactors(consumption: ElectricConsumption): LoadFactors {
  const hoursPerInterval = consumption.intervalMinutes / MINUTES_PER_HOUR;
  const of = (p: ElectricPeriod): LoadFactorPeriod => {
    const hours = p.present * hoursPerInterval;
    const { kwh, peakKw } = p;
    const loadFactor = kwh !== null && peakKw !== null && peakKw > 0 && hours > 0 ? kwh / (peakKw * hours) : null;
    return { loadFactor, hours, completeness: p.completeness };
  };
  return {
    monthly: consumption.monthly.map((m) => ({ month: m.month, ...of(m) })),
    annual: consumption.annual.map((y) => ({ year: y.year, ...of(y) })),
  };
}
