/**
 * Public holidays for tariff calendars: the one module that imports `date-holidays` (holiday rules per
 * country and subdivision, kept up to date upstream; pinned in package.json).
 *
 * A site's `holidays` (an ISO 3166-1 alpha-2 country code, optionally with an ISO 3166-2 subdivision:
 * "US", "US-NY") selects a calendar. Its days of type "public", substitute (observed) days included, use
 * the weekend schedules of the site's tariffs (src/core/tariff/billing-frame.ts `holidays`). Bank,
 * school, optional and observance days are not public holidays and are left out. Dates are the local
 * dates of the calendar, so they hold in the site's zone.
 */
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';

/**
 * date-holidays is loaded on first use (its CommonJS build, synchronously): its country data takes a few
 * hundred milliseconds to load, which processes that never read a holiday calendar should not pay.
 */
const requireCjs = createRequire(import.meta.url);
let loaded: typeof HolidaysClass | undefined;
const Holidays = (): typeof HolidaysClass => (loaded ??= requireCjs('date-holidays') as typeof HolidaysClass);

/** "US", "US-NY": what the bundle schema accepts (src/core/bundle/schema.ts `HolidayCalendar`). */
const CODE = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;

const calendars = new Map<string, HolidaysClass | null>();

/** The date-holidays calendar of a code, or null when date-holidays has no such country or subdivision. */
function calendar(code: string): HolidaysClass | null {
  const hit = calendars.get(code);
  if (hit !== undefined) return hit;
  const m = CODE.exec(code);
  let found: HolidaysClass | null = null;
  if (m) {
    const [, country, state] = m as unknown as [string, string, string | undefined];
    const H = Holidays();
    const all = new H();
    const known = all.getCountries()[country] !== undefined && (state === undefined || all.getStates(country)?.[state] !== undefined);
    if (known) found = state === undefined ? new H(country, { types: ['public'] }) : new H(country, state, { types: ['public'] });
  }
  calendars.set(code, found);
  return found;
}

/** Whether `code` names a country (and subdivision) that date-holidays has rules for. */
export function isHolidayCalendar(code: string): boolean {
  return calendar(code) !== null;
}

/**
 * The public holidays of calendar `code` in the years fromYear..toYear (both included), as sorted local
 * dates 'YYYY-MM-DD'. Throws RangeError for an unknown calendar (the bundle import refuses those).
 */
export function publicHolidays(code: string, fromYear: number, toYear: number): string[] {
  return namedPublicHolidays(code, fromYear, toYear).map((h) => h.date);
}

/** The public holidays of calendar `code` in fromYear..toYear with their names (for learning which a site observes). */
export function namedPublicHolidays(code: string, fromYear: number, toYear: number): { date: string; name: string }[] {
  const hd = calendar(code);
  if (hd === null) throw new RangeError(`no public-holiday calendar '${code}'`);
  const out = new Map<string, string>();
  for (let y = fromYear; y <= toYear; y++) {
    for (const h of hd.getHolidays(y, 'en')) if (h.type === 'public' && !out.has(h.date.slice(0, 10))) out.set(h.date.slice(0, 10), h.name);
  }
  return [...out.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([date, name]) => ({ date, name }));
}
