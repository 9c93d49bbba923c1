import { Parser } from 'htmlparser2';
import t from 'tap';
import { buildReport } from '../../src/reports/build.js';
import { parsePeriod } from '../../src/reports/period.js';
import { reportHtml } from '../../src/reports/render-html.js';
import { eachBackend, type TestDb } from '../helpers/db.js';
import { loadReportFixture, REPORT_NOW, REPORT_TZ } from '../helpers/report-fixture.js';

/**
 * The report of the fixture account for 2025-Q1 (against 2024-Q1), read back from its HTML like a
 * scraper would, against figures the database computes on its own: local periods by PostgreSQL's
 * time-zone rules, sums, maxima and power factor in SQL, no Keymeter code involved. Q1 2025 holds the DST
 * change of 2025-03-09 (and Q1 2024 that of 2024-03-10).
 */
const NAME = 'Acme <Foods> & "Sons"';

interface Cell {
  value: string | undefined;
  text: string;
}

/** Every element with a data-key: its data-value and its text. Also every section's id and text. */
function readHtml(html: string): { cells: Map<string, Cell>; sections: { id: string; unavailable: boolean; text: string }[]; tags: Set<string>; title: string } {
  const cells = new Map<string, Cell>();
  const sections: { id: string; unavailable: boolean; text: string }[] = [];
  const tags = new Set<string>();
  const open: { key: string | null; section: boolean }[] = [];
  let title = '';
  let inTitle = false;
  const parser = new Parser({
    onopentag(name, attrs) {
      tags.add(name);
      if (name === 'title' && open.length < 4) inTitle = true;
      const key = attrs['data-key'] ?? null;
      if (key !== null && name !== 'tr') cells.set(key, { value: attrs['data-value'], text: '' });
      const isSection = name === 'section';
      if (isSection) sections.push({ id: attrs.id ?? '', unavailable: 'data-unavailable' in attrs, text: '' });
      open.push({ key: name === 'tr' ? null : key, section: isSection });
    },
    ontext(text) {
      if (inTitle) title += text;
      for (const o of open) if (o.key !== null) cells.get(o.key)!.text += text;
      if (open.some((o) => o.section)) sections[sections.length - 1]!.text += text;
    },
    onclosetag(name) {
      if (name === 'title') inTitle = false;
      open.pop();
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return { cells, sections, tags, title };
}

interface PeriodFigures {
  kwh: number;
  peakKw: number;
  peakAtLocal: string;
  present: number;
  expected: number;
  loadFactor: number;
  powerFactor: number;
}

/** The account's figures over local dates [from, to], computed by the database alone. */
async function sqlFigures(db: TestDb, from: string, to: string): Promise<PeriodFigures> {
  const range = `r.ts >= ($1::date::timestamp at time zone '${REPORT_TZ}') and r.ts < (($2::date + 1)::timestamp at time zone '${REPORT_TZ}')`;
  const k = await db.pool.query<{ kwh: number; peak_kw: number; peak_at: string; present: number; expected: number; lf: number }>(`
    with kwh as (
      select r.ts, sum(r.value) as v from readings r join channels c on c.id = r.channel_id
       where c.kind = 'kwh_del' and c.meter_id in ('m-1001', 'm-1002') and ${range}
       group by r.ts having count(*) = 2
    )
    select sum(v)::float8 as kwh, (max(v) * 4)::float8 as peak_kw,
           to_char((array_agg(ts order by v desc, ts))[1] at time zone '${REPORT_TZ}', 'YYYY-MM-DD HH24:MI') as peak_at,
           count(*)::int as present,
           (extract(epoch from (($2::date + 1)::timestamp at time zone '${REPORT_TZ}') - ($1::date::timestamp at time zone '${REPORT_TZ}')) / 900)::int as expected,
           (sum(v) / (max(v) * 4 * count(*) * 0.25))::float8 as lf
      from kwh`, [from, to]);
  const pf = await db.pool.query<{ pf: number }>(`
    with per_kind as (
      select r.ts, c.kind, r.value as v from readings r join channels c on c.id = r.channel_id
       where c.meter_id = 'm-1001' and c.kind in ('kwh_del', 'kvarh_del') and ${range}
    ), paired as (
      select ts, max(v) filter (where kind = 'kwh_del') as p, max(v) filter (where kind = 'kvarh_del') as q from per_kind group by ts having count(*) = 2
    )
    select (sum(p) / sqrt(sum(p) ^ 2 + sum(q) ^ 2))::float8 as pf from paired`, [from, to]);
  const r = k.rows[0]!;
  return { kwh: r.kwh, peakKw: r.peak_kw, peakAtLocal: r.peak_at, present: r.present, expected: r.expected, loadFactor: r.lf, powerFactor: pf.rows[0]!.pf };
}

const fmt = (v: number, decimals: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals }).format(v);
const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

t.test('the 2025-Q1 report of the fixture account holds the figures the database computes', async (t) => {
  eachBackend(t, async (t, db) => {
    await loadReportFixture(db, { name: NAME });
    const model = await buildReport(db.pool, 'acme-foods', parsePeriod('2025-Q1'), REPORT_NOW);
    const html = reportHtml(model);
    const { cells, sections, tags, title } = readHtml(html);
    const cur = await sqlFigures(db, '2025-01-01', '2025-03-31');
    const prev = await sqlFigures(db, '2024-01-01', '2024-03-31');
    t.equal(cur.expected, 90 * 96 - 4, '2025-Q1 has 90 local days, one of them 23 hours long');
    t.ok(cur.present > 0.95 * cur.expected && prev.present > 0.95 * prev.expected, 'both periods hold data');

    const cell = (key: string) => {
      const c = cells.get(key);
      if (!c) throw new Error(`no cell ${key}`);
      return c;
    };
    // Energy, this year and last, and the change.
    t.equal(Number(cell('energyKwh').value), round(cur.kwh, 3), 'kWh (data-value)');
    t.equal(cell('energyKwh').text, `${fmt(cur.kwh, 1)} kWh`, 'kWh as shown');
    t.equal(cell('energyKwhLastYear').text, `${fmt(prev.kwh, 1)} kWh`, 'kWh of 2024-Q1');
    const change = ((round(cur.kwh, 3) - round(prev.kwh, 3)) / round(prev.kwh, 3)) * 100;
    t.match(sections[0]!.text, `${change >= 0 ? '+' : '-'}${Math.abs(change).toFixed(1)}%`, 'change against last year');
    // Bills: two in 2025-Q1 in the fixture, none a year earlier.
    t.equal(cell('billedUsd').text, '$191,533.57', 'billed cost = 98,123.45 + 93,410.12');
    t.equal(cell('billedUsdLastYear').text, 'not available', 'no bills in 2024-Q1: said, not shown as $0');
    t.equal(cell('billedUsdLastYear').value, undefined);
    t.equal(Number(cell('completeness').value), round(cur.present / cur.expected, 4), 'share of intervals present');

    // Peak demand, its time and the load factor.
    t.equal(Number(cell('peakDemandKw').value), round(cur.peakKw, 3));
    t.equal(cell('peakDemandKw').text, `${fmt(cur.peakKw, 1)} kW`);
    t.equal(Number(cell('peakDemandKwLastYear').value), round(prev.peakKw, 3));
    t.equal(cell('peakAt').text, cur.peakAtLocal, 'peak interval start, local time');
    t.equal(Number(cell('loadFactor').value), round(cur.loadFactor, 4));
    t.equal(cell('loadFactor').text, fmt(round(cur.loadFactor, 4), 3));
    t.equal(Number(cell('loadFactorLastYear').value), round(prev.loadFactor, 4));
    // Power factor from the meter with kWh and kvarh.
    t.equal(Number(cell('powerFactor').value), round(cur.powerFactor, 4));
    t.equal(Number(cell('powerFactorLastYear').value), round(prev.powerFactor, 4));
    t.equal(cell('direction').text, 'lagging');

    // The page: every item in order, each with figures or an honest "not available"; escaped; no script.
    t.strictSame(sections.map((s) => s.id), ['consumption', 'load-profile', 'demand', 'power-factor', 'rate-comparison', 'outages', 'power-quality', 'forecast']);
    for (const s of sections) {
      if (s.unavailable) t.match(s.text, /Not available: \S/, `${s.id}: says why it is not available`);
      else t.notMatch(s.text, /^\s*$/, `${s.id}: has content`);
    }
    t.notOk(tags.has('script'), 'no script element');
    t.match(html, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    t.equal(title, `Energy report: ${NAME}, 2025-Q1`, 'the name reads back as given');
    t.notMatch(html, /<Foods>/, 'the name is escaped');
    t.equal(cell('accountName').text, NAME);
    t.ok(tags.has('svg') && tags.has('rect') && tags.has('polyline'), 'inline SVG charts: monthly bars and the load profile');

    // A month: March 2025, 31 local days with a 23-hour one.
    const march = readHtml(reportHtml(await buildReport(db.pool, 'acme-foods', parsePeriod('2025-03'), REPORT_NOW)));
    const m = await sqlFigures(db, '2025-03-01', '2025-03-31');
    t.equal(m.expected, 2972);
    t.equal(Number(march.cells.get('energyKwh')!.value), round(m.kwh, 3), 'March kWh');
    t.equal(Number(march.cells.get('completeness')!.value), round(m.present / m.expected, 4), 'March completeness over 2,972 intervals');
  });
});

t.test('a period without data says "not available" everywhere instead of showing zeros', async (t) => {
  eachBackend(t, async (t, db) => {
    await loadReportFixture(db, { history: false });
    const page = readHtml(reportHtml(await buildReport(db.pool, 'acme-foods', parsePeriod('2023-06'), REPORT_NOW)));
    t.equal(page.cells.get('energyKwh')!.text, 'not available');
    t.equal(page.cells.get('energyKwh')!.value, undefined);
    for (const id of ['load-profile', 'demand', 'power-factor']) t.ok(page.sections.find((s) => s.id === id)!.unavailable, `${id} not available`);
    t.notMatch(page.sections.map((s) => s.text).join(' '), /\b0 kWh\b/);
  });
});
