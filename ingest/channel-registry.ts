/**
 * What an ingest worker validates against: each meter's channels (id, interval) and site time zone,
 * cached in memory. A meter or channel added to the database while the worker runs is picked up
 * without a restart: a miss (unknown meter, or a channel kind the cached meter lacks) always reloads
 * that meter. The lookup is one primary-key query per message, cheap beside the dead letter a miss
 * writes anyway; concurrent misses for one meter share one query.
 */
import type { ChannelKind } from '../src/core/channels.js';
import type { Pool } from '../src/db/pool.js';
import { selectMeterChannels } from '../src/db/queries/ingest.js';

export interface ChannelInfo {
  channelId: number;
  intervalMinutes: number;
  timezone: string;
}

export interface MeterInfo {
  meterId: string;
  timezone: string;
  channels: ReadonlyMap<ChannelKind, ChannelInfo>;
}

/** A known meter is reloaded after this long, so interval or channel changes reach a running worker. */
const HIT_TTL_MS = 5 * 60 * 1000;
const MAX_ENTRIES = 100_000;

interface Entry {
  meter: MeterInfo;
  loadedMs: number;
}

export class ChannelRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<MeterInfo | undefined>>();

  constructor(private readonly pool: Pool, private readonly nowMs: () => number = Date.now) {}

  /**
   * The meter, or undefined when it does not exist. `needKinds`: channel kinds the caller is about to
   * use; when the cached meter lacks one, it is reloaded.
   */
  async meter(meterId: string, needKinds: readonly ChannelKind[] = []): Promise<MeterInfo | undefined> {
    const now = this.nowMs();
    const e = this.#entries.get(meterId);
    if (e?.meter && now - e.loadedMs < HIT_TTL_MS && needKinds.every((k) => e.meter!.channels.has(k))) return e.meter;
    return this.#load(meterId);
  }

  /** Forgets everything (tests, or after a bundle import in the same process). */
  clear(): void {
    this.#entries.clear();
  }

  #load(meterId: string): Promise<MeterInfo | undefined> {
    let p = this.#loading.get(meterId);
    if (p) return p;
    p = (async () => {
      const row = await selectMeterChannels(this.pool, meterId);
      const meter: MeterInfo | undefined = row && {
        meterId: row.meterId,
        timezone: row.timezone,
        channels: new Map(row.channels.map((c) => [c.kind as ChannelKind, { channelId: c.channelId, intervalMinutes: c.intervalMinutes, timezone: row.timezone }])),
      };
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      if (meter) this.#entries.set(meterId, { meter, loadedMs: this.nowMs() });
      else this.#entries.delete(meterId);
      return meter;
    })().finally(() => this.#loading.delete(meterId));
    this.#loading.set(meterId, p);
    return p;
  }
}
