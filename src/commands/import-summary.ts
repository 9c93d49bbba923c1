import type { ImportSummary } from '../../ingest/files/import-session.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2025-01-01T00:00Z` (minutes are enough for interval starts). */
function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

/**
 * The end-of-import summary for a person: the totals line, each channel's span, rejects by reason with
 * the first examples, and notes.
 */
export function formatImportSummary(head: string, s: ImportSummary, channelName: (channelId: number) => string): string {
  const lines = [
    `${head}: ${plural(s.readings, 'reading')} read: ${s.stored} stored, ${plural(s.duplicates, 'duplicate')}, ${plural(s.conflicts, 'conflict')}, ${s.rejected} rejected`,
  ];
  for (const [id, c] of [...s.channels].sort((a, b) => channelName(a[0]).localeCompare(channelName(b[0])))) {
    lines.push(`  ${channelName(id)}: ${plural(c.readings, 'reading')} from ${isoMinute(c.fromMs)} to ${isoMinute(c.toMs)} (interval starts)`);
  }
  for (const [code, r] of s.rejects) {
    lines.push(`  rejected ${code}: ${plural(r.readings, 'reading')}`);
    for (const e of r.examples) lines.push(`    ${e}`);
  }
  if (s.conflicts > 0) lines.push('  conflicts: the stored values stay; both values are kept in reading_conflicts');
  if (s.rejected > 0) lines.push('  rejected readings are kept with their reasons: GET /v1/dead-letters');
  for (const n of s.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}
