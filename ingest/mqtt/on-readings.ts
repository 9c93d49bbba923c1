/** A message on keymeter/v1/meters/{meterId}/readings (CONTRACT.md "MQTT") turned into a store request. */
import { parseReadingsPayload, validateAgainstChannels, type Rejection } from '../../src/core/ingest/payload.js';
import type { ChannelKind } from '../../src/core/channels.js';
import type { ChannelRegistry } from '../channel-registry.js';
import { deadLettersFor } from '../dead-letters.js';
import type { StoreRequest } from '../writer.js';

export interface MessageContext {
  topic: string;
  meterId: string;
  receivedAtMs: number;
  registry: ChannelRegistry;
}

export async function onReadings(ctx: MessageContext, payload: Uint8Array): Promise<StoreRequest> {
  const parsed = parseReadingsPayload(payload);
  const rejections: Rejection[] = [...parsed.rejections];
  const req: StoreRequest = {};
  if (parsed.readings.length > 0) {
    const kinds = [...new Set(parsed.readings.map((r) => r.kind))] as ChannelKind[];
    const meter = await ctx.registry.meter(ctx.meterId, kinds);
    if (!meter) {
      rejections.push({ index: null, code: 'KM_INGEST_UNKNOWN_METER', detail: `no meter '${ctx.meterId}'` });
    } else {
      const v = validateAgainstChannels(parsed.readings, meter.channels, ctx.receivedAtMs);
      rejections.push(...v.rejections);
      if (v.accepted.length > 0) {
        req.readings = {
          channelIds: v.accepted.map((a) => a.channelId),
          tsMs: v.accepted.map((a) => a.tsMs),
          values: v.accepted.map((a) => a.value),
          quality: v.accepted.map((a) => a.quality),
        };
      }
    }
  }
  if (rejections.length > 0) {
    req.deadLetters = deadLettersFor({ source: 'mqtt', topicOrUnit: ctx.topic, meterId: ctx.meterId, receivedAtMs: ctx.receivedAtMs }, rejections, payload);
  }
  return req;
}
