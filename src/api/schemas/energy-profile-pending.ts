/**
 * The analysis items of the Section 4 document (CONTRACT.md "The Section 4 document"): transformer aging
 * (item 6), measured power quality (item 8), outages (item 10) and the forecast (item 12). Each is its
 * figures or `{status}` saying why there are none (missing data, no rating, ...). Unlike the items of
 * energy-profile.ts these objects are loose on purpose: they declare the CONTRACT.md fields and those
 * build.ts emits, and let further analysis fields through, since the engineering endpoints
 * (GET /v1/sites/{id}/power-quality, /v1/transformers/{id}/loading) and the stored forecasts
 * (GET /v1/accounts/{id}/forecast) carry the full detail and grow with it. (The file keeps its name
 * from when these items were placeholders; `NOT_YET_STATUS` is still the placeholder's text.)
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
    momentaryInterruptions: Count.nullable().optional().describe('momentary interruptions (what MAIFI counts); null as for sustained'),
    minutes: z.number().nullable().describe('sustained interruption minutes, as SAIDI counts them; null as for sustained'),
    longestMinutes: z.number().nullable().describe('longest interruption, minutes; null as for sustained'),
    inferred: Count.nullable().optional().describe('of the interruptions counted, those inferred from interval data (voltages, reporting gaps) rather than events'),
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
    monthly: z.array(z.looseObject({
      month: month(),
      kwh: z.number().nullable().describe('kWh'),
      peakKw: z.number().nullable().describe('kW'),
      kwhLow: z.number().nullable().optional().describe('lower bound of the 80 % prediction interval, kWh (null until 12 monthly backtest pairs exist)'),
      kwhHigh: z.number().nullable().optional().describe('upper bound, kWh'),
      peakKwLow: z.number().nullable().optional().describe('lower bound, kW'),
      peakKwHigh: z.number().nullable().optional().describe('upper bound, kW'),
    })).describe('the 12 local months that start after the end of `to`'),
    backtest: z.looseObject({ ...errorMetrics, baseline: z.looseObject(errorMetrics).describe('the same metrics for the naive baseline (same interval last week)') })
      .describe('rolling-origin day-ahead backtest over the 8 weeks before the end of `to`, on local hours'),
    model: z.looseObject({
      dayAhead: z.string().describe('the day-ahead model in words'),
      holidays: z.string().nullable().describe('the site\'s public-holiday calendar (bundle `holidays`)'),
      holidaysObserved: z.array(z.string()).describe('holidays the load shows the site closes on: forecast and learned as Sundays'),
      holidaysWorked: z.array(z.string()).describe('holidays the load shows the site works on'),
      temperature: z.looseObject({
        meterId: z.string(),
        used: z.boolean().describe('the temperature terms were kept by validation'),
        weather: z.literal('persistence').describe('the target day gets the day before\'s temperature'),
      }).nullable().describe('the `temp` channel the model read, or null without one'),
    }).optional(),
  })
  .meta({ id: 'Forecast', description: 'Load forecast (CONTRACT.md target shape)' });
