/**
 * GET /v1/meters/{meterId}/readings (CONTRACT.md "HTTP"): stored readings of one channel, ascending,
 * `from` inclusive and `to` exclusive, `limit` up to 100,000 (larger values are capped, not refused),
 * with the URL of the next page while more remain.
 *
 * `view=raw` (the default, what the contract describes) gives the stored readings as they arrived;
 * `view=effective` the values the channel reads as after VEE (migrations/0010): the latest edit, else
 * the reading, else an estimate, with quality `actual`, `estimated` or `edited`, the raw value beside an
 * edited one, and the estimation method. Both views carry each reading's validation flags, when it has any.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNEL_KINDS } from '../../core/channels.js';
import { Id } from '../../core/bundle/schema.js';
import type { Database } from '../../db/pool.js';
import { channelOf, meterAccountId, selectReadingsPage } from '../../db/queries/readings-read.js';
import { selectEffectivePage, type EffectiveRow } from '../../db/queries/readings-effective.js';
import { selectFlags, type FlagRow } from '../../db/queries/vee.js';
import { QUALITY_NAMES } from '../../core/vee/quality.js';
import { KeymeterError } from '../../errors.js';
import { canReadAccount, principalOf } from '../auth.js';
import { problemResponses } from '../problem.js';

export const MAX_READINGS_LIMIT = 100_000;
const DEFAULT_READINGS_LIMIT = 10_000;
/** Stored quality codes (table reading_quality) as the API names them; `edited` is never stored. */
const RAW_QUALITY_NAMES = ['actual', 'estimated'] as const;
const rawQualityName = (code: number): string => RAW_QUALITY_NAMES[code] ?? `code-${code}`;
const FAR_PAST = '0001-01-01T00:00:00Z';
const FAR_FUTURE = '9999-12-31T00:00:00Z';

const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' });

const Query = z.object({
  channel: z.enum(CHANNEL_KINDS),
  from: Instant.optional().describe('inclusive'),
  to: Instant.optional().describe('exclusive'),
  limit: z.coerce.number().int().positive().default(DEFAULT_READINGS_LIMIT).transform((n) => Math.min(n, MAX_READINGS_LIMIT))
    .describe(`at most ${MAX_READINGS_LIMIT}; larger values are capped`),
  view: z.enum(['raw', 'effective']).default('raw')
    .describe('raw: the stored readings as they arrived (default); effective: after VEE, the latest edit, else the reading, else an estimate'),
});

const Flag = z.object({
  rule: z.string().describe('gap, spike, negative, zero_run, kwh_kw or register_sum (README "VEE")'),
  detail: z.record(z.string(), z.unknown()),
});

const Reading = z.object({
  ts: z.string(),
  value: z.number(),
  quality: z.string().describe(`${QUALITY_NAMES.join(', ')} (edited: effective view only)`),
  rawValue: z.number().optional().describe('effective view: the stored reading an edit replaced'),
  method: z.string().optional().describe('effective view: how an estimated value was estimated (linear, like_day)'),
  editVersion: z.number().int().optional().describe("effective view: the channel's edit version that gave the value"),
  flags: z.array(Flag).optional().describe('validation flags of the reading (absent: none)'),
});
type Reading = z.infer<typeof Reading>;

const Reply = z.object({
  meterId: z.string(),
  channel: z.string(),
  unit: z.string().nullable(),
  intervalMinutes: z.number().int(),
  readings: z.array(Reading),
  next: z.string().nullable().describe('URL of the next page, or null'),
});

export const readingsRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  app.get('/meters/:meterId/readings', {
    schema: {
      tags: ['readings'], summary: "Stored readings of one of a meter's channels",
      params: z.object({ meterId: Id }), querystring: Query,
      response: { 200: Reply, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const { meterId } = req.params;
    const q = req.query;
    const accountId = await meterAccountId(db.pool, meterId);
    const p = principalOf(req);
    // A key that may not read the account learns nothing, not even whether the meter exists.
    if (accountId === undefined || !canReadAccount(p, accountId)) {
      if (p.role === 'admin' || p.role === 'engineer') throw new KeymeterError('KM_NOT_FOUND', `no meter '${meterId}'`);
      throw new KeymeterError('KM_FORBIDDEN', 'this key may not read that meter');
    }
    const channel = await channelOf(db.pool, meterId, q.channel);
    if (!channel) throw new KeymeterError('KM_NOT_FOUND', `meter '${meterId}' has no '${q.channel}' channel`);
    const fromIso = q.from ?? FAR_PAST;
    const toIso = q.to ?? FAR_FUTURE;
    let readings: Reading[];
    let more: boolean;
    if (q.view === 'effective') {
      const rows = await selectEffectivePage(db.pool, channel.id, fromIso, toIso, q.limit + 1);
      more = rows.length > q.limit;
      readings = rows.slice(0, q.limit).map(effectiveReading);
    } else {
      const page = await selectReadingsPage(db.pool, channel.id, fromIso, toIso, q.limit + 1);
      more = page.tsMs.length > q.limit;
      const n = Math.min(page.tsMs.length, q.limit);
      readings = new Array<Reading>(n);
      for (let i = 0; i < n; i++) {
        readings[i] = { ts: new Date(page.tsMs[i]!).toISOString(), value: page.values[i]!, quality: rawQualityName(page.quality[i]!) };
      }
    }
    const n = readings.length;
    if (n > 0) attachFlags(readings, await selectFlags(db.pool, channel.id, readings[0]!.ts, readings[n - 1]!.ts));
    let next: string | null = null;
    if (more) {
      const params = new URLSearchParams({ channel: q.channel, from: new Date(Date.parse(readings[n - 1]!.ts) + 1).toISOString(), limit: String(q.limit) });
      if (q.to) params.set('to', q.to);
      if (q.view !== 'raw') params.set('view', q.view);
      next = `/v1/meters/${encodeURIComponent(meterId)}/readings?${params.toString()}`;
    }
    return { meterId, channel: q.channel, unit: channel.unit, intervalMinutes: channel.intervalMinutes, readings, next };
  });
};

/** An interval of the effective view: the latest edit, else the reading, else the estimate. */
function effectiveReading(r: EffectiveRow): Reading {
  const ts = new Date(r.tsMs).toISOString();
  if (r.editValue !== null) {
    return { ts, value: r.editValue, quality: 'edited', ...(r.rawValue === null ? {} : { rawValue: r.rawValue }), ...(r.editVersion === null ? {} : { editVersion: r.editVersion }) };
  }
  if (r.rawValue !== null) return { ts, value: r.rawValue, quality: rawQualityName(r.rawQuality ?? 0) };
  return { ts, value: r.estimateValue!, quality: 'estimated', ...(r.method === null ? {} : { method: r.method }) };
}

/** Puts each flag on the reading with its ts (both lists ascending). */
function attachFlags(readings: Reading[], flags: readonly FlagRow[]): void {
  let k = 0;
  for (const r of readings) {
    const ms = Date.parse(r.ts);
    while (k < flags.length && flags[k]!.tsMs < ms) k++;
    while (k < flags.length && flags[k]!.tsMs === ms) {
      (r.flags ??= []).push({ rule: flags[k]!.rule, detail: flags[k]!.detail });
      k++;
    }
  }
}
