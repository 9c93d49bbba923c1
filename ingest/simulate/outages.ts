/**
 * Power outages: each meter's interruptions are planned per local year from the hash, so every range
 * sees the same ones; sustained windows are merged and momentary ones inside them dropped.
 */
import { DAY_MS, MINUTE_MS, localToUtc } from './local-time.js';
import { streamKey, unit } from './noise.js';
import type { MeterSpec } from './profile.js';

/** Below this length an interruption is momentary (IEEE 1366-2022 §3.24: 5 minutes). */
export const MOMENTARY_LIMIT_MS = 5 * MINUTE_MS;

/** @internal */
export interface Interruption {
  startMs: number;
  endMs: number;
  sustained: boolean;
}

/**
 * The interruptions a meter sees in one local year, planned from the hash so that every range sees the
 * same ones: 2-6 sustained (15 min to 4 h, mostly short) and 2-6 momentary events, each a recloser
 * sequence of 1-3 open intervals of a few seconds (IEEE 1366 MAIFI_E counts such a sequence once).
 */
function interruptionsInYear(spec: MeterSpec, year: number): Interruption[] {
  const key = streamKey(spec.seed ?? 0, spec.outageKey ?? spec.meterId, 'outage');
  const yearStartLocal = Date.UTC(year, 0, 1);
  const daysInYear = Math.round((Date.UTC(year + 1, 0, 1) - yearStartLocal) / DAY_MS);
  const out: Interruption[] = [];
  const at = (slot: number) => unit(key, year * 256 + slot);
  const sustained = 2 + Math.floor(at(0) * 5);
  for (let k = 0; k < sustained; k++) {
    const doy = Math.floor(at(1 + 4 * k) * daysInYear);
    const startSec = Math.floor(at(2 + 4 * k) * 86_400);
    const durationMs = Math.round((15 + at(3 + 4 * k) ** 2 * 225) * MINUTE_MS / 1000) * 1000;
    const startMs = localToUtc(spec.timezone, yearStartLocal + doy * DAY_MS + startSec * 1000);
    out.push({ startMs, endMs: startMs + durationMs, sustained: true });
  }
  const momentary = 2 + Math.floor(at(100) * 5);
  for (let k = 0; k < momentary; k++) {
    const doy = Math.floor(at(101 + 8 * k) * daysInYear);
    const startSec = Math.floor(at(102 + 8 * k) * 86_400);
    let t = localToUtc(spec.timezone, yearStartLocal + doy * DAY_MS + startSec * 1000);
    const shots = 1 + Math.floor(at(103 + 8 * k) * 3);
    for (let s = 0; s < shots; s++) {
      const openMs = (1 + Math.floor(at(104 + 8 * k + s) * 20)) * 1000;
      out.push({ startMs: t, endMs: t + openMs, sustained: false });
      t += openMs + (2 + Math.floor(at(107 + 8 * k + s) * 13)) * 1000;
    }
  }
  return out;
}

/** @internal Sustained windows merged and sorted; momentary ones that fall inside a sustained one dropped. */
export function interruptionsAround(spec: MeterSpec, fromMs: number, toMs: number): Interruption[] {
  const y0 = new Date(fromMs - 2 * DAY_MS).getUTCFullYear();
  const y1 = new Date(toMs + 2 * DAY_MS).getUTCFullYear();
  const all: Interruption[] = [];
  for (let y = y0; y <= y1; y++) all.push(...interruptionsInYear(spec, y));
  const sustained = all.filter((x) => x.sustained).sort((a, b) => a.startMs - b.startMs);
  const merged: Interruption[] = [];
  for (const s of sustained) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else merged.push({ ...s });
  }
  const momentary = all.filter((x) => !x.sustained && !merged.some((s) => x.endMs >= s.startMs && x.startMs <= s.endMs));
  return [...merged, ...momentary].sort((a, b) => a.startMs - b.startMs);
}
