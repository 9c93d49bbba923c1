/**
 * Editing (VEE): POST /v1/meters/{meterId}/edits replaces a channel's values over [from, to) with a
 * reason (engineer or admin); GET lists a meter's edits, newest first. An edit never touches the raw
 * readings (migrations/0010): it is a new version of the channel whose values win over readings and
 * estimates (GET .../readings?view=effective), audited in audit_log.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNEL_KINDS } from '../../core/channels.js';
import { Id } from '../../core/bundle/schema.js';
import { IntervalGrid } from '../../core/ingest/interval-grid.js';
import { isoUtc } from '../../core/time-zone.js';
import { withTransaction, type Database } from '../../db/pool.js';
import { insertAudit } from '../../db/queries/audit.js';
import { insertEdit, listEdits, selectEditChannel } from '../../db/queries/edits.js';
import { meterAccountId } from '../../db/queries/readings-read.js';
import { lockChannelForVee } from '../../db/queries/vee.js';
import { KeymeterError } from '../../errors.js';
import { canReadAccount, principalOf, requireRole } from '../auth.js';
import { problemResponses } from '../problem.js';

/** Intervals one edit may replace: a year of 5-minute data. */
export const MAX_EDIT_INTERVALS = 105_120;
const MAX_LIST_LIMIT = 1_000;
const DEFAULT_LIST_LIMIT = 100;

const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' });
const FiniteNumber = z.number(); // zod 4 refuses Infinity and NaN

const EditBody = z.object({
  channel: z.enum(CHANNEL_KINDS),
  from: Instant.describe('start of the first replaced interval, inclusive; on the channel\'s interval grid'),
  to: Instant.describe('end of the last replaced interval, exclusive; on the grid'),
  reason: z.string().trim().min(1).max(2000).describe('why the values are replaced (kept with the edit and in the audit log)'),
  value: FiniteNumber.optional().describe('one value for every interval of the range'),
  values: z.array(FiniteNumber).min(1).max(MAX_EDIT_INTERVALS).optional().describe('one value per interval of the range, in order'),
}).refine((b) => (b.value === undefined) !== (b.values === undefined), { message: 'give either value or values', path: ['value'] });

const EditCreated = z.object({
  editId: z.number().int(),
  version: z.number().int().describe("the channel's edit version: 1 for its first edit, then 2, 3, ..."),
  meterId: z.string(),
  channel: z.string(),
  from: z.string(),
  to: z.string(),
  intervals: z.number().int(),
  reason: z.string(),
  createdAt: z.string(),
});

const EditList = z.object({
  meterId: z.string(),
  edits: z.array(z.object({
    editId: z.number().int(), version: z.number().int(), channel: z.string(), from: z.string(), to: z.string(),
    reason: z.string(), actor: z.string(), createdAt: z.string(),
    values: z.array(z.number()).describe('one per interval from `from`, in order'),
  })),
});

