/**
 * `keymeter ingest mqtt`: subscribes to the meter topics with QoS 1 under a persistent session and
 * acknowledges each message only after what it carried is committed (CONTRACT.md "MQTT").
 *
 * MQTT.js runs one message at a time per connection and sends the PUBACK when `handleMessage` calls
 * back (MQ `handlers/publish.ts`); acknowledging after commit therefore ties a connection to commit
 * latency. With KEYMETER_MQTT_GROUP set, the worker opens several connections in one shared-subscription
 * group (`$share/<group>/...`) and the writer commits what they all gathered in one transaction (group
 * commit). MQTT 3.1.1 is used: Mosquitto accepts `$share` from 3.1.1 clients, and the embedded aedes
 * broker speaks no MQTT 5. With clean: false and a stable client id the broker keeps the session, so
 * what is published while the worker is down is delivered when it returns (MQTT 3.1.1 §3.1.2.4).
 */
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { EVENTS_FILTER, READINGS_FILTER, parseTopic } from '../../src/core/ingest/topic.js';
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { Pool } from '../../src/db/pool.js';
import { ChannelRegistry } from '../channel-registry.js';
import { deadLettersFor } from '../dead-letters.js';
import { IngestWriter, type CommittedRange, type StoreRequest } from '../writer.js';
import { onEvents } from './on-events.js';
import { onReadings } from './on-readings.js';

export interface MqttIngestOptions {
  url: string;
  /** Stable client id; connection i > 0 uses `<clientId>-<i>`. */
  clientId: string;
  /** Shared-subscription group; without one the worker uses a single connection. */
  group?: string | undefined;
  /** Connections in the group (ignored without a group). */
  connections?: number;
  maxBatchRows: number;
  flushIntervalMs: number;
  /** Flushes at once on separate connections (1 for the embedded database); default 1. */
  concurrency?: number;
  /** What each commit stored, per channel (the VEE runner's `notify`); see ingest/writer.ts. */
  onCommitted?: ((ranges: CommittedRange[]) => void) | undefined;
}

export interface MqttIngest {
  readonly writer: IngestWriter;
  /** Resolves when every connection has had its first CONNACK and subscription. */
  readonly ready: Promise<void>;
  /** Stop taking messages, flush, acknowledge what was committed, disconnect. */
  close(): Promise<void>;
}

const MIN_RECONNECT_MS = 500;
const MAX_RECONNECT_MS = 30 * 1000;
/** Longest wait for the database on shutdown before unwritten messages are left unacknowledged. */
const SHUTDOWN_FLUSH_MS = 20 * 1000;
export const DEFAULT_GROUP_CONNECTIONS = 32;

export function subscriptionFilters(group: string | undefined): string[] {
  const prefix = group ? `$share/${group}/` : '';
  return [prefix + READINGS_FILTER, prefix + EVENTS_FILTER];
}

export async function startMqttIngest(pool: Pool, log: Logger, opts: MqttIngestOptions): Promise<MqttIngest> {
  const wlog = log.child({ component: 'ingest.mqtt' });
  const writer = new IngestWriter(pool, log, {
    maxBatchRows: opts.maxBatchRows, flushIntervalMs: opts.flushIntervalMs, source: 'mqtt', concurrency: opts.concurrency ?? 1,
    onCommitted: opts.onCommitted,
  });
  const registry = new ChannelRegistry(pool);
  const count = opts.group ? Math.max(1, opts.connections ?? DEFAULT_GROUP_CONNECTIONS) : 1;
  const filters = subscriptionFilters(opts.group);
  let stopping = false;
  const inFlight = new Set<Promise<void>>();

  const handle = async (packet: IPublishPacket): Promise<void> => {
    const receivedAtMs = Date.now();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const topic = parseTopic(packet.topic);
    let req: StoreRequest;
    if (!topic) {
      req = { deadLetters: deadLettersFor({ source: 'mqtt', topicOrUnit: packet.topic, meterId: null, receivedAtMs },
        [{ index: null, code: 'KM_INGEST_BAD_TOPIC', detail: `not a keymeter/v1/meters/{meterId}/readings|events topic: ${packet.topic.slice(0, 200)}` }], payload) };
    } else {
      const ctx = { topic: packet.topic, meterId: topic.meterId, receivedAtMs, registry };
      req = topic.family === 'readings' ? await onReadings(ctx, payload) : await onEvents(ctx, payload);
    }
    await writer.submit(req);
  };

  const clients: MqttClient[] = [];
  const readies: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = i === 0 ? opts.clientId : `${opts.clientId}-${i}`;
    const clog = wlog.child({ clientId });
    const client = mqtt.connect(opts.url, {
      clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: MIN_RECONNECT_MS,
      connectTimeout: 10 * 1000,
      keepalive: 30,
      resubscribe: false, // subscribed on every CONNACK below; the persistent session keeps them anyway
    });
    client.handleMessage = (packet, callback) => {
      // No PUBACK: the broker redelivers it to the next session. The error lets MQTT.js go on reading
      // (it awaits this callback before the next packet) so the connection can close cleanly.
      if (stopping) return callback(new Error('shutting down'));
      const p = handle(packet).then(
        () => callback(),
        (err: unknown) => {
          // Not acknowledged: the broker sends it again after a reconnect (MQTT 3.1.1 §4.4).
          if (!stopping) clog.error({ err: toError(err), topic: packet.topic }, 'message not stored; left unacknowledged');
          callback(toError(err));
        },
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    let attempts = 0;
    readies.push(new Promise<void>((resolve) => {
      client.on('connect', (connack) => {
        attempts = 0;
        client.options.reconnectPeriod = MIN_RECONNECT_MS;
        client.subscribeAsync(filters, { qos: 1 }).then(
          (granted) => {
            const refused = granted.filter((g) => g.qos === 128);
            if (refused.length > 0) clog.error({ refused: refused.map((g) => g.topic) }, 'subscription refused by the broker');
            else clog.info({ sessionPresent: connack.sessionPresent, filters }, 'mqtt connected and subscribed');
            resolve();
          },
          (err: unknown) => clog.warn({ err: toError(err) }, 'subscribe failed; retried on reconnect'),
        );
      });
    }));
    client.on('reconnect', () => {
      attempts++;
      // Exponential backoff with jitter between reconnect attempts.
      client.options.reconnectPeriod = Math.min(MAX_RECONNECT_MS, MIN_RECONNECT_MS * 2 ** Math.min(attempts, 10)) * (0.5 + Math.random() / 2);
    });
    client.on('offline', () => { if (!stopping) clog.warn('mqtt offline; reconnecting'); });
    client.on('error', (err) => clog.warn({ err }, 'mqtt error'));
    clients.push(client);
  }

  return {
    writer,
    ready: Promise.all(readies).then(() => undefined),
    async close() {
      stopping = true;
      // Messages already being handled finish (and are acknowledged) before the connections close.
      await writer.close(SHUTDOWN_FLUSH_MS).catch((err: unknown) => wlog.error({ err }, 'flush on shutdown failed'));
      await Promise.allSettled([...inFlight]);
      await Promise.all(clients.map((c) => c.endAsync(false)));
      wlog.info({ stats: writer.stats }, 'mqtt ingest stopped');
    },
  };
}
