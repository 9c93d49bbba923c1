/**
 * The embedded MQTT broker for the demo and for tests without Mosquitto (DESIGN.md "Storage": aedes
 * in-process when no MQTT_URL is set). In-memory persistence: sessions survive a client's reconnect
 * but not a restart of the process, which is fine for a demo. aedes speaks MQTT 3.1.1 and has no
 * shared subscriptions; use Mosquitto (or another broker) to scale out.
 */
import net from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../../src/log.js';

export interface EmbeddedBroker {
  /** mqtt://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(log?: Logger, port = 0): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const blog = log?.child({ component: 'mqtt.embedded' });
  broker.on('clientError', (client, err) => blog?.debug({ clientId: client.id, err }, 'client error'));
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  blog?.info({ url }, 'embedded mqtt broker started');
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
