/**
 * One poll of one meter: read its registers (SunSpec, discovering the layout first if need be, or the
 * blocks of its register map), decode them, feed the interval tracks, and turn the result into a store
 * request for the writer: interval readings, voltage extremes, and dead letters for exceptions,
 * undecodable values and counter resets. The state the poll leads to is returned, not applied: the
 * caller applies it once the writer has committed the request (a poll is done only after commit).
 */
import type { ChannelKind } from '../../src/core/channels.js';
import { accumulateSample, type ChannelPlan, type IntervalOutput } from '../../src/core/modbus/meter-intervals.js';
import type { MeterSample } from '../../src/core/modbus/meter-sample.js';
import { decodeBlocks } from '../../src/core/modbus/register-map.js';
import { ILLEGAL_DATA_ADDRESS } from '../../src/core/modbus/exceptions.js';
import { METER_MODEL_LENGTH, decodeMeterModel, modelHeader, type SunSpecIdentity } from '../../src/core/modbus/sunspec.js';
import { isoUtc } from '../../src/core/time-zone.js';
import type { ErrorCode } from '../../src/errors.js';
import type { DeadLetterRow } from '../../src/db/queries/ingest.js';
import type { StoreRequest } from '../writer.js';
import type { Clock } from './clock.js';
import { ModbusReadError, type ModbusConnection } from './connection.js';
import type { MeterState } from './meter-state.js';
import type { RegisterMaps } from './register-maps.js';
import type { RepeatFilter } from './repeat-filter.js';
import { discoverSunSpec } from './sunspec-discovery.js';

export const SOURCE = 'modbus';

export interface PollContext {
  meterId: string;
  /** `sunspec` or a register map name. */
  map: string;
  pollMs: number;
  channels: readonly ChannelPlan[];
  conn: ModbusConnection;
  maps: RegisterMaps;
  clock: Clock;
  repeats: RepeatFilter;
}

export interface PollResult {
  /** The registers were read and decoded (some values may still be missing). */
  ok: boolean;
  /** Why not, for the log: a transport failure or a dead-lettered reason. */
  failure?: string;
  /** Transport failures (timeout, offline) are not dead letters: the device may come back. */
  transport: boolean;
  request: StoreRequest;
  nextState: MeterState;
  /** SunSpec model 1, when discovery ran in this poll. */
  identity?: SunSpecIdentity | null;
  /** Kinds the meter has channels for but the device did not deliver in this poll. */
  undelivered: ChannelKind[];
}

interface Letter {
  code: ErrorCode;
  key: string;
  detail: string;
  payload: unknown;
}

/** The key under which a layout found for this endpoint and map stays valid. */
export function layoutKey(ctx: PollContext): string {
  const e = ctx.conn.endpoint;
  return `${e.host}:${e.port}/${e.unitId}/${ctx.map}`;
}

