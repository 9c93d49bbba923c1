/**
 * Field vocabulary shared by the Section 4 response schemas (src/api/schemas/energy-profile*.ts): local
 * months and dates, instants, counts and completeness, each with the unit or calendar it is read in.
 */
import { z } from 'zod';

export const LocalMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM').meta({ id: 'LocalMonth', description: 'A month YYYY-MM in the site time zone' });
export const LocalDate = z.iso.date().meta({ id: 'LocalDate', description: 'A calendar date YYYY-MM-DD (local to the site where it is a day of data)' });
/** core/time-zone.ts isoUtc: RFC 3339 UTC with `Z`, milliseconds only when not zero. */
export const Instant = z.iso.datetime().meta({ id: 'Instant', description: 'An instant, RFC 3339 in UTC (`2026-01-05T10:15:00Z`)' });
export const Year = z.int();
export const Count = z.int().nonnegative();
/** present / expected intervals: bounded by construction (core/consumption.ts `share`). */
export const Completeness = z.number().min(0).max(1);
export const Ids = z.array(z.string());

export const month = () => LocalMonth.describe('local month YYYY-MM in the site time zone');
export const year = () => Year.describe('local calendar year');
export const completeness = (of: string) => Completeness.describe(`share of ${of} expected intervals present, 0..1 (4 decimals)`);
