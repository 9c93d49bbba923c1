/**
 * JSON register maps for meters without SunSpec (STYLE §1: device knowledge is data; EV keeps one
 * template per meter). A map lists points: where a value is (function and address), how it is encoded,
 * the scale to the channel's unit, and which channel kind it feeds. The poller reads the points in as
 * few block reads as the map allows (EV `blockcache.go`: one request per contiguous range is cheaper
 * than one per value, and many meters answer slowly) and decodes each block with the functions here.
 *
 * Format (fixtures/registermaps/*.json, documented in fixtures/README.md and the README):
 *   { "name", "manufacturer", "model", "source", "coalesceGap"?, "maxBlockRegisters"?,
 *     "points": [{ "name", "address", "function": "holding" | "input", "type", "scale"?, "unit",
 *                  "channel", "missing"?, "min"?, "max"? }] }
 * `address` is the 0-based register address sent on the wire (vendor tables that number input
 * registers from 30001 or holding registers from 40001 subtract that). `scale` multiplies the raw
 * value into `unit`, which must be the unit of `channel` (CONTRACT.md "Channels"): a power register in W
 * feeding `kw` has scale 0.001 and unit "kW". `missing` lists raw values that mean "not available";
 * NaN and infinite floats are always missing. A value outside [`min`, `max`] is refused as undecodable.
 */
import { z } from 'zod';
import { CHANNEL_KINDS, UNITS_BY_KIND, isCumulativeKind, type ChannelKind } from '../channels.js';
import { emptySample, hexWords, type MeterSample } from './meter-sample.js';
import { MAX_READ_REGISTERS, MAX_REGISTER_ADDRESS, REGISTER_TYPES, counterModulus, decodeRegister, registerCount, type RegisterType } from './registers.js';

export const REGISTER_FUNCTIONS = ['holding', 'input'] as const;
export type RegisterFunction = (typeof REGISTER_FUNCTIONS)[number];

/** Unmapped registers a block read may span by default: none (some meters refuse reads across holes). */
export const DEFAULT_COALESCE_GAP = 0;

export const RegisterPoint = z.strictObject({
  /** The vendor's name of the value, as in its register table. */
  name: z.string().min(1).max(200),
  address: z.number().int().min(0).max(MAX_REGISTER_ADDRESS),
  function: z.enum(REGISTER_FUNCTIONS),
  type: z.enum(REGISTER_TYPES),
  scale: z.number().finite().refine((x) => x !== 0, 'must not be 0').default(1),
  unit: z.string(),
  channel: z.enum(CHANNEL_KINDS),
  missing: z.array(z.number()).default([]),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  /** Free text: the vendor table and row, notes. */
  note: z.string().max(2000).optional(),
});
export type RegisterPoint = z.infer<typeof RegisterPoint>;

export const RegisterMap = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - (it is the file name and the bundle\'s modbus.map)'),
    manufacturer: z.string().min(1).max(200),
    model: z.string().min(1).max(200),
    /** The vendor document (title, version, table) the addresses come from. */
    source: z.string().min(1).max(2000),
    coalesceGap: z.number().int().min(0).max(MAX_READ_REGISTERS).default(DEFAULT_COALESCE_GAP),
    maxBlockRegisters: z.number().int().min(1).max(MAX_READ_REGISTERS).default(MAX_READ_REGISTERS),
    points: z.array(RegisterPoint).min(1),
  })
  .superRefine((map, ctx) => {
    const seen = new Set<ChannelKind>();
    map.points.forEach((p, i) => {
      const units = UNITS_BY_KIND[p.channel];
      const expected = units.length === 0 ? '' : units[0]!;
      if (units.length === 0 ? p.unit !== '' : !units.includes(p.unit)) {
        ctx.addIssue({ code: 'custom', path: ['points', i, 'unit'], message: `channel ${p.channel} takes ${expected === '' ? 'no unit ("")' : `"${units.join('" or "')}"`}, got "${p.unit}"` });
      }
      if (seen.has(p.channel)) ctx.addIssue({ code: 'custom', path: ['points', i, 'channel'], message: `${p.channel} is mapped twice` });
      seen.add(p.channel);
      if (p.address + registerCount(p.type) - 1 > MAX_REGISTER_ADDRESS) ctx.addIssue({ code: 'custom', path: ['points', i, 'address'], message: 'runs past register 65535' });
      if (registerCount(p.type) > map.maxBlockRegisters) ctx.addIssue({ code: 'custom', path: ['points', i, 'type'], message: 'wider than maxBlockRegisters' });
      if (p.min !== undefined && p.max !== undefined && p.min > p.max) ctx.addIssue({ code: 'custom', path: ['points', i, 'min'], message: 'greater than max' });
    });
  });
