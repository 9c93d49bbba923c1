/**
 * GET /v1/meters/{meterId}/greenbutton?from&to (CONTRACT.md "HTTP"): the meter's stored readings as a
 * Green Button (ESPI) Atom feed that `keymeter import greenbutton` reads back to the same readings;
 * `view=effective` writes the values after VEE instead (edits and estimates with their ReadingQuality).
 * Access as for the readings route: a key that may not read the meter's account gets 403 (admin and
 * engineer keys, which read every account, get 404 for an unknown meter). The document is streamed a
 * page of readings at a time (src/core/espi/feed-writer.ts), so its size is not bounded by memory.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../core/bundle/schema.js';
import type { ChannelKind } from '../../core/channels.js';
import { espiEffectiveQuality, ServiceKind } from '../../core/espi/codes.js';
import { feedEnd, feedStart, IntervalBlockWriter, localTimeParametersEntry, meterReadingEntries, usagePointEntry } from '../../core/espi/feed-writer.js';
import { localTimeParametersFor } from '../../core/espi/local-time-parameters.js';
import { channelUnit, exportable, exportReadingType, exportScale, type ExportReadingType } from '../../core/espi/reading-type.js';
import type { Database } from '../../db/pool.js';
import { selectChannelScale } from '../../db/queries/greenbutton.js';
import { selectMeterWithChannels, type MeterChannel } from '../../db/queries/meter-channels.js';
import { selectEffectivePage } from '../../db/queries/readings-effective.js';
import { meterAccountId, selectReadingsPage } from '../../db/queries/readings-read.js';
import { KeymeterError } from '../../errors.js';
import { canReadAccount, principalOf } from '../auth.js';
import { problemResponses } from '../problem.js';

/** Readings fetched per query while streaming. */
const PAGE_READINGS = 10_000;
const FAR_PAST = '0001-01-01T00:00:00Z';
const FAR_FUTURE = '9999-12-31T00:00:00Z';
export const GREENBUTTON_CONTENT_TYPE = 'application/atom+xml';

const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' });

const SERVICE_KIND: Readonly<Record<string, number>> = { electric: ServiceKind.ELECTRICITY, gas: ServiceKind.GAS, water: ServiceKind.WATER };

