import t from 'tap';
import { isHolidayCalendar, publicHolidays } from '../../src/holidays/public-holidays.js';

// The US federal holidays of 2026 (5 U.S.C. 6103), with Independence Day's observed Friday (07-04 is a
// Saturday); New York adds its own (Lincoln's Birthday, Election Day ...). Only public holidays count.
t.test('public holidays of a country and a subdivision, observed days included', async (t) => {
  t.strictSame(publicHolidays('US', 2026, 2026), [
    '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03', '2026-07-04',
    '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25',
  ]);
  const ny = publicHolidays('US-NY', 2026, 2026);
  t.ok(ny.includes('2026-02-12'), "Lincoln's Birthday in New York");
  t.ok(publicHolidays('US', 2025, 2027).length > 30, 'several years at once');
  t.notOk(publicHolidays('US', 2026, 2026).includes('2026-12-24'), 'Christmas Eve is not a US public holiday');
});

t.test('known and unknown calendars', async (t) => {
  t.ok(isHolidayCalendar('US'));
  t.ok(isHolidayCalendar('US-NY'));
  t.ok(isHolidayCalendar('DE-BY'));
  t.notOk(isHolidayCalendar('US-ZZ'));
  t.notOk(isHolidayCalendar('ZZ'));
  t.notOk(isHolidayCalendar('usa'));
  t.throws(() => publicHolidays('ZZ', 2026, 2026), RangeError);
});
