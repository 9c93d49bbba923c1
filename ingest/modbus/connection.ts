/**
 * One Modbus TCP connection per meter (host, port, unit id), through jsmodbus's TCP client (STYLE §7:
 * one connection per gateway and unit id). Reads have a timeout each. A timeout or a dropped connection
 * closes the socket (a late answer would otherwise be taken for the next request's: jsmodbus matches
 * answers to requests by transaction id and drops everything queued on a mismatch) and the next read
 * reconnects after an exponential backoff with jitter, so a dead meter costs one failed attempt per
 * backoff period, not one per poll. Exceptions are answers: the connection stays up.
 */
import net from 'node:net';
import jsmodbus from 'jsmodbus';
import { describeException } from '../../src/core/modbus/exceptions.js';
import type { RegisterFunction } from '../../src/core/modbus/register-map.js';
import type { Clock } from './clock.js';

const { ModbusTCPClient } = jsmodbus;
type TcpClient = InstanceType<typeof ModbusTCPClient>;

export interface Endpoint {
  host: string;
  port: number;
  unitId: number;
}

export type ReadFailure = 'timeout' | 'exception' | 'offline' | 'protocol';

/** A read that failed: `exception` carries the device's exception code; the others are transport failures. */
export class ModbusReadError extends Error {
  constructor(readonly failure: ReadFailure, message: string, readonly exceptionCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModbusReadError';
  }
}

export interface ConnectionOptions {
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** First reconnect delay; doubles per consecutive failure up to backoffMaxMs, each ×[0.5, 1) jitter. */
  backoffMinMs: number;
  backoffMaxMs: number;
  clock: Clock;
  random?: () => number;
}

export class ModbusConnection {
  readonly endpoint: Endpoint;
  readonly #opts: ConnectionOptions;
  #socket: net.Socket | undefined;
  #client: TcpClient | undefined;
  #connecting: Promise<TcpClient> | undefined;
  #failures = 0;
  #retryAtMs = -Infinity;
  #closed = false;

  constructor(endpoint: Endpoint, opts: ConnectionOptions) {
    this.endpoint = endpoint;
    this.#opts = opts;
  }

  /** When the next connection attempt may be made (clock ms); -Infinity when not backing off. */
  get retryAtMs(): number {
    return this.#retryAtMs;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /**
   * Reads `count` registers from `address`. Rejects with ModbusReadError: `offline` at once while a
   * reconnect backoff runs, else after a failed connect; `timeout`; `exception`; `protocol`.
   */
  async read(fn: RegisterFunction, address: number, count: number): Promise<DataView> {
    const client = await this.#connect();
    try {
      const res = fn === 'holding' ? await client.readHoldingRegisters(address, count) : await client.readInputRegisters(address, count);
      const body = res.response.body as { valuesAsBuffer?: Buffer };
      const buf = body.valuesAsBuffer;
      if (!Buffer.isBuffer(buf) || buf.length !== 2 * count) {
        this.#fail(client);
        throw new ModbusReadError('protocol', `asked for ${count} registers at ${address}, got ${Buffer.isBuffer(buf) ? buf.length / 2 : 'none'}`);
      }
      this.#failures = 0;
      return new DataView(buf.buffer, buf.byteOffset, buf.length);
    } catch (err) {
      if (err instanceof ModbusReadError) throw err;
      const e = err as { err?: string; message?: string; response?: { body?: { code?: number } } };
      if (e.err === 'ModbusException') {
        const code = e.response?.body?.code ?? 0;
        throw new ModbusReadError('exception', `${fn} registers ${address}+${count}: exception ${describeException(code)}`, code);
      }
      this.#fail(client);
      if (e.err === 'Timeout') throw new ModbusReadError('timeout', `${fn} registers ${address}+${count}: no answer within ${this.#opts.requestTimeoutMs} ms`);
      if (e.err === 'Offline') throw new ModbusReadError('offline', `${fn} registers ${address}+${count}: connection closed`);
      throw new ModbusReadError('protocol', `${fn} registers ${address}+${count}: ${e.err ?? ''} ${e.message ?? String(err)}`.trim());
    }
  }

  /** Closes the socket; a later read reconnects (unless the connection is closed for good). */
  close(forGood = true): void {
    this.#closed ||= forGood;
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#client = undefined;
  }

  #connect(): Promise<TcpClient> {
    if (this.#client) return Promise.resolve(this.#client);
    if (this.#closed) return Promise.reject(new ModbusReadError('offline', 'connection closed'));
    const now = this.#opts.clock.now();
    if (now < this.#retryAtMs) {
      return Promise.reject(new ModbusReadError('offline', `reconnecting in ${Math.ceil(this.#retryAtMs - now)} ms (after ${this.#failures} failures)`));
    }
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #open(): Promise<TcpClient> {
    const { host, port, unitId } = this.endpoint;
    const socket = new net.Socket();
    socket.on('error', () => undefined); // surfaces as a failed connect or a closed connection
    socket.setNoDelay(true);
    const client = new ModbusTCPClient(socket, unitId, this.#opts.requestTimeoutMs);
    return new Promise<TcpClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        this.#backoff();
        reject(new ModbusReadError('timeout', `connect to ${host}:${port} timed out after ${this.#opts.connectTimeoutMs} ms`));
      }, this.#opts.connectTimeoutMs);
      timer.unref();
      socket.once('connect', () => {
        clearTimeout(timer);
        if (this.#closed) {
          socket.destroy();
          reject(new ModbusReadError('offline', 'connection closed'));
          return;
        }
        this.#socket = socket;
        this.#client = client;
        socket.once('close', () => {
          if (this.#socket === socket) {
            this.#socket = undefined;
            this.#client = undefined;
          }
        });
        resolve(client);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        this.#backoff();
        reject(new ModbusReadError('offline', `connect to ${host}:${port}: ${err.message}`, undefined, { cause: err }));
      });
      socket.connect({ host, port });
    });
  }

  /** A transport failure on an open connection: drop it and back off before the next attempt. */
  #fail(client: TcpClient): void {
    if (this.#client === client) this.close(false);
    this.#backoff();
  }

  #backoff(): void {
    this.#failures++;
    const { backoffMinMs, backoffMaxMs } = this.#opts;
    const delayMs = Math.min(backoffMaxMs, backoffMinMs * 2 ** Math.min(this.#failures - 1, 20));
    this.#retryAtMs = this.#opts.clock.now() + delayMs * (0.5 + (this.#opts.random ?? Math.random)() / 2);
  }
}