export async function pollMeter(ctx: PollContext, state: MeterState, tickMs: number): Promise<PollResult> {
  const next: MeterState = structuredClone(state);
  next.lastTickMs = tickMs;
  if (next.layoutKey !== layoutKey(ctx)) {
    next.layoutKey = layoutKey(ctx);
    next.sunspec = null;
  }
  const letters: Letter[] = [];
  let sample: MeterSample | null = null;
  let sampleMs = ctx.clock.now();
  let failure: string | undefined;
  let transport = false;
  let identity: SunSpecIdentity | null | undefined;

  try {
    if (ctx.map === 'sunspec') {
      if (next.sunspec === null) {
        const found = await discoverSunSpec((address, count) => ctx.conn.read('holding', address, count));
        if (!found.ok) {
          letters.push({ code: 'KM_MODBUS_NOT_SUNSPEC', key: 'discovery', detail: found.detail, payload: found.payload });
          failure = found.detail;
        } else {
          next.sunspec = { base: found.layout.base, meter: found.layout.meter };
          identity = found.identity;
        }
      }
      if (next.sunspec !== null) {
        const m = next.sunspec.meter;
        const count = 2 + Math.min(m.length, METER_MODEL_LENGTH);
        const before = ctx.clock.now();
        const view = await ctx.conn.read('holding', m.address, count);
        sampleMs = (before + ctx.clock.now()) / 2;
        const header = modelHeader(view);
        if (header.id !== m.id) {
          // The device's map changed (firmware update, another device at the address): discover again.
          failure = `model ${m.id} expected at ${m.address}, found ${header.id}; discovering again at the next poll`;
          next.sunspec = null;
        } else {
          sample = decodeMeterModel(view, m.address);
        }
      }
    } else {
      const found = await ctx.maps.get(ctx.map);
      if (!found.ok) {
        letters.push({ code: 'KM_MODBUS_UNKNOWN_MAP', key: 'map', detail: found.detail, payload: { map: ctx.map } });
        failure = found.detail;
      } else {
        const { map, blocks } = found.value;
        const data: (DataView | undefined)[] = [];
        const before = ctx.clock.now();
        let anyRead = false;
        for (const b of blocks) {
          try {
            data.push(await ctx.conn.read(b.function, b.address, b.count));
            anyRead = true;
          } catch (err) {
            if (!(err instanceof ModbusReadError) || err.failure !== 'exception') throw err;
            data.push(undefined);
            letters.push({ code: 'KM_MODBUS_EXCEPTION', key: `exception:${b.function}:${b.address}`, detail: err.message, payload: { function: b.function, address: b.address, count: b.count, exceptionCode: err.exceptionCode } });
          }
        }
        sampleMs = (before + ctx.clock.now()) / 2;
        if (anyRead) sample = decodeBlocks(map, blocks, data);
        else failure = 'every block read was answered with an exception';
      }
    }
  } catch (err) {
    if (!(err instanceof ModbusReadError)) throw err;
    failure = err.message;
    if (err.failure === 'exception') {
      const e = ctx.conn.endpoint;
      letters.push({ code: 'KM_MODBUS_EXCEPTION', key: `exception:${err.exceptionCode ?? 0}`, detail: err.message, payload: { unitId: e.unitId, exceptionCode: err.exceptionCode } });
      // An address the device no longer has: the SunSpec layout is stale.
      if (err.exceptionCode === ILLEGAL_DATA_ADDRESS) next.sunspec = null;
    } else {
      transport = true;
    }
  }

  for (const issue of sample?.issues ?? []) {
    letters.push({ code: issue.code, key: `decode:${issue.point}`, detail: issue.detail, payload: { point: issue.point, address: issue.address, raw: issue.raw } });
  }
  const acc = accumulateSample(next.intervals, sample, sample ? sampleMs : ctx.clock.now(), ctx.channels, ctx.pollMs);
  next.intervals = acc.state;
  for (const r of acc.output.resets) {
    letters.push({
      code: 'KM_INGEST_COUNTER_RESET', key: `reset:${r.kind}`,
      detail: `${r.kind} counter went from ${r.before} to ${r.after} between ${isoUtc(Math.round(r.fromTMs))} and ${isoUtc(Math.round(r.toTMs))} without wrapping: intervals in between are left missing`,
      payload: { channel: r.kind, before: r.before, after: r.after, from: isoUtc(Math.round(r.fromTMs)), to: isoUtc(Math.round(r.toTMs)) },
    });
  }

  const request = toRequest(acc.output);
  const dead = deadLetters(ctx, letters);
  if (dead.length > 0) request.deadLetters = dead;
  const undelivered = sample === null ? [] : ctx.channels
    .filter((c) => !(Number.isFinite(sample!.instant.get(c.kind) ?? NaN) || Number.isFinite(sample!.counters.get(c.kind)?.value ?? NaN)))
    .map((c) => c.kind);
  return { ok: sample !== null, failure, transport, request, nextState: next, identity, undelivered };
}

function toRequest(out: IntervalOutput): StoreRequest {
  const req: StoreRequest = {};
  if (out.readings.length > 0) {
    req.readings = {
      channelIds: out.readings.map((r) => r.channelId), tsMs: out.readings.map((r) => r.tsMs),
      values: out.readings.map((r) => r.value), quality: out.readings.map((r) => r.quality),
    };
  }
  if (out.extremes.length > 0) {
    req.extremes = {
      channelIds: out.extremes.map((x) => x.channelId), tsMs: out.extremes.map((x) => x.tsMs),
      min: out.extremes.map((x) => x.min), max: out.extremes.map((x) => x.max), samples: out.extremes.map((x) => x.samples),
    };
  }
  return req;
}

function deadLetters(ctx: PollContext, letters: readonly Letter[]): DeadLetterRow[] {
  const e = ctx.conn.endpoint;
  const nowMs = ctx.clock.now();
  const rows: DeadLetterRow[] = [];
  for (const l of letters) {
    const admit = ctx.repeats.admit(`${l.code}:${l.key}`, nowMs);
    if (!admit.write) continue;
    rows.push({
      receivedAtMs: nowMs, source: SOURCE, topicOrUnit: `modbus://${e.host}:${e.port}/${e.unitId}`, meterId: ctx.meterId,
      payload: Buffer.from(JSON.stringify(l.payload)), payloadTruncated: false, code: l.code, detail: (l.detail + admit.note).slice(0, 2000),
    });
  }
  return rows;
}
