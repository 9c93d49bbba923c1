import t from 'tap';
import { parsePeriod, previousPeriod, samePeriodLastYear, schedulePeriodAt } from '../../src/reports/period.js';
import { cronIssues, lastFiringMs, nextFiringMs } from '../../src/reports/cron.js';

t.test('report periods: YYYY, YYYY-Qn, YYYY-MM as local dates, both ends included', async (t) => {
  t.strictSame(parsePeriod('2025-Q4'), { label: '2025-Q4', kind: 'quarter', year: 2025, index: 4, from: '2025-10-01', to: '2025-12-31' });
  t.strictSame(parsePeriod('2024-02'), { label: '2024-02', kind: 'month', year: 2024, index: 2, from: '2024-02-01', to: '2024-02-29' }, 'leap February');
  t.strictSame(parsePeriod('2025-02').to, '2025-02-28');
  t.strictSame(parsePeriod('2025'), { label: '2025', kind: 'year', year: 2025, index: 1, from: '2025-01-01', to: '2025-12-31' });
  t.equal(parsePeriod('2025-Q1').to, '2025-03-31');
  for (const bad of ['2025-Q5', '2025-13', '2025-00', '25-Q1', '2025-Q1 ', 'Q1-2025', '2025-1', '']) {
    t.throws(() => parsePeriod(bad, '--period'), { name: 'KeymeterError', code: 'KM_VALIDATION', message: /^--period: / }, bad);
  }
  t.equal(samePeriodLastYear(parsePeriod('2024-02')).to, '2023-02-28');
  t.equal(previousPeriod(parsePeriod('2025-01')).label, '2024-12');
  t.equal(previousPeriod(parsePeriod('2025-Q1')).label, '2024-Q4');
  t.equal(previousPeriod(parsePeriod('2025')).label, '2024');
});

t.test('schedule periods: the complete period before the firing date, read in the schedule zone', async (t) => {
  // 2025-01-01 06:00 in Chicago is 12:00 UTC: the month, quarter and year that just ended.
  const jan1 = Date.UTC(2025, 0, 1, 12);
  t.equal(schedulePeriodAt('previous-month', jan1, 'America/Chicago').label, '2024-12');
  t.equal(schedulePeriodAt('previous-quarter', jan1, 'America/Chicago').label, '2024-Q4');
  t.equal(schedulePeriodAt('previous-year', jan1, 'America/Chicago').label, '2024');
  // 2025-03-01 03:00 UTC is still 2025-02-28 21:00 in Chicago, but already March 1 in Berlin.
  const instant = Date.UTC(2025, 2, 1, 3);
  t.equal(schedulePeriodAt('previous-month', instant, 'America/Chicago').label, '2025-01');
  t.equal(schedulePeriodAt('previous-month', instant, 'Europe/Berlin').label, '2025-02');
  t.equal(schedulePeriodAt('previous-quarter', Date.UTC(2025, 4, 15), 'UTC').label, '2025-Q1');
});

t.test('cron: five fields, read in the schedule zone, across DST', async (t) => {
  t.strictSame(cronIssues('0 6 1 * *', 'America/Chicago'), []);
  t.match(cronIssues('0 6 1 * * *', 'UTC'), [{ path: 'cron', message: /5 fields/ }], 'a seconds field is refused');
  t.match(cronIssues('61 * * * *', 'UTC'), [{ path: 'cron', message: /not a valid cron expression/ }]);
  t.match(cronIssues('0 0 30 2 *', 'UTC'), [{ path: 'cron' }], 'February 30 never comes');
  t.match(cronIssues('0 6 1 * *', 'Mars/Olympus'), [{ path: 'timezone' }]);
  // 06:00 Chicago on March 1 is 12:00 UTC (CST); on April 1 it is 11:00 UTC (CDT, after 2025-03-09).
  t.equal(new Date(nextFiringMs('0 6 1 * *', 'America/Chicago', Date.UTC(2025, 2, 1, 12))).toISOString(), '2025-04-01T11:00:00.000Z', 'strictly after');
  t.equal(new Date(lastFiringMs('0 6 1 * *', 'America/Chicago', Date.UTC(2025, 2, 1, 12))).toISOString(), '2025-03-01T12:00:00.000Z', 'at or before');
  t.equal(new Date(lastFiringMs('0 6 1 * *', 'America/Chicago', Date.UTC(2025, 2, 1, 11, 59))).toISOString(), '2025-02-01T12:00:00.000Z');
});
