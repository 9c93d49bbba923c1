/**
 * One VEE pass over what a write touched on one channel: validation flags and gap estimates for the
 * range, with enough context around it, written beside the readings (migrations/0010).
 *
 * Ranges, for touched interval starts [fromMs, toMs):
 * - affected A = the touched range widened by AFFECT_MARGIN_MS (1 day) on each side: the readings whose
 *   verdict a touched reading can change (a spike's 8-interval window, a 4-hour zero run, the reading
 *   that ends a gap the touched one shortened). Flags of the channel's rules are replaced over A.
 * - estimated E = A widened by the longest estimated gap (7 days) on each side: a touched reading may
 *   end (or split) a gap that started up to 7 days before it. Estimates are replaced over E; a gap that
 *   crosses E's edge is estimated whole.
 * - loaded L = E widened by 36 days before (a 7-day gap, the 1-day scale window and the 4 like-day weeks
 *   behind them) and 8 days after (a 7-day gap and the scale window after it). Channels that are not
 *   estimated (everything but energy and volume) load only A widened by NO_ESTIMATE_CONTEXT_MS (1 day):
 *   enough for the spike window and for judging a zero run, and a 1-minute kW channel stays small.
 * Rules run over the whole of L (kwh_kw over A only: the kW channel is read just there); only the flags
 * inside A are kept. A gap or zero run longer than L is judged by the part of it inside L (README "VEE").
 *
 * Reads and writes run in one transaction that first takes the channel's VEE lock, so two passes over
 * one channel (the ingest worker's runner and `keymeter vee run`) write in the order they read.
 */
import { isCumulativeKind, type ChannelKind } from '../core/channels.js';
import { localCalendar } from '../core/calendar.js';
import { IntervalGrid } from '../core/ingest/interval-grid.js';
import { MINUTE_MS, type IntervalSeries } from '../core/series.js';
import { ESTIMATE_METHODS, estimateGaps, LIKE_DAY_MAX_MINUTES, LIKE_DAY_SCALE_WINDOW_MINUTES, LIKE_DAY_WEEKS } from '../core/vee/estimate.js';
import { kwhKwFlags } from '../core/vee/kwh-kw.js';
import { rulesFor, validateSeries } from '../core/vee/validate.js';
import { DAY_MS } from '../core/time-zone.js';
import { withTransaction, type Pool, type PoolClient } from '../db/pool.js';
import { fetchChannelSeries } from '../db/queries/series.js';
import {
  lockChannelForVee, overlayLatestEdits, replaceEstimates, replaceFlags, selectPrevReadingMs, selectVeeChannel,
  type FlagRows, type VeeChannel,
} from '../db/queries/vee.js';

export const AFFECT_MARGIN_MS = DAY_MS;
const GAP_REACH_MS = LIKE_DAY_MAX_MINUTES * MINUTE_MS;
const SCALE_WINDOW_MS = LIKE_DAY_SCALE_WINDOW_MINUTES * MINUTE_MS;
const CONTEXT_BEFORE_MS = GAP_REACH_MS + SCALE_WINDOW_MS + LIKE_DAY_WEEKS * 7 * DAY_MS;
const CONTEXT_AFTER_MS = GAP_REACH_MS + SCALE_WINDOW_MS;
const NO_ESTIMATE_CONTEXT_MS = DAY_MS;

/** Interval starts a write touched on a channel: [fromMs, toMs), epoch ms. */
export interface TouchedRange {
  channelId: number;
  fromMs: number;
  toMs: number;
}

export interface VeePassResult {
  channelId: number;
  /** The affected range A whose flags were replaced. */
  fromMs: number;
  toMs: number;
  flagsWritten: number;
  flagsDeleted: number;
  estimatesWritten: number;
  estimatesDeleted: number;
}

/**
 * Runs VEE over a touched range of one channel; for a kw channel, then over the meter's kwh_del channel
 * too (rule `kwh_kw` lives there). A channel that no longer exists gives no result.
 */
export async function runVee(pool: Pool, touched: TouchedRange): Promise<VeePassResult[]> {
  const results: VeePassResult[] = [];
  const done = await withTransaction(pool, async (c) => {
    const ch = await selectVeeChannel(c, touched.channelId);
    if (!ch) return undefined;
    await lockChannelForVee(c, ch.id);
    results.push(await pass(c, ch, touched));
    return ch;
  });
  if (done?.kind === 'kw' && done.kwhId !== undefined) results.push(...(await runVee(pool, { ...touched, channelId: done.kwhId })));
  return results;
}