/** A stable `urn:uuid:` for a resource of the export (an RFC 4122 version-5-style name UUID, SHA-1 based). */
function urnFor(name: string): string {
  const h = createHash('sha1').update(`keymeter:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const greenButtonRoutes: FastifyPluginAsyncZod<{ db: Pick<Database, 'pool'>; nowMs?: () => number }> = async (app, { db, nowMs }) => {
  app.get('/meters/:meterId/greenbutton', {
    schema: {
      tags: ['readings'], summary: "A meter's readings as Green Button (ESPI) XML",
      description: 'An Atom feed with one UsagePoint, its LocalTimeParameters (from the site\'s zone), and per channel with readings in the range a ' +
        'MeterReading, its ReadingType and one IntervalBlock per UTC day. `keymeter import greenbutton FILE --meter ID` reads it back to the same readings.',
      params: z.object({ meterId: Id }),
      querystring: z.object({
        from: Instant.optional().describe('inclusive'),
        to: Instant.optional().describe('exclusive'),
        view: z.enum(['raw', 'effective']).default('raw').describe(
          'raw (default): the readings as stored; effective: the values after VEE (latest edit, else reading, else estimate), ' +
          'edits with ReadingQuality 7, estimates with 9 (linear) or 8 (like day)'),
      }),
      response: {
        200: {
          description: 'The Green Button (ESPI) document',
          content: { [GREENBUTTON_CONTENT_TYPE]: { schema: z.string().describe('ESPI (NAESB REQ.21) Atom feed, UTF-8') } },
        },
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (req, reply) => {
    const { meterId } = req.params;
    const accountId = await meterAccountId(db.pool, meterId);
    const p = principalOf(req);
    // A key that may not read the account learns nothing, not even whether the meter exists.
    if (accountId === undefined || !canReadAccount(p, accountId)) {
      if (p.role === 'admin' || p.role === 'engineer') throw new KeymeterError('KM_NOT_FOUND', `no meter '${meterId}'`);
      throw new KeymeterError('KM_FORBIDDEN', 'this key may not read that meter');
    }
    const fromIso = req.query.from ?? FAR_PAST;
    const toIso = req.query.to ?? FAR_FUTURE;
    if (req.query.from && req.query.to && Date.parse(req.query.from) >= Date.parse(req.query.to)) {
      throw new KeymeterError('KM_VALIDATION', '`from` must be before `to`', { issues: [{ path: 'from', message: 'must be before to' }] });
    }
    const meter = (await selectMeterWithChannels(db.pool, meterId))!;
    const effective = req.query.view === 'effective';
    const updatedIso = new Date((nowMs ?? Date.now)()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    // Scales first: a failure here is still a problem document, not a cut-off feed.
    const channels: (MeterChannel & { kind: ChannelKind; unit: string; readingType: ExportReadingType; decimals: number; pow10: number })[] = [];
    for (const c of meter.channels) {
      if (!exportable(c.kind as ChannelKind)) continue;
      const scale = await selectChannelScale(db.pool, c.channelId, fromIso, toIso, effective);
      if (scale.readings === 0) continue;
      const kind = c.kind as ChannelKind;
      const unit = channelUnit(kind, c.unit);
      const readingType = exportReadingType(kind, unit);
      channels.push({ ...c, kind, unit, readingType, ...exportScale(scale.maxAbs, scale.decimals, readingType.unitExp) });
    }
    const ltpAtMs = Date.parse(req.query.from ?? req.query.to ?? updatedIso);

    async function* document(): AsyncGenerator<string> {
      yield feedStart({ id: urnFor(`${meterId}:feed`), title: `Green Button export of meter ${meterId}`, updatedIso, selfHref: `/v1/meters/${meterId}/greenbutton` });
      yield usagePointEntry({ id: urnFor(`${meterId}:usage-point`), meterId, serviceKind: SERVICE_KIND[meter.commodity] ?? ServiceKind.ELECTRICITY, updatedIso });
      yield localTimeParametersEntry({ id: urnFor(`${meterId}:local-time`), meterId, timeZone: meter.timezone, ltp: localTimeParametersFor(meter.timezone, ltpAtMs), updatedIso });
      for (const c of channels) {
        yield meterReadingEntries({
          meterReadingId: urnFor(`${meterId}:${c.kind}:meter-reading`), readingTypeId: urnFor(`${meterId}:${c.kind}:reading-type`), meterId,
          kind: c.kind, unit: c.unit, readingType: c.readingType, intervalMinutes: c.intervalMinutes, pow10: c.pow10, updatedIso,
        });
        const blocks = new IntervalBlockWriter({ meterId, kind: c.kind, intervalMinutes: c.intervalMinutes, decimals: c.decimals, updatedIso, idFor: (key) => urnFor(`${meterId}:${c.kind}:${key}`) });
        let cursor = fromIso;
        while (effective) {
          const rows = await selectEffectivePage(db.pool, c.channelId, cursor, toIso, PAGE_READINGS);
          let out = '';
          for (const r of rows) {
            const source = r.editValue !== null ? 'edit' : r.rawValue !== null ? 'reading' : 'estimate';
            const value = r.editValue ?? r.rawValue ?? r.estimateValue!;
            out += blocks.push(r.tsMs, value, r.rawQuality ?? 0, espiEffectiveQuality(source, r.rawQuality ?? 0, r.method));
          }
          if (out !== '') yield out;
          if (rows.length < PAGE_READINGS) break;
          cursor = new Date(rows[rows.length - 1]!.tsMs + 1).toISOString();
        }
        while (!effective) {
          const page = await selectReadingsPage(db.pool, c.channelId, cursor, toIso, PAGE_READINGS);
          let out = '';
          for (let i = 0; i < page.tsMs.length; i++) out += blocks.push(page.tsMs[i]!, page.values[i]!, page.quality[i]!);
          if (out !== '') yield out;
          if (page.tsMs.length < PAGE_READINGS) break;
          cursor = new Date(page.tsMs[page.tsMs.length - 1]! + 1).toISOString();
        }
        const last = blocks.flush();
        if (last !== '') yield last;
      }
      yield feedEnd();
    }

    return reply
      .type(`${GREENBUTTON_CONTENT_TYPE}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="${meterId}-greenbutton.xml"`)
      // Fastify pipes a stream as it is; the response schema describes what arrives, a string.
      .send(Readable.from(document()) as unknown as string);
  });
};
