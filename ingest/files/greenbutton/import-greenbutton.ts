/**
 * `keymeter import greenbutton FILE.xml --meter ID`: a Green Button (ESPI) feed into one meter's
 * channels, in one transaction (a malformed file stores nothing), streaming (espi-reader.ts).
 *
 * How entries are tied together (ESPI Atom links): an IntervalBlock's `up` link names its MeterReading's
 * IntervalBlock collection (`.../MeterReading/01/IntervalBlock`, the Green Button samples) or the
 * MeterReading itself (real third-party exports); the MeterReading's `related` links name that
 * collection and its ReadingType; its `up` link names the UsagePoint's MeterReading collection, which
 * gives the UsagePoint (and its service kind). Hrefs are compared without scheme and host. A block
 * whose reading type is not known yet (entries out of the usual order) waits until it is, or until the
 * end of the file; then, if the file has exactly one ReadingType, that one applies (hand-made files with
 * broken links), else the block is refused.
 *
 * Each reading is checked like an MQTT reading (core/files/check-reading.ts) plus: its duration must be
 * the channel's interval, its ReadingQuality must not be "projected", and its unit must convert to the
 * channel's. A refused reading becomes a dead letter with its line; a block whose reading type has no
 * channel on the meter is one dead letter for the whole block.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { KeymeterError, type ErrorCode } from '../../../src/errors.js';
import type { ChannelKind } from '../../../src/core/channels.js';
import { channelKindOf, channelUnit, conversionTo, scaleValue, type EspiReadingType, type UnitConversion } from '../../../src/core/espi/reading-type.js';
import { localTimeMismatch, type LocalTimeParameters } from '../../../src/core/espi/local-time-parameters.js';
import { checkReading, type FileChannel } from '../../../src/core/files/check-reading.js';
import { ZoneOffsets } from '../../../src/core/zone-offsets.js';
import { withTransaction, type Pool } from '../../../src/db/pool.js';
import { selectMeterWithChannels } from '../../../src/db/queries/meter-channels.js';
import { ImportSession, type ImportOptions, type ImportSummary } from '../import-session.js';
import { EspiFormatError, readEspiFeed, type BlockReadings, type EspiLinks, type EspiResource } from './espi-reader.js';

export interface GreenButtonImportOptions {
  file: string;
  meterId: string;
  /** The clock, epoch ms (the future check and dead letters' time). */
  nowMs: number;
  /** Called as the file is read: bytes read so far and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  chunkRows?: number;
  afterBatch?: ImportOptions['afterBatch'];
}

export interface GreenButtonSummary extends ImportSummary {
  meterId: string;
  /** Channel kind of each channel id in `channels`. */
  kinds: Map<number, ChannelKind>;
  usagePoints: number;
}

const SOURCE = 'greenbutton';
const SECOND_MS = 1000;

/** An href without scheme and host, leading/trailing slashes, and the ESPI REST prefix up to `resource/`. */
export function hrefKey(href: string): string {
  let h = href.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const r = h.indexOf('/resource/');
  if (r >= 0) h = h.slice(r + '/resource/'.length);
  return h.replace(/^\/+|\/+$/g, '');
}

interface MeterReadingInfo {
  links: EspiLinks;
}

interface Target {
  channel: FileChannel;
  conv: UnitConversion;
  pow10: number;
  intervalLengthS: number | undefined;
  readingTypeHref: string;
}

interface Refusal {
  reject: { code: ErrorCode; reason: string };
}

type Resolution = Target | Refusal | 'later';

interface PendingBlock {
  links: EspiLinks;
  line: number;
  readings: BlockReadings;
}

