/**
 * `keymeter import csv FILE.csv [--meter ID] [--timezone ZONE] [--skip-bad]`: interval readings from a
 * CSV file, streamed (csv-parse) and stored through the bulk path in chunks inside one transaction.
 *
 * Formats, told apart by the header (line 1, names case-insensitive):
 * - long (CONTRACT.md "Command line"): `meter,channel,ts,value` and optionally `quality` (`actual`,
 *   `estimated`); with `--meter` the meter column may be left out (and where present must name it);
 * - wide: a timestamp column (`ts`, `timestamp`, `time`, `datetime`, `date_time`, `interval_start`,
 *   `start`) first, then one column per channel kind (`kwh_del`, `kvarh_del`, `gas`, ...) of the meter
 *   given with `--meter`. An empty cell is no reading.
 * Dialect (core/files/csv-dialect.ts): the delimiter (comma, semicolon, tab) from the header, the decimal
 * separator (point, or comma when the delimiter is not one) from the values in the first 64 KiB.
 * `ts` is the interval start: with `Z` or an offset, or a local time of `--timezone` (core/files/
 * timestamp.ts: a time skipped by a DST change is a bad row; a repeated one is its first occurrence the
 * first time it appears for a channel and its second occurrence the next time).
 *
 * A bad row (or, in the wide format, a bad cell) is reported with its line. Without `--skip-bad` any bad
 * row fails the file: nothing is stored (KM_IMPORT_BAD_ROWS, every bad line listed up to MAX_ISSUES).
 * With it, bad rows become dead letters and the rest is stored.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { KeymeterError, type ErrorCode, type ErrorIssue } from '../../../src/errors.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../../src/core/channels.js';
import { channelUnit } from '../../../src/core/espi/reading-type.js';
import { checkReading, type FileChannel, type ReadingProblem } from '../../../src/core/files/check-reading.js';
import { detectDecimalSeparator, detectDelimiter, parseDecimal, type Delimiter } from '../../../src/core/files/csv-dialect.js';
import { parseFileTimestamp, resolveLocal, type ParsedFileTimestamp } from '../../../src/core/files/timestamp.js';
import { ZoneOffsets } from '../../../src/core/zone-offsets.js';
import { withTransaction, type Pool, type PoolClient } from '../../../src/db/pool.js';
import { selectMeterWithChannels } from '../../../src/db/queries/meter-channels.js';
import { ImportSession, type ImportOptions, type ImportSummary } from '../import-session.js';

export interface CsvImportOptions {
  file: string;
  /** The meter of every row: required for the wide format. */
  meterId?: string | undefined;
  /** IANA zone of timestamps written without an offset. */
  timeZone?: string | undefined;
  /** Store the good rows and dead-letter the bad ones instead of failing the file. */
  skipBad: boolean;
  nowMs: number;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  chunkRows?: number;
  afterBatch?: ImportOptions['afterBatch'];
}

export interface CsvSummary extends ImportSummary {
  format: 'long' | 'wide';
  delimiter: Delimiter;
  decimalSeparator: '.' | ',';
  /** Channel kind and meter of each channel id in `channels`. */
  channelNames: Map<number, string>;
}

const SOURCE = 'csv';
/** Bytes read up front to detect the dialect. */
const SNIFF_BYTES = 64 * 1024;
/** Bad rows listed in the error of a failed file; the rest are counted. */
export const MAX_ISSUES = 100;
const TIMESTAMP_COLUMNS: ReadonlySet<string> = new Set(['ts', 'timestamp', 'time', 'datetime', 'date_time', 'interval_start', 'start']);
const KIND_SET: ReadonlySet<string> = new Set<string>(CHANNEL_KINDS);

interface MeterEntry {
  meterId: string;
  channels: Map<string, FileChannel>;
}

interface Layout {
  format: 'long' | 'wide';
  columns: string[];
  meter: number;
  channel: number;
  ts: number;
  value: number;
  quality: number;
  /** Wide format: channel kind of each column (undefined for the timestamp column). */
  kinds: (ChannelKind | undefined)[];
}

