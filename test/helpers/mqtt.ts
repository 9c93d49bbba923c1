/**
 * The broker for MQTT tests: Mosquitto at TEST_MQTT_URL when set (as in CI), otherwise an embedded
 * aedes broker for the test file. On a shared broker every name a test uses (client ids, meter ids,
 * share groups) carries a per-run suffix, and persistent sessions are wiped at teardown so they do not
 * keep queueing other tests' messages.
 */
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../ingest/mqtt/embedded-broker.js';

export interface TestBroker {
  url: string;
  kind: 'mosquitto' | 'aedes';
  /** A name unique to this run: `${prefix}-${pid}-${random}`. */
  unique(prefix: string): string;
  /** Wipes the persistent sessions of these client ids (connect with clean: true, disconnect). */
  forgetSessions(clientIds: string[]): Promise<void>;
  close(): Promise<void>;
}

const tag = `${process.pid}-${Math.random().toString(36).slice(2, 7)}`;

export async function testBroker(): Promise<TestBroker> {
  const env = process.env.TEST_MQTT_URL;
  const embedded = env ? undefined : await startEmbeddedBroker();
  const url = env ?? embedded!.url;
  return {
    url,
    kind: env ? 'mosquitto' : 'aedes',
    unique: (prefix) => `${prefix}-${tag}-${Math.random().toString(36).slice(2, 6)}`,
    async forgetSessions(clientIds) {
      for (const clientId of clientIds) {
        const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0 }).catch(() => undefined);
        await c?.endAsync();
      }
    },
    async close() {
      await embedded?.close();
    },
  };
}

/** A publisher that waits for each PUBACK. */
export async function publisher(url: string, clientId: string): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
}

/** Polls `fn` until it returns true or `timeoutMs` passes. */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 30_000, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
