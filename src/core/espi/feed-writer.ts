/**
 * Writes a meter's readings as an ESPI (Green Button) Atom feed, in pieces a caller can stream: the feed
 * head, a UsagePoint entry, its LocalTimeParameters, per channel a MeterReading and its ReadingType, then
 * that channel's IntervalBlocks (one per UTC day), and the feed end. Pure: ids, times and readings come
 * from the caller.
 *
 * Layout follows the Green Button sample files (each ESPI resource in an Atom `<entry>` whose `<content>`
 * holds it in the ESPI default namespace; entries linked by `self`, `up` and `related` hrefs) and the
 * element order of espiDerived.xsd: ReadingType children in schema (alphabetical) order; IntervalBlock =
 * interval, IntervalReading*; IntervalReading = ReadingQuality*, timePeriod, value; DateTimeInterval =
 * duration, start (seconds). Links: UsagePoint `related` -> the MeterReading collection and the
 * LocalTimeParameters; MeterReading `up` -> that collection, `related` -> its IntervalBlock collection
 * and its ReadingType; IntervalBlock `up` -> the IntervalBlock collection.
 */
import type { ChannelKind } from '../channels.js';
import { ATOM_NS, ESPI_NS, espiQualityOf } from './codes.js';
import { hex8, type LocalTimeParameters } from './local-time-parameters.js';
import type { ExportReadingType } from './reading-type.js';

const DAY_S = 24 * 60 * 60;

/** XML 1.0 §2.4: `<` and `&` must be escaped in text, plus `"` in attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : '&quot;'));
}

/** The hrefs of a meter's resources (relative, ESPI-style resource paths). */
export function espiHrefs(meterId: string, kind?: ChannelKind) {
  const up = `UsagePoint/${meterId}`;
  const mr = `${up}/MeterReading/${kind ?? ''}`;
  return {
    usagePoint: up,
    meterReadings: `${up}/MeterReading`,
    localTime: `LocalTimeParameters/${meterId}`,
    meterReading: mr,
    intervalBlocks: `${mr}/IntervalBlock`,
    readingType: `ReadingType/${meterId}-${kind ?? ''}`,
  };
}

interface EntryParts {
  id: string;
  links: [rel: string, href: string][];
  title: string;
  content: string;
  updatedIso: string;
}

function entry(e: EntryParts): string {
  const links = e.links.map(([rel, href]) => `    <link rel="${rel}" href="${escapeXml(href)}"/>\n`).join('');
  return `  <entry>\n    <id>${escapeXml(e.id)}</id>\n${links}    <title>${escapeXml(e.title)}</title>\n` +
    `    <content>\n${e.content}    </content>\n    <published>${e.updatedIso}</published>\n    <updated>${e.updatedIso}</updated>\n  </entry>\n`;
}

