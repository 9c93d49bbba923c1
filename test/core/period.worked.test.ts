import t from 'tap';
import { checkPeriod, defaultPeriod, periodRangeMs } from '../../src/core/period.js';

t.test('the default period is the 36 full months before today', async (t) => {
  t.strictSame(defaultPeriod('2026-11-23'), { from: '2023-11-01', to: '2026-10-31' });
  t.strictSame(defaultPeriod('2026-01-01'), { from: '2023-01-01', to: '2025-12-31' });
  t.strictSame(defaultPeriod('2024-03-31'), { from: '2021-03-01', to: '2024-02-29' });
});

t.test('local dates become a half-open UTC range in the site zone', async (t) => {
  // America/Chicago: CST (-06:00) in January, CDT (-05:00) in July.
  t.strictSame(periodRangeMs({ from: '2026-01-01', to: '2026-01-31' }, 'America/Chicago'),
    { startMs: Date.UTC(2026, 0, 1, 6), endMs: Date.UTC(2026, 1, 1, 6) });
  // From CST to CDT: March 8, 2026 in New York starts at 05:00Z and the next day at 04:00Z (23 hours).
  t.strictSame(periodRangeMs({ from: '2026-03-08', to: '2026-03-08' }, 'America/New_York'),
    { startMs: Date.UTC(2026, 2, 8, 5), endMs: Date.UTC(2026, 2, 9, 4) });
  // Asia/Kolkata is +05:30 all year: local midnight is 18:30Z the day before.
  t.strictSame(periodRangeMs({ from: '2026-01-05', to: '2026-01-05' }, 'Asia/Kolkata'),
    { startMs: Date.UTC(2026, 0, 4, 18, 30), endMs: Date.UTC(2026, 0, 5, 18, 30) });
});

t.test('bad periods are refused with the parameter named', async (t) => {
  t.throws(() => checkPeriod({ from: '2026-02-30', to: '2026-03-01' }), { code: 'KM_VALIDATION', issues: [{ path: 'querystring.from', message: 'not a date YYYY-MM-DD' }] });
  t.throws(() => checkPeriod({ from: '2026-03-02', to: '2026-03-01' }), { code: 'KM_VALIDATION' });
  t.throws(() => checkPeriod({ from: '2000-01-01', to: '2026-03-01' }), { code: 'KM_RANGE_TOO_WIDE' });
  t.strictSame(checkPeriod({ from: '2026-01-01', to: '2026-01-01' }), { from: '2026-01-01', to: '2026-01-01' });
});
