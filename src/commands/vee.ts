/**
 * `keymeter vee run --meter ID --from T --to T [--channel KIND]`: (re)runs validation and estimation
 * (src/vee/run.ts) over a meter's history, e.g. after a file import, a rule change, or a runner that was
 * stopped with ranges still queued. Idempotent: a second run over the same data writes nothing.
 */
import { CHANNEL_KINDS } from '../core/channels.js';
import { migrate } from '../db/migrate.js';
import { selectMeterChannelIds, selectVeeChannel } from '../db/queries/vee.js';
import { runVee, type VeePassResult } from '../vee/run.js';
import { openDb, UsageError, type Runtime } from './runtime.js';

export interface VeeRunOptions {
  meter: string;
  from: string;
  to: string;
  channel?: string;
}

/** An ISO 8601 instant with Z or an offset, or a date (midnight UTC); epoch ms. */
function instant(name: string, s: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(s) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s);
  const ms = ok ? Date.parse(s) : Number.NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`--${name}: '${s}' is not a date (YYYY-MM-DD, UTC) or an ISO 8601 instant with Z or an offset`);
  return ms;
}

export async function veeRunCommand(rt: Runtime, opts: VeeRunOptions): Promise<void> {
  const fromMs = instant('from', opts.from);
  const toMs = instant('to', opts.to);
  if (!(fromMs < toMs)) throw new UsageError('--from must be before --to');
  if (opts.channel !== undefined && !(CHANNEL_KINDS as readonly string[]).includes(opts.channel)) {
    throw new UsageError(`--channel: '${opts.channel}' is not a channel kind (${CHANNEL_KINDS.join(', ')})`);
  }
  const db = await openDb(rt);
  try {
    await migrate(db.pool, rt.log);
    const ids = await selectMeterChannelIds(db.pool, opts.meter);
    if (ids.length === 0) throw new UsageError(`--meter: no meter '${opts.meter}' with channels`);
    const results: VeePassResult[] = [];
    const kinds = new Map<number, string>();
    for (const id of ids) {
      const ch = await selectVeeChannel(db.pool, id);
      if (!ch || (opts.channel !== undefined && ch.kind !== opts.channel)) continue;
      kinds.set(id, ch.kind);
      // kw passes also re-run the kwh_del channel; it is run on its own turn anyway, so skip the echo.
      for (const r of await runVee(db.pool, { channelId: id, fromMs, toMs })) if (r.channelId === id) results.push(r);
    }
    if (opts.channel !== undefined && results.length === 0) throw new UsageError(`--channel: meter '${opts.meter}' has no '${opts.channel}' channel`);
    for (const r of results) {
      process.stdout.write(`${opts.meter} ${kinds.get(r.channelId)}: flags ${r.flagsWritten} written, ${r.flagsDeleted} removed; estimates ${r.estimatesWritten} written, ${r.estimatesDeleted} removed\n`);
    }
  } finally {
    await db.close();
  }
}
