/**
 * A Modbus TCP server for simulated meters, on jsmodbus's server: one listening socket (a gateway) with
 * one device per unit id, each answering reads of holding and input registers from its own register
 * image, with faults to inject: no answer (a timeout at the poller), an exception reply, or either one
 * every Nth request. Reads of a unit id with no device get 0x0B GATEWAY TARGET DEVICE FAILED TO
 * RESPOND, as a real gateway answers.
 */
import net from 'node:net';
import jsmodbus from 'jsmodbus';

const { ModbusTCPServer, ModbusTCPResponse, responses } = jsmodbus;

/** Modbus Application Protocol V1.1b3 §7. */
export const EXCEPTION = { ILLEGAL_FUNCTION: 0x01, ILLEGAL_DATA_ADDRESS: 0x02, SERVER_DEVICE_FAILURE: 0x04, GATEWAY_TARGET_FAILED: 0x0b } as const;

export interface Faults {
  /** Never answer (the poller times out). */
  silent: boolean;
  /** Answer every read with this exception code. */
  exception?: number | undefined;
  /** Leave every Nth read unanswered (1-based count of this device's reads). */
  silentEvery?: number | undefined;
  /** Answer every Nth read with SERVER DEVICE FAILURE. */
  exceptionEvery?: number | undefined;
}

export interface SimDevice {
  faults: Faults;
  /** Reads answered (or not) so far. */
  reads: number;
  /** `count` registers from `address` as big-endian bytes, or an exception code. */
  read(fn: 'holding' | 'input', address: number, count: number): Buffer | number;
}

export interface SimServer {
  readonly host: string;
  readonly port: number;
  readonly devices: ReadonlyMap<number, SimDevice>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

export function noFaults(): Faults {
  return { silent: false };
}

interface TcpRequestLike {
  unitId: number;
  body: { start: number; count: number };
}

/** Starts a server on `host`:`port` (port 0: a free one) serving `devices` by unit id. */
export async function startModbusServer(devices: ReadonlyMap<number, SimDevice>, opts: { host?: string; port?: number } = {}): Promise<SimServer> {
  const host = opts.host ?? '127.0.0.1';
  const netServer = net.createServer();
  const sockets = new Set<net.Socket>();
  netServer.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // a poller that goes away resets its connection
    socket.on('close', () => sockets.delete(socket));
  });
  // No register buffers: every read goes to the handlers below (jsmodbus emits read* events then).
  const server = new ModbusTCPServer(netServer, { holding: undefined, input: undefined } as unknown as ConstructorParameters<typeof ModbusTCPServer>[1]);
  const answer = (fn: 'holding' | 'input') => (request: unknown, cb: (payload: Buffer) => void): void => {
    const req = request as TcpRequestLike;
    const device = devices.get(req.unitId);
    const fc = fn === 'holding' ? 0x03 : 0x04;
    const reply = (body: { createPayload(): Buffer }) => cb(ModbusTCPResponse.fromRequest(request as never, body as never).createPayload());
    if (!device) return reply(new responses.ExceptionResponseBody(fc, EXCEPTION.GATEWAY_TARGET_FAILED as never));
    device.reads++;
    const f = device.faults;
    if (f.silent || (f.silentEvery !== undefined && device.reads % f.silentEvery === 0)) return;
    const exception = f.exception ?? (f.exceptionEvery !== undefined && device.reads % f.exceptionEvery === 0 ? EXCEPTION.SERVER_DEVICE_FAILURE : undefined);
    if (exception !== undefined) return reply(new responses.ExceptionResponseBody(fc, exception as never));
    const out = device.read(fn, req.body.start, req.body.count);
    if (typeof out === 'number') return reply(new responses.ExceptionResponseBody(fc, out as never));
    reply(fn === 'holding' ? new responses.ReadHoldingRegistersResponseBody(out.length, out) : new responses.ReadInputRegistersResponseBody(out.length, out));
  };
  server.on('readHoldingRegisters', answer('holding'));
  server.on('readInputRegisters', answer('input'));
  await new Promise<void>((resolve, reject) => {
    netServer.once('error', reject);
    netServer.listen(opts.port ?? 0, host, () => {
      netServer.off('error', reject);
      resolve();
    });
  });
  const port = (netServer.address() as net.AddressInfo).port;
  return {
    host,
    port,
    devices,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      netServer.close(() => resolve());
    }),
  };
}
