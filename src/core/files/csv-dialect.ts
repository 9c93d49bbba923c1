/**
 * The dialect of a readings CSV, detected from its first lines: the delimiter (comma, semicolon or tab,
 * RFC 4180 allowing only the comma but spreadsheets in decimal-comma locales writing semicolons) and the
 * decimal separator (a point, or a comma where the delimiter is not one).
 */

export type Delimiter = ',' | ';' | '\t';
const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/** Counts each candidate delimiter outside double quotes (RFC 4180 §2.5-2.7 quoting). */
function countOutsideQuotes(line: string): Map<Delimiter, number> {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c as Delimiter)) counts.set(c as Delimiter, counts.get(c as Delimiter)! + 1);
  }
  return counts;
}

/**
 * The delimiter of a CSV from its header line: the candidate that occurs most often outside quotes
 * (a header names several columns). Ties go in the order comma, semicolon, tab. Undefined when none occurs.
 */
export function detectDelimiter(headerLine: string): Delimiter | undefined {
  const counts = countOutsideQuotes(headerLine);
  let best: Delimiter | undefined;
  for (const d of DELIMITERS) if (counts.get(d)! > 0 && (best === undefined || counts.get(d)! > counts.get(best)!)) best = d;
  return best;
}

const POINT_DECIMAL = /^[+-]?\d*\.\d+$/;
const COMMA_DECIMAL = /^[+-]?\d*,\d+$/;

/**
 * The decimal separator of the value fields sampled from the first data rows: a comma when some value
 * has a decimal comma and none a decimal point, else a point. With a comma delimiter the separator is
 * always a point. Undefined when the sample mixes both (the file is ambiguous: say so instead of guessing).
 */
export function detectDecimalSeparator(delimiter: Delimiter, sampleValues: readonly string[]): '.' | ',' | undefined {
  if (delimiter === ',') return '.';
  let point = false;
  let comma = false;
  for (const v of sampleValues) {
    const s = v.trim();
    if (POINT_DECIMAL.test(s)) point = true;
    else if (COMMA_DECIMAL.test(s)) comma = true;
  }
  if (point && comma) return undefined;
  return comma ? ',' : '.';
}

const NUMBER_POINT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_COMMA = /^[+-]?(?:\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number written with `separator`, or NaN: no thousands separators, no `NaN` or `Infinity`
 * (a value must be a finite number), surrounding blanks allowed.
 */
export function parseDecimal(text: string, separator: '.' | ','): number {
  const s = text.trim();
  if (separator === '.') return NUMBER_POINT.test(s) ? Number(s) : NaN;
  return NUMBER_COMMA.test(s) ? Number(s.replace(',', '.')) : NaN;
}
