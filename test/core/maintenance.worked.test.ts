import t from 'tap';
import { addMonthsClamped, maintenanceStatus } from '../../src/core/maintenance.js';

t.test('the CONTRACT example: oil test 2024-05-01 every 36 months -> due 2027-05-01', async (t) => {
  t.strictSame(maintenanceStatus([{ date: '2024-05-01', kind: 'oil test', result: 'ok' }], 36, '2009-06-01', '2026-01-15'), {
    last: { date: '2024-05-01', kind: 'oil test', result: 'ok' },
    nextDue: '2027-05-01',
    overdue: false,
  });
});

t.test('month-end clamping: 2024-01-31 + 1 month = 2024-02-29; due on the day is not overdue', async (t) => {
  const records = [{ date: '2024-01-31' }];
  t.strictSame(maintenanceStatus(records, 1, undefined, '2024-02-29'), { last: { date: '2024-01-31', kind: null, result: null }, nextDue: '2024-02-29', overdue: false });
  t.strictSame(maintenanceStatus(records, 1, undefined, '2024-03-01'), { last: { date: '2024-01-31', kind: null, result: null }, nextDue: '2024-02-29', overdue: true });
});

t.test('without records the first maintenance is due one interval after installation', async (t) => {
  // 2009-06-01 + 36 months = 2012-06-01, long past on 2026-01-15
  t.strictSame(maintenanceStatus([], 36, '2009-06-01', '2026-01-15'), { last: null, nextDue: '2012-06-01', overdue: true });
  t.strictSame(maintenanceStatus([], 36, undefined, '2026-01-15'), { last: null, nextDue: null, overdue: false });
});

t.test('no interval: nothing is due, the last record is still reported', async (t) => {
  t.strictSame(maintenanceStatus([{ date: '2020-03-02', kind: 'DGA' }], undefined, '2009-06-01', '2026-01-15'), {
    last: { date: '2020-03-02', kind: 'DGA', result: null }, nextDue: null, overdue: false,
  });
});

t.test('the latest record on or before today counts; later ones are plans', async (t) => {
  const records = [
    { date: '2023-09-10', kind: 'infrared', result: 'hot lug, retorqued' },
    { date: '2025-02-01', kind: 'oil test', result: 'ok' },
    { date: '2026-06-01', kind: 'oil test (planned)' },
    { date: '2021-01-05', kind: 'oil test', result: 'ok' },
  ];
  // last = 2025-02-01; + 12 months = 2026-02-01, after today 2026-01-15 -> not overdue
  t.strictSame(maintenanceStatus(records, 12, '2009-06-01', '2026-01-15'), {
    last: { date: '2025-02-01', kind: 'oil test', result: 'ok' }, nextDue: '2026-02-01', overdue: false,
  });
});

t.test('addMonthsClamped', async (t) => {
  t.strictSame(
    [
      addMonthsClamped('2024-01-31', 1), // leap February
      addMonthsClamped('2023-01-31', 1),
      addMonthsClamped('2024-02-29', 12),
      addMonthsClamped('2024-12-15', 1), // year boundary
      addMonthsClamped('2024-03-31', -1),
      addMonthsClamped('2025-01-15', -13),
      addMonthsClamped('2100-01-31', 1), // 2100 is not a leap year
      addMonthsClamped('2000-01-31', 1), // 2000 is
      addMonthsClamped('2024-08-31', 1),
    ],
    ['2024-02-29', '2023-02-28', '2025-02-28', '2025-01-15', '2024-02-29', '2023-12-15', '2100-02-28', '2000-02-29', '2024-09-30'],
  );
  t.throws(() => addMonthsClamped('2024-1-31', 1), RangeError);
  t.throws(() => addMonthsClamped('2024-01-31', 1.5), RangeError);
  t.throws(() => maintenanceStatus([], 12, '2020-01-01', '15/01/2026'), RangeError);
});