async function pass(c: PoolClient, ch: VeeChannel, touched: TouchedRange): Promise<VeePassResult> {
  const grid = new IntervalGrid(ch.intervalMinutes, ch.timeZone);
  const stepMs = grid.intervalMs;
  const a0 = grid.startOf(touched.fromMs - AFFECT_MARGIN_MS);
  const a1 = grid.startOf(touched.toMs - 1 + AFFECT_MARGIN_MS) + stepMs;
  const e0 = a0 - GAP_REACH_MS;
  const e1 = a1 + GAP_REACH_MS;
  const kind = ch.kind as ChannelKind;
  const estimated = isCumulativeKind(kind);
  const l0 = grid.startOf(estimated ? e0 - CONTEXT_BEFORE_MS : a0 - NO_ESTIMATE_CONTEXT_MS);
  const l1 = grid.startOf(estimated ? e1 + CONTEXT_AFTER_MS : a1 + NO_ESTIMATE_CONTEXT_MS);
  const raw = await fetchChannelSeries(c, ch.id, ch.intervalMinutes, l0, l1);
  const iA0 = Math.round((a0 - l0) / stepMs);
  const iA1 = Math.round((a1 - l0) / stepMs);
  const input = { kind, series: raw, prevReadingMs: await selectPrevReadingMs(c, ch.id, l0) };
  const kw = await kwSeries(c, ch, a0, a1);
  const rules = rulesFor({ ...input, kw });
  const flags = validateSeries(input);
  if (kw) {
    const kwhA: IntervalSeries = { startMs: a0, intervalMinutes: ch.intervalMinutes, values: raw.values.subarray(iA0, iA1) };
    for (const f of kwhKwFlags(kwhA, kw)) flags.push({ ...f, index: f.index + iA0 });
  }
  const rows: FlagRows = { tsMs: [], rule: [], detail: [] };
  for (const f of flags) {
    if (f.index < iA0 || f.index >= iA1) continue;
    rows.tsMs.push(l0 + f.index * stepMs);
    rows.rule.push(f.rule);
    rows.detail.push(JSON.stringify(f.detail));
  }
  const flagged = await replaceFlags(c, ch.id, a0, a1, rules, rows);
  const result: VeePassResult = { channelId: ch.id, fromMs: a0, toMs: a1, flagsWritten: flagged.written, flagsDeleted: flagged.deleted, estimatesWritten: 0, estimatesDeleted: 0 };
  // Estimates only for energy and volume: a voltage, PF or THD that was not measured stays unmeasured.
  if (!estimated) return result;
  const basis = new Float64Array(raw.values);
  await overlayLatestEdits(c, ch.id, ch.intervalMinutes, l0, l1, basis);
  const basisSeries: IntervalSeries = { startMs: l0, intervalMinutes: ch.intervalMinutes, values: basis };
  const est = estimateGaps(basisSeries, localCalendar(basisSeries, ch.timeZone), Math.round((e0 - l0) / stepMs), Math.round((e1 - l0) / stepMs));
  const estRows = { tsMs: [] as number[], values: [] as number[], method: [] as string[] };
  for (let i = 0; i < est.method.length; i++) {
    const m = est.method[i]!;
    if (m === 0) continue;
    estRows.tsMs.push(l0 + i * stepMs);
    estRows.values.push(est.values[i]!);
    estRows.method.push(ESTIMATE_METHODS[m]!);
  }
  const replaced = await replaceEstimates(c, ch.id, e0, e1, estRows);
  result.estimatesWritten = replaced.written;
  result.estimatesDeleted = replaced.deleted;
  return result;
}

/** The meter's kw series over [a0, a1) for rule kwh_kw, when the channel is kwh_del and kw's interval divides it. */
async function kwSeries(c: PoolClient, ch: VeeChannel, a0: number, a1: number): Promise<IntervalSeries | undefined> {
  if (ch.kind !== 'kwh_del' || ch.kw === undefined || ch.intervalMinutes % ch.kw.intervalMinutes !== 0) return undefined;
  return fetchChannelSeries(c, ch.kw.id, ch.kw.intervalMinutes, a0, a1);
}