export async function importGreenButton(pool: Pool, opts: GreenButtonImportOptions): Promise<GreenButtonSummary> {
  const size = (await stat(opts.file).catch((err: NodeJS.ErrnoException) => {
    throw new KeymeterError('KM_IMPORT_MALFORMED', `cannot read the file (${err.code ?? 'error'})`);
  })).size;
  return withTransaction(pool, async (client) => {
    const meter = await selectMeterWithChannels(client, opts.meterId);
    if (!meter) throw new KeymeterError('KM_NOT_FOUND', `no meter '${opts.meterId}'`);
    const offsets = new ZoneOffsets(meter.timezone);
    const channels = new Map<string, FileChannel>();
    for (const c of meter.channels) {
      const kind = c.kind as ChannelKind;
      channels.set(kind, { channelId: c.channelId, kind, unit: channelUnit(kind, c.unit), intervalMinutes: c.intervalMinutes, offsets });
    }
    const session = new ImportSession(client, { source: SOURCE, fileLabel: path.basename(opts.file), nowMs: opts.nowMs, chunkRows: opts.chunkRows, afterBatch: opts.afterBatch });

    // Service kind by the UsagePoint's own href and by its MeterReading collection's (a MeterReading's `up`
    // names one or the other, depending on the exporter).
    const serviceKinds = new Map<string, number | undefined>();
    const usagePoints = new Set<string>();
    const meterReadings = new Map<string, MeterReadingInfo>(); // by self href and by IntervalBlock collection href
    const meterReadingCount = new Set<MeterReadingInfo>();
    const readingTypes = new Map<string, EspiReadingType>();
    const targets = new Map<MeterReadingInfo, Resolution>();
    const pending: PendingBlock[] = [];
    let localTime: LocalTimeParameters | undefined;

    const meterReadingOf = (links: EspiLinks): MeterReadingInfo | undefined => {
      if (links.up !== undefined) {
        const byUp = meterReadings.get(hrefKey(links.up));
        if (byUp) return byUp;
      }
      if (links.self !== undefined) {
        const self = hrefKey(links.self);
        const i = self.lastIndexOf('/IntervalBlock');
        if (i > 0) return meterReadings.get(self.slice(0, i));
      }
      return undefined;
    };

    const resolve = (mr: MeterReadingInfo, atEnd: boolean): Resolution => {
      const known = targets.get(mr);
      if (known !== undefined && known !== 'later') return known;
      const rtHref = mr.links.related.map(hrefKey).find((h) => readingTypes.has(h));
      if (rtHref === undefined) return 'later';
      const rt = readingTypes.get(rtHref)!;
      const serviceKind = serviceKindOf(mr);
      const mapped = channelKindOf(rt, serviceKind);
      if (!mapped.ok && mapped.needsServiceKind && !atEnd) return 'later';
      const r = toTarget(rt, rtHref, mapped);
      targets.set(mr, r);
      return r;
    };

    const serviceKindOf = (mr: MeterReadingInfo): number | undefined => {
      if (mr.links.up !== undefined && serviceKinds.has(hrefKey(mr.links.up))) return serviceKinds.get(hrefKey(mr.links.up));
      const self = mr.links.self === undefined ? '' : hrefKey(mr.links.self);
      const i = self.lastIndexOf('/MeterReading');
      return i > 0 ? serviceKinds.get(self.slice(0, i)) : undefined;
    };

    const toTarget = (rt: EspiReadingType, rtHref: string, mapped: ReturnType<typeof channelKindOf>): Target | Refusal => {
      if (!mapped.ok) return { reject: { code: 'KM_INGEST_UNSUPPORTED_READING', reason: `ReadingType ${rtHref}: ${mapped.reason}` } };
      const channel = channels.get(mapped.kind);
      if (!channel) return { reject: { code: 'KM_INGEST_UNKNOWN_CHANNEL', reason: `meter '${meter.meterId}' has no '${mapped.kind}' channel (ReadingType ${rtHref})` } };
      const conv = conversionTo(channel.unit, mapped.unit);
      if (!conv) return { reject: { code: 'KM_INGEST_UNIT_MISMATCH', reason: `${mapped.kind} in ${mapped.unit} cannot be converted to the channel's ${channel.unit || 'values'} (ReadingType ${rtHref})` } };
      const pow10 = rt.powerOfTenMultiplier ?? 0;
      if (!Number.isInteger(pow10)) return { reject: { code: 'KM_INGEST_UNSUPPORTED_READING', reason: `ReadingType ${rtHref}: powerOfTenMultiplier is not an integer` } };
      return { channel, conv, pow10, intervalLengthS: rt.intervalLength, readingTypeHref: rtHref };
    };

    const storeBlock = async (block: PendingBlock, r: Target | Refusal): Promise<void> => {
      const b = block.readings;
      if ('reject' in r) {
        if (b.n === 0) return;
        await flushIf(session.reject({
          code: r.reject.code, meterId: meter.meterId, readings: b.n,
          detail: `IntervalBlock at line ${block.line} (${b.n} readings): ${r.reject.reason}`,
          payload: { line: block.line, readings: b.n, firstStart: isoOrNull(b.startS[0]), lastStart: isoOrNull(b.startS[b.n - 1]), links: block.links },
        }));
        return;
      }
      const ch = r.channel;
      const wantS = ch.intervalMinutes * 60;
      for (let i = 0; i < b.n; i++) {
        const line = b.line[i]!;
        const startS = b.startS[i]!;
        const durationS = Number.isNaN(b.durationS[i]!) ? (r.intervalLengthS ?? wantS) : b.durationS[i]!;
        const raw = b.raw[i]!;
        const rejectOne = (code: ErrorCode, reason: string): boolean =>
          session.reject({ code, meterId: meter.meterId, detail: `line ${line}: ${reason}`, payload: { line, kind: ch.kind, start: Number.isNaN(startS) ? null : startS, duration: durationS, value: Number.isNaN(raw) ? null : raw, readingType: r.readingTypeHref } });
        let full: boolean;
        if (!Number.isInteger(startS)) full = rejectOne('KM_INGEST_SCHEMA', 'IntervalReading has no timePeriod start in whole seconds');
        else if (b.quality[i] === -1) full = rejectOne('KM_INGEST_UNSUPPORTED_READING', 'ReadingQuality 12 (projected): a forecast, not a reading');
        else if (durationS !== wantS) full = rejectOne('KM_INGEST_INTERVAL_MISMATCH', `duration ${durationS} s; the ${ch.kind} channel has ${ch.intervalMinutes}-minute intervals`);
        else if (Number.isNaN(raw)) full = rejectOne('KM_INGEST_NOT_FINITE', 'IntervalReading has no value, or it is not a number');
        else {
          const tsMs = startS * SECOND_MS;
          const value = scaleValue(raw, r.pow10, r.conv);
          const problem = checkReading(ch, tsMs, value, opts.nowMs);
          full = problem ? rejectOne(problem.code, problem.reason) : session.push(ch.channelId, tsMs, value, b.quality[i]!);
        }
        if (full) await session.flush();
      }
    };

    const flushIf = async (full: boolean): Promise<void> => {
      if (full) await session.flush();
    };

    const onResource = async (res: EspiResource): Promise<void> => {
      switch (res.type) {
        case 'UsagePoint':
          if (res.links.self !== undefined) {
            usagePoints.add(hrefKey(res.links.self));
            serviceKinds.set(hrefKey(res.links.self), res.serviceKind);
          }
          for (const h of res.links.related) if (/MeterReading\/?$/.test(h)) serviceKinds.set(hrefKey(h), res.serviceKind);
          return;
        case 'MeterReading': {
          const key = res.links.self === undefined ? undefined : hrefKey(res.links.self);
          const existing = key === undefined ? undefined : meterReadings.get(key);
          const info = existing ?? { links: res.links };
          if (!existing) meterReadingCount.add(info);
          if (key !== undefined) meterReadings.set(key, info);
          for (const h of res.links.related) if (/IntervalBlock\/?$/.test(h)) meterReadings.set(hrefKey(h), info);
          return;
        }
        case 'ReadingType':
          if (res.links.self !== undefined) readingTypes.set(hrefKey(res.links.self), res.fields);
          return;
        case 'LocalTimeParameters':
          localTime ??= parseLocalTime(res.fields);
          return;
        case 'IntervalBlock': {
          const block: PendingBlock = { links: res.links, line: res.line, readings: res.readings };
          const mr = meterReadingOf(res.links);
          const r = mr === undefined ? 'later' : resolve(mr, false);
          if (r === 'later') pending.push(copyBlock(block));
          else await storeBlock(block, r);
          return;
        }
        default:
          return;
      }
    };

    const input = createReadStream(opts.file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
    const report = opts.onProgress;
    // Progress from the chunks as they are consumed (a 'data' listener would put the stream in flowing mode).
    async function* chunks(): AsyncGenerator<string> {
      for await (const chunk of input) {
        report?.(input.bytesRead, size);
        yield chunk as string;
      }
    }
    try {
      await readEspiFeed(chunks(), onResource);
    } catch (err) {
      if (err instanceof EspiFormatError) throw new KeymeterError('KM_IMPORT_MALFORMED', `line ${err.line}, column ${err.column}: ${err.message}`);
      throw err;
    } finally {
      input.destroy();
    }
    // Blocks whose reading type came later in the file, or never.
    const onlyReadingType = readingTypes.size === 1 ? [...readingTypes][0]! : undefined;
    for (const block of pending) {
      const mr = meterReadingOf(block.links);
      let r: Resolution = mr === undefined ? 'later' : resolve(mr, true);
      if (r === 'later' && onlyReadingType !== undefined) {
        const [href, rt] = onlyReadingType;
        r = toTarget(rt, href, channelKindOf(rt));
        session.note(`IntervalBlock at line ${block.line} is not linked to a MeterReading with a ReadingType; the file's only ReadingType (${href}) was used`);
      }
      if (r === 'later') r = { reject: { code: 'KM_INGEST_UNSUPPORTED_READING', reason: 'no MeterReading with a ReadingType links to it' } };
      await storeBlock(block, r);
    }
    await session.finish();

    if (localTime !== undefined) {
      const first = [...session.summary.channels.values()].reduce((a, c) => Math.min(a, c.fromMs), Infinity);
      try {
        const mismatch = localTimeMismatch(localTime, meter.timezone, Number.isFinite(first) ? first : opts.nowMs);
        if (mismatch) session.note(mismatch);
      } catch {
        session.note('the file\'s LocalTimeParameters have a DST rule out of range; they were not compared with the site\'s zone');
      }
    }
    if (meterReadingCount.size === 0) session.note('the file has no MeterReading entries');
    const kinds = new Map<number, ChannelKind>([...channels.values()].map((c) => [c.channelId, c.kind]));
    return { ...session.summary, meterId: meter.meterId, kinds, usagePoints: usagePoints.size };
  });
}

function isoOrNull(s: number | undefined): string | null {
  return s === undefined || !Number.isFinite(s) ? null : new Date(s * SECOND_MS).toISOString();
}

/** A pending block, its arrays trimmed to its readings (it may wait until the end of the file). */
function copyBlock(b: PendingBlock): PendingBlock {
  const r = b.readings;
  return {
    links: b.links, line: b.line,
    readings: { n: r.n, startS: r.startS.slice(0, r.n), durationS: r.durationS.slice(0, r.n), raw: r.raw.slice(0, r.n), quality: r.quality.slice(0, r.n), line: r.line.slice(0, r.n) },
  };
}

/** LocalTimeParameters from its fields (tzOffset and dstOffset in seconds, rules as hex). */
function parseLocalTime(f: Record<string, string>): LocalTimeParameters | undefined {
  const tz = Number(f['tzOffset']);
  const dst = Number(f['dstOffset'] ?? '0');
  const start = parseInt(f['dstStartRule'] ?? 'FFFFFFFF', 16);
  const end = parseInt(f['dstEndRule'] ?? 'FFFFFFFF', 16);
  if (![tz, dst, start, end].every(Number.isFinite)) return undefined;
  return { tzOffsetS: tz, dstOffsetS: dst, dstStartRule: start >>> 0, dstEndRule: end >>> 0 };
}
