/**
 * The account forecast (Section 4 item 12) from the account's summed kWh series: the one computation
 * behind the Section 4 item, the stored forecasts (store.ts) and the customer report, so a forecast
 * stored as of a day equals the Section 4 item of a period that ends that day.
 */
import type { AccountBundle } from '../core/bundle/schema.js';
import { BACKTEST_DAYS } from '../core/forecast/day-ahead-backtest.js';
import { forecast, type Forecast } from '../core/forecast/forecast.js';
import { observedHolidays, type HolidayDecision, type ObservedHolidays } from '../core/forecast/observed-holidays.js';
import { DAY_MS } from '../core/time-zone.js';
import type { IntervalSeries } from '../core/series.js';
import { namedPublicHolidays } from '../holidays/public-holidays.js';

/** Minimum history for a forecast: four weeks (the day-ahead model validates on the 28 days before its origin). */
export const FORECAST_MIN_DAYS = 28;

export interface AccountForecast extends Forecast {
  /** The site's public-holiday calendar (bundle `holidays`). */
  holidays: string | null;
  /** Which of its holidays the site's load shows it observes (forecast and learned as Sundays), per name. */
  holidayDecisions: HolidayDecision[];
  /**
   * The meter whose `temp` channel fed the temperature terms, or null without one. The
   * target day's temperature is persistence (the day before's), as no weather forecast is stored.
   */
  temperatureMeterId: string | null;
}

/** Why an account has no forecast (too little data), or undefined when it can have one. */
export function forecastUnavailable(kwh: IntervalSeries | undefined): string | undefined {
  if (!kwh) return 'no electric interval data';
  const days = (kwh.values.length * kwh.intervalMinutes) / 1440;
  let present = 0;
  for (let i = 0; i < kwh.values.length; i++) if (kwh.values[i] === kwh.values[i]) present++;
  if (days < FORECAST_MIN_DAYS || present * kwh.intervalMinutes < FORECAST_MIN_DAYS * 1440 * 0.5) {
    return `not enough interval data for a forecast (at least ${FORECAST_MIN_DAYS} days, half of them present)`;
  }
  // A forecast learns the current level from the weeks before its origin: stale data (meters silent for
  // weeks) would forecast a load nobody measures any more.
  const recent = Math.min(kwh.values.length, (FORECAST_MIN_DAYS * 1440) / kwh.intervalMinutes);
  let recentPresent = 0;
  for (let i = kwh.values.length - recent; i < kwh.values.length; i++) if (kwh.values[i] === kwh.values[i]) recentPresent++;
  if (recentPresent * 2 < recent) {
    return `not enough recent interval data for a forecast (half of the ${FORECAST_MIN_DAYS} days before its origin must be present)`;
  }
  return undefined;
}

/**
 * The holidays of calendar `code` that the site's load shows it closes on (observed-holidays.ts), judged
 * from the occurrences before the day-ahead backtest's first origin, so the backtest scores holidays it
 * did not learn from; dates over the data and the 410 days a forecast looks ahead.
 */
export function siteHolidays(kwh: IntervalSeries, timeZone: string, code: string): ObservedHolidays {
  const firstYear = new Date(kwh.startMs).getUTCFullYear();
  const lastYear = new Date(kwh.startMs + kwh.values.length * kwh.intervalMinutes * 60_000 + 420 * DAY_MS).getUTCFullYear();
  const learnUntil = kwh.values.length - ((BACKTEST_DAYS + 1) * 1440) / kwh.intervalMinutes;
  return observedHolidays(kwh, timeZone, namedPublicHolidays(code, firstYear, lastYear), learnUntil);
}

/**
 * The forecast of the account's kWh (its last interval ends at the origin), with the first site's
 * public holidays that it observes as Sundays and, when the site has a `temp` channel, its outdoor
 * temperature for the change-point terms (ASHRAE Guideline 14 / CalTRACK; src/core/forecast/temperature.ts);
 * `{status}` when there is too little data.
 */
export function accountForecast(
  bundle: AccountBundle, timeZone: string, kwh: IntervalSeries | undefined, temperature?: { meterId: string; series: IntervalSeries },
): AccountForecast | { status: string } {
  const why = forecastUnavailable(kwh);
  if (why !== undefined || !kwh) return { status: why ?? 'no electric interval data' };
  const code = bundle.sites[0]?.holidays;
  const learned = code ? siteHolidays(kwh!, timeZone, code) : { dates: [], decisions: [] };
  const f = forecast(kwh, { timeZone, holidays: learned.dates, ...(temperature ? { temperature: temperature.series } : {}) });
  return { ...f, holidays: code ?? null, holidayDecisions: learned.decisions, temperatureMeterId: temperature?.meterId ?? null };
}
