/**
 * The account's share of the utility's total end-user consumption (Section 4 item 4, CONTRACT.md "The
 * Section 4 document" `systemShare`): account kWh / system end-user kWh per month and per year. The
 * system totals are data loaded with `keymeter import system-totals` (one kWh figure per month).
 */

/** The account's metered kWh of a local month (from `consumption.electric.monthly`). */
export interface AccountMonthKwh {
  /** 'YYYY-MM', the site's local month. */
  readonly month: string;
  /** kWh metered in the month; null when there is no data. */
  readonly kwh: number | null;
  /** Share of the month's expected intervals present, 0..1. */
  readonly completeness: number;
}

/** The utility's total end-user consumption of a month. */
export interface SystemMonthKwh {
  readonly month: string;
  readonly kwh: number;
}

export interface SystemShareMonth {
  month: string;
  /** null when the account has no kWh for the month. */
  accountKwh: number | null;
  /** null when no system total was loaded for the month. */
  systemKwh: number | null;
  /** accountKwh / systemKwh as a fraction, unrounded; null when either is missing or the system total is 0. */
  share: number | null;
  /** The account month's completeness (so a low share from missing intervals can be told apart); null when the account has no row. */
  completeness: number | null;
}

export interface SystemShareYear {
  year: number;
  /** Account kWh summed over the `months` counted (not the whole year's consumption); null when months is 0. */
  accountKwh: number | null;
  /** System kWh summed over the same months; null when months is 0. */
  systemKwh: number | null;
  /** accountKwh / systemKwh over those months; null when months is 0 or the system sum is 0. */
  share: number | null;
  /** Months of the year where both the account kWh and the system total exist; only these are summed. */
  months: number;
}

export interface SystemShare {
  /** Every month present in either input, ascending. */
  monthly: SystemShareMonth[];
  /** Every year with a month in either input, ascending. */
  annual: SystemShareYear[];
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

/**
 * Monthly and yearly share of system consumption. A year's share is taken only over the months where
 * both figures exist, so a year with a few months of system totals (or of metering) is compared like
 * for like instead of dividing a full year by a part year; `months` says how many months that was.
 */
export function systemShare(accountMonthlyKwh: readonly AccountMonthKwh[], systemMonthlyKwh: readonly SystemMonthKwh[]): SystemShare {
  const account = new Map(accountMonthlyKwh.map((m) => [m.month, m]));
  const system = new Map(systemMonthlyKwh.map((m) => [m.month, m.kwh]));
  const months = [...new Set([...account.keys(), ...system.keys()])].sort();

  const monthly = months.map((month): SystemShareMonth => {
    const a = account.get(month);
    const accountKwh = a?.kwh ?? null;
    const systemKwh = system.get(month) ?? null;
    return { month, accountKwh, systemKwh, share: ratio(accountKwh, systemKwh), completeness: a?.completeness ?? null };
  });

  const years = new Map<number, SystemShareYear>();
  for (const m of monthly) {
    const year = Number(m.month.slice(0, 4));
    const y = years.get(year) ?? { year, accountKwh: null, systemKwh: null, share: null, months: 0 };
    years.set(year, y);
    if (m.accountKwh === null || m.systemKwh === null) continue;
    y.accountKwh = (y.accountKwh ?? 0) + m.accountKwh;
    y.systemKwh = (y.systemKwh ?? 0) + m.systemKwh;
    y.months += 1;
  }
  const annual = [...years.values()].sort((a, b) => a.year - b.year).map((y) => ({ ...y, share: ratio(y.accountKwh, y.systemKwh) }));
  return { monthly, annual };
}
