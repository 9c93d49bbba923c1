import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  rcptTo: string[];
  mailFrom: string | null;
  parsed: ParsedMail;
}

export interface TestSmtp {
  /** smtp://127.0.0.1:<port> */
  url: string;
  /** Messages the server accepted (answered 250 to), in order. */
  accepted: ReceivedMail[];
  /** DATA transfers that ended in a refusal or a dropped connection. */
  refused: number;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Answer this many first DATA transfers with 451 (a temporary failure the sender should retry). */
  rejectFirst?: number;
  /** Read this many first messages entirely, then drop the connection without answering. */
  dropFirst?: number;
}

/** An SMTP server on loopback (smtp-server, no TLS, no auth) that keeps what it accepts. */
export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const accepted: ReceivedMail[] = [];
  let rejectLeft = options.rejectFirst ?? 0;
  let dropLeft = options.dropFirst ?? 0;
  const state = { refused: 0 };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (rejectLeft > 0) {
          rejectLeft--;
          state.refused++;
          const err = Object.assign(new Error('try again later'), { responseCode: 451 });
          callback(err);
          return;
        }
        if (dropLeft > 0) {
          dropLeft--;
          state.refused++;
          // The whole message arrived, the sender never hears back: it cannot know whether it was taken.
          for (const c of server.connections) (c as unknown as { _socket: { destroy(): void } })._socket.destroy();
          return;
        }
        simpleParser(Buffer.concat(chunks)).then((parsed) => {
          accepted.push({
            rcptTo: session.envelope.rcptTo.map((a) => a.address),
            mailFrom: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
            parsed,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
