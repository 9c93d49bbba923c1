/**
 * MQTT topic names for ingest (CONTRACT.md "MQTT"): `keymeter/v1/meters/{meterId}/readings` and
 * `keymeter/v1/meters/{meterId}/events`. Brokers deliver the plain topic to shared subscriptions too,
 * so a `$share/<group>/` prefix never reaches the parser.
 */

export type TopicFamily = 'readings' | 'events';

export interface ParsedTopic {
  meterId: string;
  family: TopicFamily;
}

/** The bundle's `Id` rule (src/core/bundle/schema.ts): no '/', '+', '#' or spaces, so ids are safe topic levels. */
const METER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const PREFIX = 'keymeter/v1/meters/';

/** Subscription filter for every meter's readings (MQTT v5.0 §4.7.1.3: '+' matches one level). */
export const READINGS_FILTER = 'keymeter/v1/meters/+/readings';
/** Subscription filter for every meter's events. */
export const EVENTS_FILTER = 'keymeter/v1/meters/+/events';

/**
 * Splits an ingest topic into meter id and family. Returns undefined for anything else: another
 * prefix, extra or missing levels, an unknown family, or a meter id that breaks the bundle Id rule
 * (which also excludes the wildcards '+' and '#').
 */
export function parseTopic(topic: string): ParsedTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const rest = topic.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const meterId = rest.slice(0, slash);
  const family = rest.slice(slash + 1);
  if (family !== 'readings' && family !== 'events') return undefined; // also rejects extra levels
  if (!METER_ID.test(meterId)) return undefined;
  return { meterId, family };
}

/** The readings topic of one meter. The id is not checked here; parseTopic rejects a bad one. */
export function readingsTopic(meterId: string): string {
  return `${PREFIX}${meterId}/readings`;
}

/** The events topic of one meter. */
export function eventsTopic(meterId: string): string {
  return `${PREFIX}${meterId}/events`;
}