function malformed(message: string): KeymeterError {
  return new KeymeterError('KM_IMPORT_MALFORMED', message);
}

/** The first SNIFF_BYTES of the file as text (without a BOM), cut after its last complete line. */
async function head(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    let text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    if (bytesRead === SNIFF_BYTES) text = text.slice(0, Math.max(text.lastIndexOf('\n'), 0));
    return text;
  } finally {
    await fh.close();
  }
}

function layoutOf(header: string[], meterId: string | undefined): Layout {
  const columns = header.map((c) => c.trim().toLowerCase());
  const at = (name: string) => columns.indexOf(name);
  const dup = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (dup !== undefined) throw malformed(`line 1: column '${dup}' appears twice`);
  if (at('channel') >= 0 || at('value') >= 0) {
    const missing = ['channel', 'ts', 'value', ...(meterId === undefined ? ['meter'] : [])].filter((c) => at(c) < 0);
    if (missing.length > 0) throw malformed(`line 1: the header must be meter,channel,ts,value (+ quality); missing ${missing.join(', ')}`);
    const extra = columns.find((c) => !['meter', 'channel', 'ts', 'value', 'quality'].includes(c));
    if (extra !== undefined) throw malformed(`line 1: unexpected column '${extra}' (the long format has meter, channel, ts, value and quality)`);
    return { format: 'long', columns, meter: at('meter'), channel: at('channel'), ts: at('ts'), value: at('value'), quality: at('quality'), kinds: [] };
  }
  if (!TIMESTAMP_COLUMNS.has(columns[0] ?? '')) {
    throw malformed(`line 1: not a readings header: the long format is meter,channel,ts,value; the wide format starts with a timestamp column (ts) followed by channel kinds`);
  }
  const kinds = columns.map((c, i) => {
    if (i === 0) return undefined;
    if (!KIND_SET.has(c)) throw malformed(`line 1: column '${c}' is not a channel kind (${CHANNEL_KINDS.join(', ')})`);
    return c as ChannelKind;
  });
  if (kinds.length < 2) throw malformed('line 1: the wide format needs at least one channel column after the timestamp');
  if (meterId === undefined) throw malformed('the wide format (a timestamp column, then channel columns) needs --meter ID');
  return { format: 'wide', columns, meter: -1, channel: -1, ts: 0, value: -1, quality: -1, kinds };
}

