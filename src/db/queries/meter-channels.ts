import type pg from 'pg';

/**
 * A meter with its site, account and channels (unit included): what file imports validate against and
 * the Green Button export describes.
 */
export const meterChannelQueries = {
  select: {
    name: 'meters.select_with_channels',
    text: `select m.id as meter_id, m.commodity, s.account_id, s.timezone,
                  c.id as channel_id, c.kind, c.unit, c.interval_minutes
             from meters m join sites s on s.id = m.site_id left join channels c on c.meter_id = m.id
            where m.id = $1
            order by c.position`,
  },
} as const;

export interface MeterChannel {
  channelId: number;
  kind: string;
  unit: string | null;
  intervalMinutes: number;
}

export interface MeterWithChannels {
  meterId: string;
  commodity: string;
  accountId: string;
  timezone: string;
  channels: MeterChannel[];
}

/** The meter and its channels in position order, or undefined for an unknown meter. */
export async function selectMeterWithChannels(db: pg.Pool | pg.ClientBase, meterId: string): Promise<MeterWithChannels | undefined> {
  const r = await db.query<{ meter_id: string; commodity: string; account_id: string; timezone: string; channel_id: number | null; kind: string | null; unit: string | null; interval_minutes: number | null }>({
    ...meterChannelQueries.select, values: [meterId],
  });
  const first = r.rows[0];
  if (!first) return undefined;
  return {
    meterId: first.meter_id,
    commodity: first.commodity,
    accountId: first.account_id,
    timezone: first.timezone,
    channels: r.rows.filter((x) => x.channel_id !== null).map((x) => ({ channelId: x.channel_id!, kind: x.kind!, unit: x.unit, intervalMinutes: x.interval_minutes! })),
  };
}