export const editRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'> }> = async (app, { db }) => {
  app.post('/meters/:meterId/edits', {
    schema: {
      tags: ['readings'], summary: "Replace a channel's values over a range, with a reason (engineer or admin); versioned and audited",
      description: 'The raw readings stay as they are (GET .../readings, the default `view=raw`); the edit gives the effective values (`view=effective`, quality `edited`). Each edit is a new version of the channel.',
      params: z.object({ meterId: Id }), body: EditBody,
      response: { 201: EditCreated, ...problemResponses(400, 401, 403, 404, 422) },
    },
    // Before body validation, so a key that may not edit learns nothing from a 400.
    preValidation: async (req) => {
      requireRole(req, 'admin', 'engineer');
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const { meterId } = req.params;
    const b = req.body;
    const accountId = await meterAccountId(db.pool, meterId);
    if (accountId === undefined) throw new KeymeterError('KM_NOT_FOUND', `no meter '${meterId}'`);
    const ch = await selectEditChannel(db.pool, meterId, b.channel);
    if (!ch) throw new KeymeterError('KM_NOT_FOUND', `meter '${meterId}' has no '${b.channel}' channel`);
    const grid = new IntervalGrid(ch.intervalMinutes, ch.timeZone);
    const fromMs = Date.parse(b.from);
    const toMs = Date.parse(b.to);
    const issues: { path: string; message: string }[] = [];
    if (!grid.isStart(fromMs)) issues.push({ path: 'from', message: `must start an interval of the ${ch.intervalMinutes}-minute grid` });
    if (!grid.isStart(toMs)) issues.push({ path: 'to', message: `must start an interval of the ${ch.intervalMinutes}-minute grid` });
    if (!(fromMs < toMs)) issues.push({ path: 'to', message: 'must be after from' });
    if (issues.length > 0) throw new KeymeterError('KM_VALIDATION', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
    const tsMs: number[] = [];
    for (let t = fromMs; t < toMs; t = grid.next(t)) {
      if (tsMs.length === MAX_EDIT_INTERVALS) throw new KeymeterError('KM_RANGE_TOO_WIDE', `an edit replaces at most ${MAX_EDIT_INTERVALS} intervals`);
      tsMs.push(t);
    }
    if (b.values !== undefined && b.values.length !== tsMs.length) {
      const message = `must have one value per interval of the range: ${tsMs.length}, not ${b.values.length}`;
      throw new KeymeterError('KM_VALIDATION', `values: ${message}`, { issues: [{ path: 'values', message }] });
    }
    const values = b.values ?? tsMs.map(() => b.value!);
    const stored = await withTransaction(db.pool, async (c) => {
      await lockChannelForVee(c, ch.id);
      const e = await insertEdit(c, { channelId: ch.id, fromMs, toMs, reason: b.reason, actor: `key:${p.keyId}`, tsMs, values });
      await insertAudit(c, `key:${p.keyId}`, 'reading_edit.create', accountId, {
        meterId, channel: b.channel, editId: e.id, version: e.version, from: isoUtc(fromMs), to: isoUtc(toMs), intervals: e.intervals, reason: b.reason,
      });
      return e;
    });
    return reply.code(201).send({
      editId: stored.id, version: stored.version, meterId, channel: b.channel, from: isoUtc(fromMs), to: isoUtc(toMs),
      intervals: stored.intervals, reason: b.reason, createdAt: new Date(stored.createdMs).toISOString(),
    });
  });

  app.get('/meters/:meterId/edits', {
    schema: {
      tags: ['readings'], summary: "A meter's edits (every version), newest first",
      params: z.object({ meterId: Id }),
      querystring: z.object({
        channel: z.enum(CHANNEL_KINDS).optional(),
        limit: z.coerce.number().int().positive().default(DEFAULT_LIST_LIMIT).transform((n) => Math.min(n, MAX_LIST_LIMIT)).describe(`at most ${MAX_LIST_LIMIT}`),
      }),
      response: { 200: EditList, ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const { meterId } = req.params;
    const accountId = await meterAccountId(db.pool, meterId);
    const p = principalOf(req);
    // As GET .../readings: a key that may not read the account learns nothing, not even whether the meter exists.
    if (accountId === undefined || !canReadAccount(p, accountId)) {
      if (p.role === 'admin' || p.role === 'engineer') throw new KeymeterError('KM_NOT_FOUND', `no meter '${meterId}'`);
      throw new KeymeterError('KM_FORBIDDEN', 'this key may not read that meter');
    }
    const rows = await listEdits(db.pool, meterId, req.query.channel, req.query.limit);
    return {
      meterId,
      edits: rows.map((e) => ({
        editId: e.id, version: e.version, channel: e.channel, from: isoUtc(e.fromMs), to: isoUtc(e.toMs),
        reason: e.reason, actor: e.actor, createdAt: new Date(e.createdMs).toISOString(), values: e.values,
      })),
    };
  });
};
