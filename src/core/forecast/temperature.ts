/**
 * Temperature terms of the day-ahead model: change-point (degree-hour) regressors in the manner of
 * ASHRAE Guideline 14-2014 (the inverse change-point models of ASHRAE RP-1050, its 5-parameter form:
 * load = base + β_h · max(0, T_h − T) + β_c · max(0, T − T_c)) and of CalTRACK's hourly method (the LBNL
 * time-of-week-and-temperature model: a time-of-week term plus temperature terms whose slopes differ
 * between occupied and unoccupied hours). Here the time-of-week term is the model's exponentially
 * weighted cell mean (day-ahead.ts), so the slopes are fitted within cells (Frisch–Waugh: cell-demeaned
 * load on cell-demeaned degree-hours) from weighted sums that the model keeps up to date day by day.
 *
 * Slopes are kept non-negative, as both methods require (a negative heating or cooling slope has no
 * physical reading): a term whose fitted slope is negative is dropped and the other refitted alone.
 */

/** Heating change points tried, °C (CalTRACK searches 55–65 °F for heating; hourly temperature swings wider). */
export const HEATING_BALANCE_C: readonly number[] = [8, 12, 16];
/** Cooling change points tried, °C (CalTRACK: 65–75 °F). */
export const COOLING_BALANCE_C: readonly number[] = [16, 20, 24];

/** Weighted sums kept per cell: w, wy, wx1, wx2, wx1x1, wx1x2, wx2x2, wx1y, wx2y, wyy. */
export const TEMPERATURE_STATS = 10;
const W = 0, Y = 1, X1 = 2, X2 = 3, X11 = 4, X12 = 5, X22 = 6, X1Y = 7, X2Y = 8, YY = 9;

/** Heating and cooling degree-hour regressors of one temperature, °C below / above the change points. */
export function heatingDegrees(temperatureC: number, heatingBalanceC: number): number {
  return temperatureC < heatingBalanceC ? heatingBalanceC - temperatureC : 0;
}
export function coolingDegrees(temperatureC: number, coolingBalanceC: number): number {
  return temperatureC > coolingBalanceC ? temperatureC - coolingBalanceC : 0;
}

/**
 * @internal Adds one weighted observation to the sums of one cell (`at` = cell × TEMPERATURE_STATS).
 * Most hours sit between the change points (no degree-hours); they touch only w, wy and wyy, and with the
 * heating point at or below the cooling point a heating and a cooling degree-hour never meet (wx1x2 = 0).
 */
export function addObservation(stats: Float64Array, at: number, w: number, y: number, x1: number, x2: number): void {
  const wy = w * y;
  stats[at + W] = stats[at + W]! + w;
  stats[at + Y] = stats[at + Y]! + wy;
  stats[at + YY] = stats[at + YY]! + wy * y;
  if (x1 !== 0) {
    const wx1 = w * x1;
    stats[at + X1] = stats[at + X1]! + wx1;
    stats[at + X11] = stats[at + X11]! + wx1 * x1;
    stats[at + X1Y] = stats[at + X1Y]! + wx1 * y;
    if (x2 !== 0) stats[at + X12] = stats[at + X12]! + wx1 * x2;
  }
  if (x2 !== 0) {
    const wx2 = w * x2;
    stats[at + X2] = stats[at + X2]! + wx2;
    stats[at + X22] = stats[at + X22]! + wx2 * x2;
    stats[at + X2Y] = stats[at + X2Y]! + wx2 * y;
  }
}

/** Heating and cooling slopes (load unit per °C) of one regime. */
export interface Slopes {
  heating: number;
  cooling: number;
}

/** Within-cell normal equations of one regime, summed over its cells. */
interface Normal {
  a11: number; a12: number; a22: number; b1: number; b2: number; cyy: number;
}

function emptyNormal(): Normal {
  return { a11: 0, a12: 0, a22: 0, b1: 0, b2: 0, cyy: 0 };
}

