import type pg from 'pg';

export const deadLetterQueries = {
  list: {
    name: 'ingest_dead_letters.select_page',
    // Newest first; `before` is the id cursor of the previous page.
    text: `select id, received_at, source, topic_or_unit, meter_id, payload, payload_truncated, code, detail
             from ingest_dead_letters
            where ($1::text is null or meter_id = $1)
              and ($2::timestamptz is null or received_at >= $2)
              and ($3::timestamptz is null or received_at < $3)
              and ($4::bigint is null or id < $4)
            order by id desc
            limit $5`,
  },
} as const;

export interface DeadLetter {
  id: string;
  receivedAt: string;
  source: string;
  topicOrUnit: string | null;
  meterId: string | null;
  payload: Buffer | null;
  payloadTruncated: boolean;
  code: string;
  detail: string;
}

export async function listDeadLetters(
  db: pg.Pool,
  f: { meterId?: string | undefined; fromIso?: string | undefined; toIso?: string | undefined; beforeId?: string | undefined; limit: number },
): Promise<DeadLetter[]> {
  const r = await db.query<{ id: string; received_at: Date; source: string; topic_or_unit: string | null; meter_id: string | null; payload: Buffer | null; payload_truncated: boolean; code: string; detail: string }>({
    ...deadLetterQueries.list, values: [f.meterId ?? null, f.fromIso ?? null, f.toIso ?? null, f.beforeId ?? null, f.limit],
  });
  return r.rows.map((x) => ({
    id: x.id, receivedAt: x.received_at.toISOString(), source: x.source, topicOrUnit: x.topic_or_unit, meterId: x.meter_id,
    payload: x.payload, payloadTruncated: x.payload_truncated, code: x.code, detail: x.detail,
  }));
}