export function feedStart(o: { id: string; title: string; updatedIso: string; selfHref: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="${ATOM_NS}">\n  <id>${escapeXml(o.id)}</id>\n  <title>${escapeXml(o.title)}</title>\n` +
    `  <updated>${o.updatedIso}</updated>\n  <link rel="self" href="${escapeXml(o.selfHref)}"/>\n`;
}

export function feedEnd(): string {
  return '</feed>\n';
}

/** The UsagePoint of a meter; `serviceKind` per ServiceKind (0 electricity, 1 gas, 2 water). */
export function usagePointEntry(o: { id: string; meterId: string; serviceKind: number; updatedIso: string }): string {
  const h = espiHrefs(o.meterId);
  return entry({
    id: o.id, title: o.meterId, updatedIso: o.updatedIso,
    links: [['self', h.usagePoint], ['up', 'UsagePoint'], ['related', h.meterReadings], ['related', h.localTime]],
    content: `      <UsagePoint xmlns="${ESPI_NS}">\n        <ServiceCategory>\n          <kind>${o.serviceKind}</kind>\n        </ServiceCategory>\n      </UsagePoint>\n`,
  });
}

export function localTimeParametersEntry(o: { id: string; meterId: string; timeZone: string; ltp: LocalTimeParameters; updatedIso: string }): string {
  const h = espiHrefs(o.meterId);
  const p = o.ltp;
  return entry({
    id: o.id, title: `Local time of ${o.meterId} (${o.timeZone})`, updatedIso: o.updatedIso,
    links: [['self', h.localTime], ['up', 'LocalTimeParameters']],
    content: `      <LocalTimeParameters xmlns="${ESPI_NS}">\n        <dstEndRule>${hex8(p.dstEndRule)}</dstEndRule>\n        <dstOffset>${p.dstOffsetS}</dstOffset>\n` +
      `        <dstStartRule>${hex8(p.dstStartRule)}</dstStartRule>\n        <tzOffset>${p.tzOffsetS}</tzOffset>\n      </LocalTimeParameters>\n`,
  });
}

/** A channel's MeterReading and ReadingType entries. */
export function meterReadingEntries(o: {
  meterReadingId: string; readingTypeId: string; meterId: string; kind: ChannelKind; unit: string;
  readingType: ExportReadingType; intervalMinutes: number; pow10: number; updatedIso: string;
}): string {
  const h = espiHrefs(o.meterId, o.kind);
  const rt = o.readingType;
  const mr = entry({
    id: o.meterReadingId, title: `${o.kind} (${o.unit === '' ? 'no unit' : o.unit}, ${o.intervalMinutes}-minute)`, updatedIso: o.updatedIso,
    links: [['self', h.meterReading], ['up', h.meterReadings], ['related', h.intervalBlocks], ['related', h.readingType]],
    content: `      <MeterReading xmlns="${ESPI_NS}"/>\n`,
  });
  const fields: [string, number][] = [
    ['accumulationBehaviour', rt.accumulationBehaviour], ['commodity', rt.commodity], ['dataQualifier', rt.dataQualifier],
    ['flowDirection', rt.flowDirection], ['intervalLength', o.intervalMinutes * 60], ['kind', rt.kind], ['phase', rt.phase],
    ['powerOfTenMultiplier', o.pow10], ['uom', rt.uom],
  ];
  const rtEntry = entry({
    id: o.readingTypeId, title: `Reading type of ${o.kind}`, updatedIso: o.updatedIso,
    links: [['self', h.readingType], ['up', 'ReadingType']],
    content: `      <ReadingType xmlns="${ESPI_NS}">\n${fields.map(([k, v]) => `        <${k}>${v}</${k}>\n`).join('')}      </ReadingType>\n`,
  });
  return mr + rtEntry;
}

/**
 * Collects one channel's readings (ascending) and writes an IntervalBlock entry per UTC day. Values are
 * written as round(value x 10^decimals), the ReadingType's powerOfTenMultiplier having been chosen for
 * those decimals (reading-type.ts `exportScale`).
 */
export class IntervalBlockWriter {
  readonly #o: { meterId: string; kind: ChannelKind; intervalMinutes: number; decimals: number; updatedIso: string; idFor: (key: string) => string };
  readonly #scale: number;
  #day = NaN;
  #parts: string[] = [];
  #firstS = 0;
  #lastEndS = 0;

  constructor(o: { meterId: string; kind: ChannelKind; intervalMinutes: number; decimals: number; updatedIso: string; idFor: (key: string) => string }) {
    this.#o = o;
    this.#scale = 10 ** o.decimals;
  }

  /**
   * Adds a reading; returns the XML of the previous day's block when this reading starts a new day, else ''.
   * `quality` is Keymeter's code (espiQualityOf), unless `espiQuality` gives the QualityOfReading itself
   * (the effective view: 7 edited, 8 or 9 estimated; undefined writes none).
   */
  push(tsMs: number, value: number, quality: number, espiQuality?: number | null): string {
    const startS = Math.floor(tsMs / 1000);
    const day = Math.floor(startS / DAY_S);
    const out = day !== this.#day ? this.flush() : '';
    if (this.#parts.length === 0) {
      this.#day = day;
      this.#firstS = startS;
    }
    const durationS = this.#o.intervalMinutes * 60;
    this.#lastEndS = startS + durationS;
    const q = espiQuality === undefined ? espiQualityOf(quality) : espiQuality ?? undefined;
    const raw = Math.round(value * this.#scale);
    this.#parts.push(`        <IntervalReading>\n${q === undefined ? '' : `          <ReadingQuality>\n            <quality>${q}</quality>\n          </ReadingQuality>\n`}` +
      `          <timePeriod>\n            <duration>${durationS}</duration>\n            <start>${startS}</start>\n          </timePeriod>\n          <value>${raw === 0 ? 0 : raw}</value>\n        </IntervalReading>\n`);
    return out;
  }

  /** The block of the readings pushed since the last one ('' when none). */
  flush(): string {
    if (this.#parts.length === 0) return '';
    const o = this.#o;
    const h = espiHrefs(o.meterId, o.kind);
    const dayIso = new Date(this.#day * DAY_S * 1000).toISOString().slice(0, 10);
    const xml = entry({
      id: o.idFor(`block:${dayIso}`), title: `${o.kind} ${dayIso}`, updatedIso: o.updatedIso,
      links: [['self', `${h.intervalBlocks}/${dayIso.replaceAll('-', '')}`], ['up', h.intervalBlocks]],
      content: `      <IntervalBlock xmlns="${ESPI_NS}">\n        <interval>\n          <duration>${this.#lastEndS - this.#firstS}</duration>\n` +
        `          <start>${this.#firstS}</start>\n        </interval>\n${this.#parts.join('')}      </IntervalBlock>\n`,
    });
    this.#parts = [];
    return xml;
  }
}