function addCell(n: Normal, s: Float64Array, at: number): void {
  const w = s[at + W]!;
  if (!(w > 0)) return;
  const x1 = s[at + X1]!;
  const x2 = s[at + X2]!;
  const y = s[at + Y]!;
  n.a11 += s[at + X11]! - (x1 * x1) / w;
  n.a12 += s[at + X12]! - (x1 * x2) / w;
  n.a22 += s[at + X22]! - (x2 * x2) / w;
  n.b1 += s[at + X1Y]! - (x1 * y) / w;
  n.b2 += s[at + X2Y]! - (x2 * y) / w;
  n.cyy += s[at + YY]! - (y * y) / w;
}

/** Relative size under which a regressor's within-cell variation counts as none (e.g. no heating hour in summer). */
const DEGENERATE = 1e-9;

/** Non-negative least squares of the 2×2 system, and the weighted SSE it leaves. */
function solve(n: Normal): { slopes: Slopes; sse: number } {
  const scale = Math.max(n.a11, n.a22, 1e-300);
  const one = (a: number, b: number): number => (a > DEGENERATE * scale && b > 0 ? b / a : 0);
  let h = 0;
  let c = 0;
  const det = n.a11 * n.a22 - n.a12 * n.a12;
  if (n.a11 > DEGENERATE * scale && n.a22 > DEGENERATE * scale && det > DEGENERATE * scale * scale) {
    h = (n.b1 * n.a22 - n.b2 * n.a12) / det;
    c = (n.b2 * n.a11 - n.b1 * n.a12) / det;
  }
  if (!(h > 0 && c > 0)) {
    // Unconstrained optimum outside the feasible set (or singular): the best single-term fits.
    const hOnly = one(n.a11, n.b1);
    const cOnly = one(n.a22, n.b2);
    const gainH = hOnly * n.b1;
    const gainC = cOnly * n.b2;
    [h, c] = gainH >= gainC ? [hOnly, 0] : [0, cOnly];
  }
  const sse = n.cyy - 2 * (h * n.b1 + c * n.b2) + h * h * n.a11 + 2 * h * c * n.a12 + c * c * n.a22;
  return { slopes: { heating: h, cooling: c }, sse };
}

/**
 * The slopes of the two regimes from per-cell sums: a cell is "occupied" (regime 1) when its weighted
 * mean load is above the weighted mean of all cells, as CalTRACK's hourly method separates occupied from
 * unoccupied times of week (there by how a temperature-only fit under-predicts them; here by level, which
 * needs no second fit). `occupied` receives the regime of each cell.
 */
export function fitSlopes(stats: Float64Array, cells: number, occupied: Uint8Array): { regimes: [Slopes, Slopes]; sse: number } {
  let sw = 0;
  let sy = 0;
  for (let c = 0; c < cells; c++) {
    sw += stats[c * TEMPERATURE_STATS + W]!;
    sy += stats[c * TEMPERATURE_STATS + Y]!;
  }
  const mean = sw > 0 ? sy / sw : 0;
  const normals = [emptyNormal(), emptyNormal()] as const;
  for (let c = 0; c < cells; c++) {
    const at = c * TEMPERATURE_STATS;
    const w = stats[at + W]!;
    const r = w > 0 && stats[at + Y]! / w > mean ? 1 : 0;
    occupied[c] = r;
    addCell(normals[r], stats, at);
  }
  const a = solve(normals[0]);
  const b = solve(normals[1]);
  return { regimes: [a.slopes, b.slopes], sse: a.sse + b.sse };
}

/**
 * The weighted cell mean with the temperature terms taken out (the cell's intercept): prediction =
 * intercept + slopes · degree-hours. NaN when the cell has no temperature-matched sample.
 */
export function cellIntercept(stats: Float64Array, cell: number, slopes: Slopes): number {
  const at = cell * TEMPERATURE_STATS;
  const w = stats[at + W]!;
  if (!(w > 0)) return Number.NaN;
  return (stats[at + Y]! - slopes.heating * stats[at + X1]! - slopes.cooling * stats[at + X2]!) / w;
}
