/**
 * Rate comparison (Section 4 item 5, CONTRACT.md "The Section 4 document" `rateComparison`): the bills
 * of the same months under the current rate and each candidate, with totals, the cheapest rate and the
 * savings against the current one. Months whose data is incomplete are flagged, not dropped: every
 * tariff is billed on the same present data, so the comparison stays like for like.
 *
 * Amounts are summed in integer cents. Ties for cheapest go to the current rate, then to input order.
 */
import { KeymeterError } from '../../errors.js';
import type { PeriodBill } from './bill.js';
import { toCents, toUsd } from './tiers.js';

/** The fields of a period bill that a comparison reads. */
export type ComparedBill = Pick<PeriodBill, 'month' | 'energyUsd' | 'demandUsd' | 'fixedUsd' | 'minChargeAdjustmentUsd' | 'totalUsd' | 'complete'>;

export interface ComparedTariff {
  readonly id: string;
  readonly name: string;
  /** One bill per month; every tariff must cover the same months. */
  readonly bills: readonly ComparedBill[];
}

export interface RateComparisonMonth {
  month: string;
  energyUsd: number;
  demandUsd: number;
  fixedUsd: number;
  minChargeAdjustmentUsd: number;
  totalUsd: number;
  /** Every interval of the month was present. */
  complete: boolean;
}

export interface RateComparison {
  /** Id of the current tariff, or null when the site has none. */
  current: string | null;
  /** Id of the tariff with the lowest total, or null when there is none. */
  cheapest: string | null;
  /** Current total - cheapest total (>= 0), or null without a current tariff. */
  savingsUsd: number | null;
  /** The compared months, ascending, and those with incomplete data. */
  months: string[];
  incompleteMonths: string[];
  tariffs: { id: string; name: string; totalUsd: number; monthly: RateComparisonMonth[] }[];
}

/**
 * Compares tariffs billed over the same months. Throws KM_CORE_SHAPE when the tariffs' months differ
 * or repeat, KM_VALIDATION when `currentId` is not among them.
 */
export function rateComparison(currentId: string | null, tariffs: readonly ComparedTariff[]): RateComparison {
  const rows = tariffs.map((t) => {
    const monthly = [...t.bills]
      .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0))
      .map((b): RateComparisonMonth => ({
        month: b.month,
        energyUsd: b.energyUsd,
        demandUsd: b.demandUsd,
        fixedUsd: b.fixedUsd,
        minChargeAdjustmentUsd: b.minChargeAdjustmentUsd,
        totalUsd: b.totalUsd,
        complete: b.complete,
      }));
    const cents = monthly.reduce((c, m) => c + toCents(m.totalUsd), 0);
    return { id: t.id, name: t.name, cents, monthly };
  });

  const months = rows[0]?.monthly.map((m) => m.month) ?? [];
  if (new Set(months).size !== months.length) throw new KeymeterError('KM_CORE_SHAPE', `tariff '${rows[0]!.id}' has two bills for one month`);
  for (const r of rows) {
    if (r.monthly.length !== months.length || r.monthly.some((m, k) => m.month !== months[k])) {
      throw new KeymeterError('KM_CORE_SHAPE', `tariff '${r.id}' is not billed over the same months as '${rows[0]!.id}'`);
    }
  }
  const ids = new Set<string>();
  for (const r of rows) {
    if (ids.has(r.id)) throw new KeymeterError('KM_CORE_SHAPE', `tariff '${r.id}' is compared twice`);
    ids.add(r.id);
  }
  const current = currentId === null ? undefined : rows.find((r) => r.id === currentId);
  if (currentId !== null && current === undefined) {
    throw new KeymeterError('KM_VALIDATION', `current: tariff '${currentId}' is not among the compared tariffs`, {
      issues: [{ path: 'current', message: 'not among the compared tariffs' }],
    });
  }

  let best = current ?? rows[0];
  for (const r of rows) if (best !== undefined && r.cents < best.cents) best = r;
  const incomplete = new Set<string>();
  for (const r of rows) for (const m of r.monthly) if (!m.complete) incomplete.add(m.month);

  return {
    current: current?.id ?? null,
    cheapest: best?.id ?? null,
    savingsUsd: current !== undefined && best !== undefined ? toUsd(current.cents - best.cents) : null,
    months,
    incompleteMonths: months.filter((m) => incomplete.has(m)),
    tariffs: rows.map((r) => ({ id: r.id, name: r.name, totalUsd: toUsd(r.cents), monthly: r.monthly })),
  };
}
