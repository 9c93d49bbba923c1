/**
 * Stored forecasts (src/forecasts): GET /v1/accounts/{id}/forecast (a forecast with the measured values
 * since) and the listing. The model's detail is the core's output as it is (src/core/forecast/forecast.ts
 * `ForecastDetail`), documented there.
 */
import { z } from 'zod';
import { Instant, month } from './section4-fields.js';

const LocalDate = z.string().describe('local date YYYY-MM-DD in the account\'s zone');

const metrics = {
  cvrmse: z.number().nullable().describe('CV(RMSE), a fraction (ASHRAE Guideline 14, p = 0)'),
  nmbe: z.number().nullable().describe('NMBE, a fraction; positive when the forecast was below the measured (ASHRAE Guideline 14)'),
  mape: z.number().nullable().describe('mean absolute percentage error over the points with a non-zero measured value, a fraction'),
};

const Scored = z.strictObject({ n: z.number().int().describe('points scored'), ...metrics });

export const ForecastMetaSchema = z.strictObject({
  id: z.uuid(),
  accountId: z.string(),
  asOf: LocalDate.describe('the last local day of data the forecast used; its day ahead is the day after'),
  madeAt: Instant,
  madeBy: z.string().describe('`schedule`, `cli`, or `key:<api key id>`'),
  timeZone: z.string(),
  historyFrom: LocalDate.describe('first local day of the history the model learned from'),
  intervalMinutes: z.number().int(),
  href: z.string().describe('GET this for the forecast with the measured values since'),
}).meta({ id: 'StoredForecastMeta' });

export const StoredForecast = z.strictObject({
  id: z.uuid(),
  accountId: z.string(),
  asOf: LocalDate.describe('the last local day of data the forecast used (the newest stored one at or before the `asOf` asked for)'),
  madeAt: Instant,
  madeBy: z.string(),
  timeZone: z.string(),
  historyFrom: LocalDate,
  intervalMinutes: z.number().int(),
  holidays: z.string().nullable().describe('the site\'s public-holiday calendar (bundle `holidays`)'),
  holidayDecisions: z.array(z.strictObject({
    name: z.string(),
    observed: z.boolean().describe('the site closes: forecast and learned as a Sunday'),
    judged: z.number().int().describe('past weekday occurrences with complete data'),
    closed: z.number().int().describe('of those, how many looked like a Sunday'),
    meanRatio: z.number().nullable().describe('mean (E - Sunday) / (weekday - Sunday) of those: 0 closed, 1 working'),
  })).describe('per holiday of the calendar: whether the site\'s load shows it observes it (no past occurrence: observed)'),
  temperatureMeterId: z.string().nullable().describe('the meter whose `temp` channel fed the temperature terms (persistence: the day before\'s temperature for the target day), or null'),
  dayAhead: z.array(z.strictObject({
    ts: Instant.describe('interval start'),
    kw: z.number().nullable().describe('forecast average kW'),
    low: z.number().nullable().describe('lower bound of the prediction interval, kW'),
    high: z.number().nullable().describe('upper bound, kW'),
    actualKw: z.number().nullable().describe('measured average kW now (null: not measured yet, or missing)'),
  })).describe('the local day after `asOf`'),
  monthly: z.array(z.strictObject({
    month: month(),
    kwh: z.number().nullable(),
    peakKw: z.number().nullable(),
    kwhLow: z.number().nullable(),
    kwhHigh: z.number().nullable(),
    peakKwLow: z.number().nullable(),
    peakKwHigh: z.number().nullable(),
    actual: z.strictObject({
      kwh: z.number().nullable().describe('measured kWh so far (null: nothing measured)'),
      peakKw: z.number().nullable(),
      completeness: z.number().describe('share of the month\'s intervals measured'),
      ended: z.boolean().describe('the month is over in the account\'s zone'),
    }),
  })).describe('the 12 local months that start after the end of `asOf`'),
  backtest: z.strictObject({ ...metrics, baseline: z.strictObject(metrics).describe('same interval last week') })
    .describe('rolling-origin day-ahead backtest on the 8 weeks before `asOf`, local hours'),
  detail: z.looseObject({}).describe('models, variants chosen, prediction-interval method, monthly backtest (src/core/forecast/forecast.ts ForecastDetail)'),
  comparison: z.strictObject({
    readAt: Instant.describe('when the measured values were read'),
    note: z.string().nullable(),
    dayAhead: Scored.extend({
      intervals: z.number().int().describe('intervals measured with a prediction interval'),
      withinBand: z.number().nullable().describe('share of those inside [low, high]'),
    }).describe('local hours whose intervals are all measured'),
    monthly: z.strictObject({ kwh: Scored, peakKw: Scored }).describe('months that have ended with at least 90% of their intervals measured'),
  }),
}).meta({ id: 'StoredForecast', description: 'A forecast stored as of a day, beside what the meters measured after it' });
