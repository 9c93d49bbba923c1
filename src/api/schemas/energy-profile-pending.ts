/**
 * The Section 4 items not delivered yet (CONTRACT.md "The Section 4 document"): outage analysis,
 * measured power quality, forecast and transformer aging (the rate comparison is delivered:
 * rate-comparison.ts). Each takes today's placeholder
 * `{status: "not yet available"}` or the CONTRACT.md target shape, and every object is loose, so the
 * work that delivers an item can add fields without breaking responses; it should then make the item
 * strict and move it into energy-profile.ts with the delivered ones.
 */
import { z } from 'zod';
import { Count, Instant, month, year } from './section4-fields.js';

/** The status of an item whose computation is not delivered yet. */
export const NOT_YET_STATUS = z.literal('not yet available');

export const NotYetAvailable = z
  .strictObject({ status: z.string().describe('why there are no figures: "not yet available", or the missing data (e.g. "no meter with phase-voltage channels")') })
  .meta({ id: 'NotYetAvailable', description: 'An item without figures, and why' });

/** The CONTRACT.md target shape (listed first), or a status saying why there are no figures. */
export const notYetOr = <T extends z.ZodType>(target: T, description: string) => z.union([target, NotYetAvailable]).describe(description);

// ---- item 6: transformer aging --------------------------------------------------------------------

export const TransformerAging = z
  .looseObject({
    status: z.string().optional().describe('why there is no thermal model (no kVA rating, no metered kWh, a dry-type class)'),
    lossOfLifeShare: z.number().optional().describe('loss of life / 180,000 h normal insulation life'),
    peakHotSpotC: z.number().nullable().optional().describe('highest winding hot-spot temperature, °C'),
    hoursAboveNameplate: z.number().optional(),
  })
  .describe('IEEE C57.91 clause 7 thermal model over the period: loss-of-life share, peak hot spot, hours above nameplate, the parameters used; or why there is none');

// ---- item 8: measured power quality ---------------------------------------------------------------

export const VoltageCompliance = z
  .looseObject({
    nominalV: z.number().nullable().describe('nominal line-to-neutral voltage, V'),
    ansiRangeA: z.looseObject({ withinShare: z.number().nullable().describe('share of voltage readings within ANSI C84.1 Range A, 0..1') }),
    en50160: z.looseObject({
      weeks: Count.describe('weeks with voltage data'),
      compliantWeeks: Count.describe('of those, weeks meeting EN 50160 supply-voltage variation limits'),
    }),
  })
  .meta({ id: 'VoltageCompliance', description: 'Measured voltage against ANSI C84.1 and EN 50160 (CONTRACT.md target shape)' });

export const VoltageEvents = z
  .looseObject({ sag: Count, swell: Count, interruption: Count, undervoltage: Count, overvoltage: Count })
  .meta({ id: 'VoltageEvents', description: 'Voltage events by IEEE 1159 category, counts (CONTRACT.md target shape)' });

export const Harmonics = z
  .looseObject({
    maxThdPct: z.number().nullable().describe('highest voltage THD, %'),
    limitPct: z.number().describe('voltage THD limit, %'),
    compliant: z.boolean().nullable().describe('maxThdPct within limitPct; null without THD data'),
  })
  .meta({ id: 'Harmonics', description: 'Voltage harmonic distortion against its limit (CONTRACT.md target shape)' });

// ---- item 10: outages ------------------------------------------------------------------------------

export const OutageYear = z
  .looseObject({
    year: year(),
    coverage: z.number().nullable().optional().describe('share of the year\'s intervals the service meter reported (null: a meter with events only); the counts rest on this'),
    sustained: Count.nullable().describe('sustained interruptions; null in a year the meter neither reported nor sent an event (unknown, not zero)'),
    momentary: Count.nullable().describe('momentary interruption events (IEEE 1366 MAIFI_E: momentary interruptions within 5 minutes are one event); null as for sustained'),
    minutes: z.number().nullable().describe('sustained interruption minutes, as SAIDI counts them; null as for sustained'),
    longestMinutes: z.number().nullable().describe('longest sustained interruption, minutes; null as for sustained'),
  })
  .meta({ id: 'OutageYear', description: "A year of the account's outages (CONTRACT.md target shape)" });

// ---- item 12: forecast -----------------------------------------------------------------------------

const errorMetrics = {
  cvrmse: z.number().nullable().describe('CV(RMSE), a fraction (ASHRAE Guideline 14)'),
  nmbe: z.number().nullable().describe('NMBE, a fraction (ASHRAE Guideline 14)'),
  mape: z.number().nullable().describe('mean absolute percentage error, a fraction'),
};

export const Forecast = z
  .looseObject({
    dayAhead: z
      .array(z.looseObject({
        ts: Instant.describe('interval start, ISO 8601 instant'),
        kw: z.number().nullable().describe('forecast average kW of the interval'),
        low: z.number().nullable().describe('lower bound, kW'),
        high: z.number().nullable().describe('upper bound, kW'),
      }))
      .describe('the local day after `to`, from data up to the end of `to`'),
    monthly: z.array(z.looseObject({ month: month(), kwh: z.number().nullable().describe('kWh'), peakKw: z.number().nullable().describe('kW') })).describe('the 12 months after `to`'),
    backtest: z.looseObject({ ...errorMetrics, baseline: z.looseObject(errorMetrics).describe('the same metrics for the baseline model') }),
  })
  .meta({ id: 'Forecast', description: 'Load forecast (CONTRACT.md target shape)' });
