/**
 * Sends a report by e-mail over SMTP (nodemailer), to the server named by SMTP_URL
 * (`smtp://user:pass@host:587`, `smtps://...`), from REPORT_FROM. The URL may hold credentials: it is
 * never logged, and nodemailer's own logger stays off (its debug log would echo the session).
 *
 * Never twice: the worker retries only a send that certainly did not hand the message over. So every
 * failure is classified:
 * - `rejected`: the server answered with an error code (4xx/5xx, RFC 5321 §4.2), the connection was
 *   refused or the name did not resolve, or the check before sending (`verify`: connect, greet, log in)
 *   failed. The message was not accepted: retry.
 * - `unknown`: anything else, e.g. the connection dropped or timed out while the message was being
 *   transferred or before the server's final reply. The server may have accepted it: do not retry.
 */
import nodemailer from 'nodemailer';
import { toError } from '../errors.js';

/** Bounds on each SMTP phase, ms: they also bound how long a send can hold its lease (worker.ts). */
const CONNECTION_TIMEOUT_MS = 30 * 1000;
const GREETING_TIMEOUT_MS = 30 * 1000;
const SOCKET_TIMEOUT_MS = 60 * 1000;
/** Socket errors on connecting (Node `errno` codes nodemailer keeps as `originalCode`): nothing was sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** nodemailer codes for failures before any message data leaves the client. */
const BEFORE_DATA = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'EDNS', 'ECONFIG']);

export type SendFailure = 'rejected' | 'unknown';

export class MailSendError extends Error {
  constructor(readonly failure: SendFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailSendError';
  }
}

export interface ReportMail {
  to: readonly string[];
  subject: string;
  text: string;
  attachment: { fileName: string; contentType: string; content: Buffer };
}

export interface Mailer {
  /** Resolves once the server accepted the message; rejects with MailSendError. */
  send(mail: ReportMail): Promise<void>;
  close(): void;
}

interface NodemailerError {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

/** @internal Which kind of failure an error of nodemailer's sendMail is. */
export function classifySendError(err: unknown): SendFailure {
  const e = (err ?? {}) as NodemailerError;
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return 'rejected';
  if (typeof e.originalCode === 'string' && NOT_CONNECTED.has(e.originalCode)) return 'rejected';
  if (typeof e.code === 'string' && BEFORE_DATA.has(e.code)) return 'rejected';
  return 'unknown';
}

/** A short description of a send error without the server's full transcript or any credential. */
function describe(err: unknown): string {
  const e = (err ?? {}) as NodemailerError;
  const parts = [typeof e.code === 'string' ? e.code : 'error', typeof e.responseCode === 'number' ? String(e.responseCode) : null,
    typeof e.command === 'string' ? `during ${e.command}` : null].filter((x) => x !== null);
  return `${parts.join(' ')}: ${toError(err).message.slice(0, 300)}`;
}

export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    logger: false,
    debug: false,
  });
  return {
    async send(mail) {
      try {
        await transport.verify();
      } catch (err) {
        throw new MailSendError('rejected', `SMTP server not usable: ${describe(err)}`, { cause: err });
      }
      try {
        await transport.sendMail({
          from,
          to: [...mail.to],
          subject: mail.subject,
          text: mail.text,
          attachments: [{ filename: mail.attachment.fileName, content: mail.attachment.content, contentType: mail.attachment.contentType }],
        });
      } catch (err) {
        throw new MailSendError(classifySendError(err), describe(err), { cause: err });
      }
    },
    close() {
      transport.close();
    },
  };
}
