/**
 * Billing and payment history (Section 4 item 11, CONTRACT.md "The Section 4 document" `billing`):
 * bills and payments in order, days to pay and late payments, and yearly totals.
 *
 * Dates are calendar dates 'YYYY-MM-DD' (the bundle's `issuedOn`, `dueOn`, `paidOn`); differences are
 * counted in whole days on UTC day numbers, so no time zone or DST is involved.
 */

/** The bill fields this module reads (a bundle bill, or any row with them). */
export interface BillingBill {
  readonly id: string;
  /** First day of the billing period, 'YYYY-MM-DD'; its year is the bill's year. */
  readonly periodStart: string;
  /** Billed amount, USD (a credit may be negative). */
  readonly amountUsd: number;
  readonly issuedOn?: string | undefined;
  readonly dueOn?: string | undefined;
}

/** The payment fields this module reads. */
export interface BillingPayment {
  readonly billId: string;
  readonly paidOn: string;
  /** Amount paid, USD. */
  readonly amountUsd: number;
}

export interface BillingYear {
  year: number;
  /** Sum of the amounts of the bills of this year, USD, 2 decimals. */
  billedUsd: number;
  /** Sum of the payments made against the bills of this year (whatever the payment date), USD, 2 decimals. */
  paidUsd: number;
  /** Number of bills of this year. */
  bills: number;
  /** Bills of this year settled after their due date. */
  latePayments: number;
}

export interface BillingSummary<B extends BillingBill, P extends BillingPayment> {
  /** The bills as given, sorted by periodStart (ties keep their input order). */
  bills: B[];
  /** The payments as given, sorted by paidOn (ties keep their input order). */
  payments: P[];
  /** Mean days from issue to settlement over settled bills with an `issuedOn`, 1 decimal; null when none. */
  averageDaysToPay: number | null;
  /** Bills settled after their `dueOn`. */
  latePayments: number;
  /** One entry per year that has bills, ascending. */
  annual: BillingYear[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CENTS_PER_USD = 100;

/** Whole days since 1970-01-01 of a calendar date 'YYYY-MM-DD' (UTC day number). */
function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) throw new RangeError(`not a date YYYY-MM-DD: '${date}'`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

const toCents = (usd: number): number => Math.round(usd * CENTS_PER_USD);
const toUsd = (cents: number): number => cents / CENTS_PER_USD;

/**
 * The date a bill is settled: payments are applied in paidOn order and the bill is settled by the
 * payment that brings the cumulative amount paid to at least the billed amount (compared in cents).
 * So a bill paid in two instalments counts from the second one; a partly paid bill is not settled
 * (undefined) and counts neither in days to pay nor as late.
 */
function settledOn(bill: BillingBill, itsPaymentsByPaidOn: readonly BillingPayment[]): string | undefined {
  const dueCents = toCents(bill.amountUsd);
  let paidCents = 0;
  for (const p of itsPaymentsByPaidOn) {
    paidCents += toCents(p.amountUsd);
    if (paidCents >= dueCents) return p.paidOn;
  }
  return undefined;
}

/**
 * Summarizes bills and payments. Days to pay of a bill = settlement date − `issuedOn`, in days
 * (CONTRACT: "paid on − issued on"; for split payments the settling payment's date, see above). A bill
 * is late when its settlement date is after `dueOn` (paying on the due date is on time). Money is summed
 * in integer cents, so a year of bills adds up without float drift.
 */
export function billingSummary<B extends BillingBill, P extends BillingPayment>(
  bills: readonly B[],
  payments: readonly P[],
): BillingSummary<B, P> {
  const sortedBills = [...bills].sort((a, b) => compare(a.periodStart, b.periodStart));
  const sortedPayments = [...payments].sort((a, b) => compare(a.paidOn, b.paidOn));

  const paymentsByBill = new Map<string, P[]>();
  for (const p of sortedPayments) {
    const list = paymentsByBill.get(p.billId);
    if (list === undefined) paymentsByBill.set(p.billId, [p]);
    else list.push(p);
  }

  const years = new Map<number, { billedCents: number; paidCents: number; bills: number; late: number }>();
  let daysSum = 0;
  let daysCount = 0;
  let late = 0;
  for (const bill of sortedBills) {
    const year = Number(bill.periodStart.slice(0, 4));
    const y = years.get(year) ?? { billedCents: 0, paidCents: 0, bills: 0, late: 0 };
    years.set(year, y);
    y.billedCents += toCents(bill.amountUsd);
    const itsPayments = paymentsByBill.get(bill.id) ?? [];
    for (const p of itsPayments) y.paidCents += toCents(p.amountUsd);
    y.bills += 1;
    const settled = settledOn(bill, itsPayments);
    if (settled === undefined) continue;
    if (bill.issuedOn !== undefined) {
      daysSum += dayNumber(settled) - dayNumber(bill.issuedOn);
      daysCount += 1;
    }
    if (bill.dueOn !== undefined && dayNumber(settled) > dayNumber(bill.dueOn)) {
      late += 1;
      y.late += 1;
    }
  }

  return {
    bills: sortedBills,
    payments: sortedPayments,
    averageDaysToPay: daysCount === 0 ? null : Math.round((daysSum / daysCount) * 10) / 10,
    latePayments: late,
    annual: [...years.entries()]
      .sort(([a], [b]) => a - b)
      .map(([year, y]) => ({ year, billedUsd: toUsd(y.billedCents), paidUsd: toUsd(y.paidCents), bills: y.bills, latePayments: y.late })),
  };
}

/** Orders 'YYYY-MM-DD' strings (lexicographic order is date order for this fixed format). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
