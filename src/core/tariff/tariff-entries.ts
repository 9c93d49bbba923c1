/**
 * Checks a list of OpenEI URDB rate items at once, as an import does (the `tariffs[]` of an account
 * bundle, the `items` of a URDB API response): every item goes through parseUrdbRate and every issue of
 * every item is reported with its full JSON path, so one run names all that must change.
 */
import { KeymeterError, type ErrorCode, type ErrorIssue } from '../../errors.js';
import { parseUrdbRate, type UrdbTariff } from './urdb-rate.js';

export interface TariffEntriesOptions {
  /** The JSON path of item i's rate (`tariffs[0].urdb`, `items[2]`, or '' for a lone item). */
  readonly pathOf: (index: number) => string;
  /** The code when some item is malformed (KM_BUNDLE_INVALID inside a bundle, else KM_VALIDATION). */
  readonly malformedCode: ErrorCode;
}

/**
 * Compiles every rate item, or throws one KeymeterError listing the issues of all of them: `malformedCode`
 * when any item is malformed, KM_TARIFF_UNSUPPORTED when the only issues are features the engine does
 * not bill.
 */
export function checkTariffEntries(items: readonly unknown[], options: TariffEntriesOptions): UrdbTariff[] {
  const issues: ErrorIssue[] = [];
  let malformed = false;
  const compiled: UrdbTariff[] = [];
  items.forEach((item, i) => {
    try {
      compiled.push(parseUrdbRate(item, options.pathOf(i)));
    } catch (err) {
      if (!(err instanceof KeymeterError) || (err.code !== 'KM_VALIDATION' && err.code !== 'KM_TARIFF_UNSUPPORTED')) throw err;
      if (err.code === 'KM_VALIDATION') malformed = true;
      issues.push(...(err.issues ?? []));
    }
  });
  if (issues.length > 0) {
    throw new KeymeterError(malformed ? options.malformedCode : 'KM_TARIFF_UNSUPPORTED', issues.map((x) => `${x.path}: ${x.message}`).join('; '), { issues });
  }
  return compiled;
}
