/**
 * Streams an ESPI (Green Button) Atom feed into resources, one `<entry>` at a time, with a SAX parser
 * (`sax`, strict mode: any well-formedness error stops the read with its line and column). Memory is
 * bounded by the largest entry, not the file: an IntervalBlock's readings are held as typed arrays until
 * its `</entry>`, then handed over and dropped.
 *
 * What is read (ESPI, NAESB REQ.21; element names without their namespace prefix, as files use the ESPI
 * namespace both as default and as `espi:`/`ns2:` prefixes):
 * - every entry's `link` (rel, href) and `title`, and the resource inside its `content`;
 * - UsagePoint: ServiceCategory/kind; ReadingType: its scalar children; LocalTimeParameters: the four
 *   fields; MeterReading: nothing but its links;
 * - IntervalBlock: each IntervalReading's timePeriod (start, duration: UTC epoch seconds and seconds),
 *   value (Int48) and ReadingQuality/quality codes. `cost` and the block's own interval are not needed.
 * Other resources (usage summaries, customer data) are passed on as 'other' and ignored by the importer.
 */
import sax from 'sax';
import { qualityFromEspi } from '../../../src/core/espi/codes.js';
import type { EspiReadingType } from '../../../src/core/espi/reading-type.js';

export interface EspiLinks {
  self: string | undefined;
  up: string | undefined;
  related: string[];
}

/** An IntervalBlock's readings as a struct of arrays; NaN where an element was absent or not a number. */
export interface BlockReadings {
  n: number;
  startS: Float64Array;
  durationS: Float64Array;
  raw: Float64Array;
  /** Keymeter quality from the ReadingQuality codes: 0 actual, 1 estimated, -1 refused (projected). */
  quality: Int8Array;
  /** Line of each `<IntervalReading>`, 1-based. */
  line: Int32Array;
}

interface Base {
  links: EspiLinks;
  title: string;
  /** Line of the `<entry>`, 1-based. */
  line: number;
}

export type EspiResource =
  | (Base & { type: 'UsagePoint'; serviceKind: number | undefined })
  | (Base & { type: 'MeterReading' })
  | (Base & { type: 'ReadingType'; fields: EspiReadingType })
  | (Base & { type: 'LocalTimeParameters'; fields: Record<string, string> })
  | (Base & { type: 'IntervalBlock'; readings: BlockReadings })
  | (Base & { type: 'other'; name: string });

/** The file is not well-formed XML, or not an ESPI Atom feed; nothing of it should be stored. */
export class EspiFormatError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'EspiFormatError';
  }
}

const READING_TYPE_FIELDS: ReadonlySet<string> = new Set([
  'accumulationBehaviour', 'commodity', 'dataQualifier', 'flowDirection', 'intervalLength', 'kind', 'phase', 'powerOfTenMultiplier', 'uom',
]);
const ESPI_TYPES: ReadonlySet<string> = new Set(['UsagePoint', 'MeterReading', 'ReadingType', 'LocalTimeParameters', 'IntervalBlock']);

const localName = (name: string): string => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** A trimmed decimal string as a number, NaN when empty or not a number. */
function num(text: string): number {
  const s = text.trim();
  return s === '' ? NaN : Number(s);
}

class GrowingBlock implements BlockReadings {
  n = 0;
  startS = new Float64Array(128);
  durationS = new Float64Array(128);
  raw = new Float64Array(128);
  quality = new Int8Array(128);
  line = new Int32Array(128);

  begin(line: number): void {
    if (this.n === this.startS.length) this.#grow();
    const i = this.n++;
    this.startS[i] = NaN;
    this.durationS[i] = NaN;
    this.raw[i] = NaN;
    this.quality[i] = 0;
    this.line[i] = line;
  }

  #grow(): void {
    const size = this.startS.length * 2;
    const g = <T extends Float64Array | Int8Array | Int32Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a);
      return b;
    };
    this.startS = g(this.startS, Float64Array);
    this.durationS = g(this.durationS, Float64Array);
    this.raw = g(this.raw, Float64Array);
    this.quality = g(this.quality, Int8Array);
    this.line = g(this.line, Int32Array);
  }
}

interface EntryState {
  line: number;
  links: EspiLinks;
  title: string;
  type: string | undefined;
  fields: Record<string, string>;
  serviceKind: number | undefined;
  block: GrowingBlock | undefined;
}

export interface ReadResult {
  entries: number;
  /** ESPI resources found (UsagePoint, MeterReading, ReadingType, LocalTimeParameters, IntervalBlock). */
  espiResources: number;
}

/**
 * Reads the feed from `input` (UTF-8 text chunks), calling `onResource` for each entry in file order and
 * awaiting it before reading on (backpressure). Throws EspiFormatError when the XML is not well formed,
 * the root is not an Atom `feed` (or a single `entry`), or the file holds no ESPI resource at all.
 */
