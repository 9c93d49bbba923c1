/** A message on keymeter/v1/meters/{meterId}/events: power_off / power_on, for the outage analysis. */
import { parseEventsPayload, type Rejection } from '../../src/core/ingest/payload.js';
import { deadLettersFor } from '../dead-letters.js';
import type { StoreRequest } from '../writer.js';
import type { MessageContext } from './on-readings.js';

export async function onEvents(ctx: MessageContext, payload: Uint8Array): Promise<StoreRequest> {
  const parsed = parseEventsPayload(payload);
  const rejections: Rejection[] = [...parsed.rejections];
  const req: StoreRequest = {};
  if (parsed.events.length > 0) {
    const meter = await ctx.registry.meter(ctx.meterId);
    if (!meter) rejections.push({ index: null, code: 'KM_INGEST_UNKNOWN_METER', detail: `no meter '${ctx.meterId}'` });
    else req.events = parsed.events.map((e) => ({ meterId: ctx.meterId, tsMs: e.tsMs, type: e.type, source: 'mqtt' }));
  }
  if (rejections.length > 0) {
    req.deadLetters = deadLettersFor({ source: 'mqtt', topicOrUnit: ctx.topic, meterId: ctx.meterId, receivedAtMs: ctx.receivedAtMs }, rejections, payload);
  }
  return req;
}