export type RegisterMap = z.infer<typeof RegisterMap>;

/** One read request: `count` registers from `address` with `function`, serving the listed points. */
export interface RegisterBlock {
  function: RegisterFunction;
  address: number;
  count: number;
  /** Indexes into the map's `points`. */
  points: number[];
}

/**
 * The block reads that cover every point: per function, points sorted by address are joined while the
 * hole between them is at most `coalesceGap` registers and the block stays within `maxBlockRegisters`.
 */
export function planBlocks(map: Pick<RegisterMap, 'points' | 'coalesceGap' | 'maxBlockRegisters'>): RegisterBlock[] {
  const blocks: RegisterBlock[] = [];
  for (const fn of REGISTER_FUNCTIONS) {
    const order = map.points.map((p, i) => ({ p, i })).filter((x) => x.p.function === fn).sort((a, b) => a.p.address - b.p.address);
    let cur: RegisterBlock | undefined;
    for (const { p, i } of order) {
      const end = p.address + registerCount(p.type); // exclusive
      if (cur && p.address - (cur.address + cur.count) <= map.coalesceGap && Math.max(end, cur.address + cur.count) - cur.address <= map.maxBlockRegisters) {
        cur.count = Math.max(cur.count, end - cur.address);
        cur.points.push(i);
      } else {
        cur = { function: fn, address: p.address, count: end - p.address, points: [i] };
        blocks.push(cur);
      }
    }
  }
  return blocks;
}

/**
 * Decodes the points of `blocks` from the registers read for them (`data[k]` holds block k's bytes;
 * undefined when that read failed, leaving its points missing). Energy kinds become counters (their
 * modulus from the type and scale), the others instantaneous values.
 */
export function decodeBlocks(map: RegisterMap, blocks: readonly RegisterBlock[], data: readonly (DataView | undefined)[]): MeterSample {
  const sample = emptySample();
  blocks.forEach((block, k) => {
    const view = data[k];
    for (const i of block.points) {
      const p = map.points[i]!;
      const value = view === undefined ? NaN : decodePoint(p, view, 2 * (p.address - block.address), sample);
      if (isCumulativeKind(p.channel)) sample.counters.set(p.channel, { value, modulus: counterModulus(p.type) * Math.abs(p.scale) });
      else sample.instant.set(p.channel, value);
    }
  });
  return sample;
}

function decodePoint(p: RegisterPoint, view: DataView, at: number, sample: MeterSample): number {
  const words = registerCount(p.type);
  if (at < 0 || at + 2 * words > view.byteLength) return NaN;
  const raw = decodeRegister(view, at, p.type as RegisterType);
  if (!Number.isFinite(raw) || p.missing.includes(raw)) return NaN;
  const value = scaleValue(raw, p.scale);
  if ((p.min !== undefined && value < p.min) || (p.max !== undefined && value > p.max)) {
    sample.issues.push({
      code: 'KM_INGEST_DECODE_RANGE', point: p.name, address: p.address, raw: hexWords(view, at, words),
      detail: `${p.name} = ${value} ${p.unit} is outside [${p.min ?? '-inf'}, ${p.max ?? 'inf'}]`,
    });
    return NaN;
  }
  return value;
}

/** raw × scale, dividing by the exact reciprocal where the scale is one (0.1, 0.001), so 2301 × 0.1 is 230.1. */
export function scaleValue(raw: number, scale: number): number {
  const inverse = 1 / scale;
  return Number.isInteger(inverse) ? raw / inverse : raw * scale;
}