export async function importCsv(pool: Pool, opts: CsvImportOptions): Promise<CsvSummary> {
  const size = (await stat(opts.file).catch((err: NodeJS.ErrnoException) => {
    throw malformed(`cannot read the file (${err.code ?? 'error'})`);
  })).size;
  const text = await head(opts.file);
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (headerLine.trim() === '') throw malformed('line 1: the file has no header');
  const delimiter = detectDelimiter(headerLine);
  if (delimiter === undefined) throw malformed(`line 1: no comma, semicolon or tab in the header '${headerLine.slice(0, 60)}'`);
  let sample: string[][];
  try {
    sample = parseSync(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (err) {
    // The sample ends at a line break; readings files have no multi-line fields, so a quote left open here is a broken file.
    const e = err as { lines?: unknown; message?: unknown };
    throw malformed(`${typeof e.lines === 'number' ? `line ${e.lines}: ` : ''}not valid CSV (${String(e.message)})`);
  }
  const layout = layoutOf(sample[0]!, opts.meterId);
  const valueColumns = layout.format === 'long' ? [layout.value] : layout.kinds.map((_, i) => i).slice(1);
  const decimal = detectDecimalSeparator(delimiter, sample.slice(1).flatMap((r) => valueColumns.map((i) => r[i] ?? '')));
  if (decimal === undefined) throw malformed('the values mix decimal points and decimal commas in the first lines; use one');
  let zone: ZoneOffsets | undefined;
  if (opts.timeZone !== undefined) {
    try {
      zone = new ZoneOffsets(opts.timeZone);
    } catch {
      throw malformed(`--timezone '${opts.timeZone}' is not an IANA time zone (e.g. America/Chicago)`);
    }
  }

  return withTransaction(pool, async (client) => {
    const session = new ImportSession(client, { source: SOURCE, fileLabel: path.basename(opts.file), nowMs: opts.nowMs, chunkRows: opts.chunkRows, afterBatch: opts.afterBatch });
    const meters = new Map<string, MeterEntry | undefined>();
    const zones = new Map<string, ZoneOffsets>();
    const channelNames = new Map<number, string>();
    const taken = new Map<number, Set<number>>(); // per channel: instants of repeated local times placed so far
    const issues: ErrorIssue[] = [];
    let badRows = 0;
    let failed = false;

    const meterOf = async (c: PoolClient, id: string): Promise<MeterEntry | undefined> => {
      if (meters.has(id)) return meters.get(id);
      const m = await selectMeterWithChannels(c, id);
      let entry: MeterEntry | undefined;
      if (m) {
        let offsets = zones.get(m.timezone);
        if (!offsets) zones.set(m.timezone, (offsets = new ZoneOffsets(m.timezone)));
        const channels = new Map<string, FileChannel>();
        for (const ch of m.channels) {
          const kind = ch.kind as ChannelKind;
          channels.set(kind, { channelId: ch.channelId, kind, unit: channelUnit(kind, ch.unit), intervalMinutes: ch.intervalMinutes, offsets });
          channelNames.set(ch.channelId, `${m.meterId} ${kind}`);
        }
        entry = { meterId: m.meterId, channels };
      }
      meters.set(id, entry);
      return entry;
    };

    let wideMeter: MeterEntry | undefined;
    if (layout.format === 'wide' || opts.meterId !== undefined) {
      wideMeter = await meterOf(client, opts.meterId!);
      if (!wideMeter) throw new KeymeterError('KM_NOT_FOUND', `no meter '${opts.meterId}'`);
      if (layout.format === 'wide') {
        const missing = layout.kinds.filter((k): k is ChannelKind => k !== undefined && !wideMeter!.channels.has(k));
        if (missing.length > 0) throw malformed(`line 1: meter '${wideMeter.meterId}' has no ${missing.map((k) => `'${k}'`).join(', ')} channel${missing.length > 1 ? 's' : ''}`);
      }
    }

    /** A bad row or cell: an issue (strict) or a dead letter (--skip-bad). */
    const bad = async (line: number, field: string, code: ErrorCode, reason: string, meterId: string | null, row: string[]): Promise<void> => {
      badRows++;
      if (!opts.skipBad) {
        failed = true;
        if (issues.length < MAX_ISSUES) issues.push({ path: `line ${line}`, message: `${field}: ${reason}` });
        return;
      }
      const full = session.reject({ code, meterId, detail: `line ${line}: ${field}: ${reason}`, payload: { line, row: Object.fromEntries(layout.columns.map((c, i) => [c, row[i] ?? null])) } });
      if (full) await session.flush();
    };


    const place = (t: ParsedFileTimestamp, channelId: number): number => {
      if (!t.local) return t.tsMs;
      if (t.instantsMs.length === 1) return t.instantsMs[0]!;
      let set = taken.get(channelId);
      if (!set) taken.set(channelId, (set = new Set()));
      return resolveLocal(t.instantsMs, set);
    };

    /**
     * Checks one reading and buffers it: null when buffered, 'full' when the buffer must be flushed, else
     * what is wrong with it. Synchronous, so the good path costs no promise per row.
     */
    const offer = (ch: FileChannel, tsMs: number, valueText: string, quality: number): null | 'full' | ReadingProblem => {
      const value = parseDecimal(valueText, decimal);
      if (Number.isNaN(value)) {
        const blank = valueText.trim() === '';
        return { code: blank ? 'KM_INGEST_SCHEMA' : 'KM_INGEST_NOT_FINITE', reason: blank ? 'a value is required' : `'${valueText.trim().slice(0, 40)}' is not a decimal number` };
      }
      const problem = checkReading(ch, tsMs, value, opts.nowMs);
      if (problem) return problem;
      if (failed) {
        session.summary.readings++; // counted, not stored: the file fails anyway
        return null;
      }
      return session.push(ch.channelId, tsMs, value, quality) ? 'full' : null;
    };

    const input = createReadStream(opts.file, { highWaterMark: 256 * 1024 });
    if (opts.onProgress) {
      const report = opts.onProgress;
      input.on('data', () => report(input.bytesRead, size));
    }
    const parser = input.pipe(parse({ delimiter, bom: true, from_line: 2, relax_column_count: true, skip_empty_lines: true, info: true }));
    const width = layout.columns.length;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = info.lines;
        if (record.length !== width) {
          await bad(line, 'row', 'KM_INGEST_SCHEMA', `${record.length} fields; the header has ${width}`, null, record);
          continue;
        }
        if (layout.format === 'long') {
          const meterText = layout.meter >= 0 ? record[layout.meter]!.trim() : opts.meterId!;
          if (opts.meterId !== undefined && meterText !== opts.meterId) {
            await bad(line, 'meter', 'KM_INGEST_UNKNOWN_METER', `'${meterText.slice(0, 40)}' is not the meter given with --meter (${opts.meterId})`, meterText, record);
            continue;
          }
          const meter = meters.has(meterText) ? meters.get(meterText) : await meterOf(client, meterText);
          if (!meter) {
            await bad(line, 'meter', 'KM_INGEST_UNKNOWN_METER', `no meter '${meterText.slice(0, 40)}'`, meterText, record);
            continue;
          }
          const kind = record[layout.channel]!.trim();
          const ch = meter.channels.get(kind);
          if (!ch) {
            await bad(line, 'channel', 'KM_INGEST_UNKNOWN_CHANNEL', KIND_SET.has(kind) ? `meter '${meter.meterId}' has no '${kind}' channel` : `'${kind.slice(0, 40)}' is not a channel kind`, meter.meterId, record);
            continue;
          }
          let quality = 0;
          if (layout.quality >= 0) {
            const q = record[layout.quality]!.trim().toLowerCase();
            if (q === 'estimated') quality = 1;
            else if (q !== '' && q !== 'actual') {
              await bad(line, 'quality', 'KM_INGEST_SCHEMA', `'${q.slice(0, 40)}' is not actual or estimated`, meter.meterId, record);
              continue;
            }
          }
          const t = parseFileTimestamp(record[layout.ts]!.trim(), zone);
          if (!t.ok) {
            await bad(line, 'ts', 'KM_INGEST_BAD_TIMESTAMP', t.reason, meter.meterId, record);
            continue;
          }
          const o = offer(ch, place(t, ch.channelId), record[layout.value]!, quality);
          if (o === 'full') await session.flush();
          else if (o !== null) await bad(line, 'value', o.code, o.reason, meter.meterId, record);
        } else {
          const meter = wideMeter!;
          const t = parseFileTimestamp(record[0]!.trim(), zone);
          if (!t.ok) {
            await bad(line, layout.columns[0]!, 'KM_INGEST_BAD_TIMESTAMP', t.reason, meter.meterId, record);
            continue;
          }
          for (let i = 1; i < width; i++) {
            const cell = record[i]!;
            if (cell.trim() === '') continue;
            const ch = meter.channels.get(layout.kinds[i]!)!;
            const o = offer(ch, place(t, ch.channelId), cell, 0);
            if (o === 'full') await session.flush();
            else if (o !== null) await bad(line, layout.columns[i]!, o.code, o.reason, meter.meterId, record);
          }
        }
      }
    } catch (err) {
      const e = err as { code?: unknown; lines?: unknown; message?: unknown };
      if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
        throw malformed(`${typeof e.lines === 'number' ? `line ${e.lines}: ` : ''}not valid CSV (${String(e.message)})`);
      }
      throw err;
    } finally {
      input.destroy();
    }
    if (failed) {
      const more = badRows - issues.length;
      throw new KeymeterError('KM_IMPORT_BAD_ROWS', `${badRows} bad row${badRows === 1 ? '' : 's'}; nothing stored (--skip-bad stores the others)`, {
        issues: more > 0 ? [...issues, { path: '…', message: `and ${more} more` }] : issues,
      });
    }
    await session.finish();
    return { ...session.summary, format: layout.format, delimiter, decimalSeparator: decimal, channelNames };
  });
}
