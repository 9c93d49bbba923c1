import t from 'tap';
import { billingSummary } from '../../src/core/billing.js';

// The CONTRACT.md "Account bundle" example: issued 2025-02-03, paid 2025-02-20 -> 17 days
// (Feb 3 -> Feb 20); due 2025-02-24, paid 4 days before -> on time.
const contractBill = {
  id: 'b-2025-01', siteId: 'acme-plant-1', periodStart: '2025-01-01', periodEnd: '2025-01-31',
  kwh: 812000, peakKw: 1650, amountUsd: 98123.45, issuedOn: '2025-02-03', dueOn: '2025-02-24',
};
const contractPayment = { billId: 'b-2025-01', paidOn: '2025-02-20', amountUsd: 98123.45 };

t.test('the CONTRACT example: 17 days to pay, on time', async (t) => {
  t.strictSame(billingSummary([contractBill], [contractPayment]), {
    bills: [contractBill],
    payments: [contractPayment],
    averageDaysToPay: 17,
    latePayments: 0,
    annual: [{ year: 2025, billedUsd: 98123.45, paidUsd: 98123.45, bills: 1, latePayments: 0 }],
  });
});

t.test('late, split, cent-exact and unpaid bills; sorted output; years by period start', async (t) => {
  // Late: issued 2025-03-03, paid 2025-03-31 -> 28 days; due 2025-03-24 -> 7 days late.
  const late = { id: 'b-2025-02', periodStart: '2025-02-01', periodEnd: '2025-02-28', amountUsd: 90000.1, issuedOn: '2025-03-03', dueOn: '2025-03-24' };
  // Split: 40,000 on 2025-04-10 (before the due date 2025-04-23) and 60,000 on 2025-04-25. The bill is
  // settled by the second payment: issued 2025-04-02 -> 23 days, and late (Apr 25 > Apr 23), although
  // the first instalment was on time.
  const split = { id: 'b-2025-03', periodStart: '2025-03-01', periodEnd: '2025-03-31', amountUsd: 100000, issuedOn: '2025-04-02', dueOn: '2025-04-23' };
  // Cents: 1,200.35 + 0.10 is 1200.4499999999998 in floating point, short of 1,200.45; in cents
  // 120035 + 10 = 120045 settles it on 2025-01-13: issued 2025-01-03 -> 10 days, due 2025-01-24 -> on
  // time. Its period starts in December 2024, so it is a 2024 bill although issued and paid in 2025.
  const cents = { id: 'b-2024-12', periodStart: '2024-12-01', periodEnd: '2024-12-31', amountUsd: 1200.45, issuedOn: '2025-01-03', dueOn: '2025-01-24' };
  // Unpaid: billed, but neither in days to pay nor late.
  const unpaid = { id: 'b-2025-04', periodStart: '2025-04-01', periodEnd: '2025-04-30', amountUsd: 50, issuedOn: '2025-05-02', dueOn: '2025-05-23' };
  const payments = [
    { billId: 'b-2025-03', paidOn: '2025-04-25', amountUsd: 60000 },
    { billId: 'b-2024-12', paidOn: '2025-01-13', amountUsd: 0.1 },
    contractPayment,
    { billId: 'b-2025-02', paidOn: '2025-03-31', amountUsd: 90000.1 },
    { billId: 'b-2025-03', paidOn: '2025-04-10', amountUsd: 40000 },
    { billId: 'b-2024-12', paidOn: '2025-01-10', amountUsd: 1200.35 },
  ];
  const s = billingSummary([split, cents, unpaid, contractBill, late], payments);
  t.strictSame(s, {
    bills: [cents, contractBill, late, split, unpaid],
    payments: [payments[5], payments[1], contractPayment, payments[3], payments[4], payments[0]],
    // (10 + 17 + 28 + 23) / 4 = 78 / 4 = 19.5 days
    averageDaysToPay: 19.5,
    latePayments: 2,
    annual: [
      { year: 2024, billedUsd: 1200.45, paidUsd: 1200.45, bills: 1, latePayments: 0 },
      // billed 98,123.45 + 90,000.10 + 100,000.00 + 50.00 = 288,173.55; paid the same less the unpaid 50
      { year: 2025, billedUsd: 288173.55, paidUsd: 288123.55, bills: 4, latePayments: 2 },
    ],
  });
});

t.test('paid on the due date is on time; days across a leap February', async (t) => {
  // 2024-02-20 -> 2024-03-05: 9 days to Feb 29, then 5 -> 14 days.
  const bill = { id: 'b', periodStart: '2024-01-01', amountUsd: 10, issuedOn: '2024-02-20', dueOn: '2024-03-05' };
  const s = billingSummary([bill], [{ billId: 'b', paidOn: '2024-03-05', amountUsd: 10 }]);
  t.equal(s.averageDaysToPay, 14);
  t.equal(s.latePayments, 0);
});

t.test('nothing to summarize', async (t) => {
  t.strictSame(billingSummary([], []), { bills: [], payments: [], averageDaysToPay: null, latePayments: 0, annual: [] });
});

t.test('a bill without issuedOn or dueOn counts in neither measure', async (t) => {
  const s = billingSummary([{ id: 'b', periodStart: '2025-01-01', amountUsd: 10 }], [{ billId: 'b', paidOn: '2025-03-01', amountUsd: 10 }]);
  t.strictSame([s.averageDaysToPay, s.latePayments], [null, 0]);
});