export async function readEspiFeed(input: AsyncIterable<string | Buffer>, onResource: (r: EspiResource) => Promise<void> | void): Promise<ReadResult> {
  const parser = sax.parser(true, { trim: false, normalize: false, position: true, xmlns: false });
  const stack: string[] = [];
  let text = '';
  let entry: EntryState | undefined;
  let entryDepth = -1;
  let contentDepth = -1;
  const ready: EspiResource[] = [];
  const result: ReadResult = { entries: 0, espiResources: 0 };
  let failure: EspiFormatError | undefined;
  let sawRoot = false;

  const fail = (message: string): void => {
    failure ??= new EspiFormatError(message, parser.line + 1, parser.column + 1);
  };

  parser.onerror = (err) => {
    // sax's message ends with "\nLine: ..\nColumn: ..\nChar: .."; the position is reported separately.
    fail(`not well-formed XML: ${err.message.split('\n')[0]}`);
    throw failure;
  };
  parser.ontext = (t) => { text += t; };
  parser.oncdata = (t) => { text += t; };
  parser.onopentag = (tag) => {
    const name = localName(tag.name);
    const depth = stack.length;
    stack.push(name);
    sawRoot = true;
    text = '';
    if (depth === 0 && name !== 'feed' && name !== 'entry') {
      fail(`not an ESPI (Green Button) file: the root element is <${tag.name}>, not an Atom <feed>`);
      throw failure;
    }
    if (name === 'entry' && entry === undefined && (depth === 0 || (depth === 1 && stack[0] === 'feed'))) {
      entry = { line: parser.line + 1, links: { self: undefined, up: undefined, related: [] }, title: '', type: undefined, fields: {}, serviceKind: undefined, block: undefined };
      entryDepth = depth;
      return;
    }
    if (entry === undefined) return;
    const rel = depth - entryDepth; // 1: a child of <entry>
    if (rel === 1) {
      if (name === 'link') {
        const attrs = tag.attributes as Record<string, string>;
        const href = attrs['href'];
        const r = attrs['rel'] ?? 'alternate';
        if (href !== undefined) {
          if (r === 'self') entry.links.self = href;
          else if (r === 'up') entry.links.up = href;
          else if (r === 'related') entry.links.related.push(href);
        }
      } else if (name === 'content') contentDepth = depth;
      return;
    }
    if (contentDepth >= 0 && depth === contentDepth + 1 && entry.type === undefined) {
      entry.type = name;
      if (name === 'IntervalBlock') entry.block = new GrowingBlock();
      return;
    }
    if (entry.block !== undefined && name === 'IntervalReading' && depth === contentDepth + 2) entry.block.begin(parser.line + 1);
  };
  parser.onclosetag = () => {
    const name = stack.pop()!;
    const depth = stack.length;
    if (entry === undefined) return;
    if (depth === entryDepth) {
      ready.push(finishEntry(entry));
      result.entries++;
      if (ESPI_TYPES.has(entry.type ?? '')) result.espiResources++;
      entry = undefined;
      contentDepth = -1;
      return;
    }
    const rel = depth - entryDepth;
    if (rel === 1) {
      if (name === 'title') entry.title = text.trim();
      else if (name === 'content') contentDepth = -1;
      return;
    }
    if (contentDepth < 0) return;
    const inResource = depth - contentDepth; // 2: a direct child of the resource
    const b = entry.block;
    if (b !== undefined) {
      // IntervalBlock / IntervalReading / (timePeriod / start|duration | value | ReadingQuality / quality)
      const parent = stack[depth - 1];
      if (inResource === 4 && parent === 'timePeriod' && stack[depth - 2] === 'IntervalReading') {
        if (name === 'start') b.startS[b.n - 1] = num(text);
        else if (name === 'duration') b.durationS[b.n - 1] = num(text);
      } else if (inResource === 3 && parent === 'IntervalReading' && name === 'value') {
        b.raw[b.n - 1] = num(text);
      } else if (inResource === 4 && parent === 'ReadingQuality' && name === 'quality' && stack[depth - 2] === 'IntervalReading') {
        const q = qualityFromEspi(num(text));
        const prev = b.quality[b.n - 1]!;
        b.quality[b.n - 1] = q === 'reject' || prev === -1 ? -1 : Math.max(prev, q);
      }
      return;
    }
    if (inResource === 2) entry.fields[name] = text.trim();
    else if (inResource === 3 && entry.type === 'UsagePoint' && name === 'kind' && stack[depth - 1] === 'ServiceCategory') entry.serviceKind = num(text);
  };

  for await (const chunk of input) {
    try {
      parser.write(typeof chunk === 'string' ? chunk : String(chunk));
    } catch (err) {
      if (failure) throw failure;
      throw err;
    }
    while (ready.length > 0) await onResource(ready.shift()!);
  }
  try {
    parser.close();
  } catch (err) {
    if (failure) throw failure;
    throw err;
  }
  while (ready.length > 0) await onResource(ready.shift()!);
  if (!sawRoot) throw new EspiFormatError('not well-formed XML: the file has no root element', parser.line + 1, parser.column + 1);
  if (result.espiResources === 0) {
    throw new EspiFormatError('not an ESPI (Green Button) file: the feed has no UsagePoint, MeterReading, ReadingType or IntervalBlock entry', parser.line + 1, parser.column + 1);
  }
  return result;
}

function finishEntry(e: EntryState): EspiResource {
  const base: Base = { links: e.links, title: e.title, line: e.line };
  switch (e.type) {
    case 'UsagePoint': return { ...base, type: 'UsagePoint', serviceKind: e.serviceKind };
    case 'MeterReading': return { ...base, type: 'MeterReading' };
    case 'ReadingType': {
      const fields: EspiReadingType = {};
      for (const [k, v] of Object.entries(e.fields)) if (READING_TYPE_FIELDS.has(k)) (fields as Record<string, number>)[k] = num(v);
      return { ...base, type: 'ReadingType', fields };
    }
    case 'LocalTimeParameters': return { ...base, type: 'LocalTimeParameters', fields: e.fields };
    case 'IntervalBlock': return { ...base, type: 'IntervalBlock', readings: e.block! };
    default: return { ...base, type: 'other', name: e.type ?? '' };
  }
}
