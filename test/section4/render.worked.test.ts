import t from 'tap';
import { oneLine, oneLineSvg } from '../../src/core/one-line.js';
import { csvCell, section4Csv } from '../../src/section4/render-csv.js';
import { fmtPercent, section4Html } from '../../src/section4/render-html.js';
import { barChart, lineChart } from '../../src/section4/svg-charts.js';

const EVIL_NAME = '<script>alert(1)</script> & "Sons"';

/**
 * A Section 4 document of the shape src/section4/build.ts returns, written by hand: the small account
 * of test/api/energy-profile.worked.test.ts (January 2026: 1,930 kWh, peak 80 kW, 6.45 % complete;
 * February without data), with hostile text in the user-entered fields.
 */
function smallDoc(): Record<string, unknown> {
  const weekday = Array.from({ length: 24 }, (_, h) => (h === 12 ? 45 : 40));
  return {
    account: { id: 'small', name: EVIL_NAME, segment: null, sites: [{ id: 'small-1', name: 'Shop, "main"', timezone: 'UTC' }] },
    period: { from: '2026-01-01', to: '2026-02-28', timezone: 'UTC' },
    consumption: {
      electric: {
        unit: 'kWh', intervalMinutes: 15, meters: ['m'],
        monthly: [
          { month: '2026-01', kwh: 1930, peakKw: 80, peakAt: '2026-01-01T12:00:00Z', completeness: 0.0645 },
          { month: '2026-02', kwh: null, peakKw: null, peakAt: null, completeness: 0 },
        ],
        annual: [{ year: 2026, kwh: 1930, peakKw: 80, peakAt: '2026-01-01T12:00:00Z', completeness: 0.0341 }],
        daily: [{ date: '2026-01-01', kwh: 970, completeness: 1 }, { date: '2026-01-03', kwh: null, completeness: 0 }],
        profiles: {
          slotsPerDay: 24,
          monthly: [
            { month: '2026-01', weekday: { kw: weekday, samples: weekday.map(() => 8) }, weekend: { kw: weekday.map(() => null), samples: weekday.map(() => 0) } },
            { month: '2026-02', weekday: { kw: weekday.map(() => null), samples: weekday.map(() => 0) }, weekend: { kw: weekday.map(() => null), samples: weekday.map(() => 0) } },
          ],
          heatMap: { kw: Array.from({ length: 7 }, () => weekday.map(() => null)), samples: Array.from({ length: 7 }, () => weekday.map(() => 0)) },
          durationCurve: [{ kw: 80, fraction: 1 / 192 }, { kw: 40, fraction: 1 }],
          samples: 192, peakKw: 80, baseloadPercentile: 5, baseloadKw: 40, peakToBaseRatio: 2,
        },
      },
      gas: { status: 'no gas interval data', monthly: [] },
      water: { status: 'no water interval data', monthly: [] },
    },
    energyCostShare: { annual: [{ year: 2026, energyCostUsd: 250, facilityCostUsd: 100000, share: 0.0025 }] },
    factors: {
      powerFactorThreshold: 0.9,
      monthly: [{ month: '2026-01', loadFactor: 0.5026, powerFactor: 0.8954, direction: 'lagging', powerFactorAtPeak: 0.9701, belowThresholdShare: 0.9948, completeness: 0.0645 }],
      annual: [{ year: 2026, loadFactor: 0.5026, powerFactor: 0.8954, direction: 'lagging', powerFactorAtPeak: 0.9701, belowThresholdShare: 0.9948, completeness: 0.0341 }],
    },
    systemShare: { monthly: [{ month: '2026-01', accountKwh: 1930, systemKwh: 500000000, share: 0.00000386, completeness: 0.0645 }], annual: [] },
    rateComparison: {
      // $0.10/kWh and $10/kW: January 1,930 x 0.10 + 80 x 10 = 193 + 800 = 993 against the billed 250.
      siteId: 'small-1', current: 'flat', cheapest: 'flat', savingsUsd: 0, incompleteMonths: ['2026-01', '2026-02'],
      tariffs: [{
        id: 'flat', name: 'Flat <10c>', totalUsd: 993,
        monthly: [
          { month: '2026-01', energyUsd: 193, demandUsd: 800, fixedUsd: 0, minChargeAdjustmentUsd: 0, totalUsd: 993, complete: false },
          { month: '2026-02', energyUsd: 0, demandUsd: 0, fixedUsd: 0, minChargeAdjustmentUsd: 0, totalUsd: 0, complete: false },
        ],
      }],
      unavailable: [{ id: 'tou-kva', code: 'KM_TARIFF_UNSUPPORTED', reason: "demandrateunit: demand unit 'kVA' is not supported (only kW)" }],
      billReconstruction: {
        tariffId: 'flat', tolerancePct: 0.4, billsCompared: 1, withinTolerance: 0, maxAbsDifferencePct: 297.2, summary: '0 of 1 bills computed within 0.4% of billed',
        bills: [{ billId: 'b1', periodStart: '2026-01-01', periodEnd: '2026-01-31', billedUsd: 250, computedUsd: 993, differencePct: 297.2, withinTolerance: false, complete: false }],
      },
      otherSites: [],
    },
    transformers: [{
      id: 't', siteId: 'small-1', kva: 100, primaryKv: null, secondaryV: null, cooling: null, meterIds: ['m'], installedOn: null,
      peakLoadPct: 82.46, peakAt: '2026-01-01T12:00:00Z', hoursOverloaded: 0, averageLoadPct: 41.2, completeness: 0.0341,
      equivalentAgingFactor: null, lossOfLifeHours: null, aging: { status: 'not yet available' },
      maintenance: { last: { date: '2025-01-31', kind: 'inspection', result: null }, nextDue: '2026-01-31', overdue: true },
    }],
    equipment: [
      { siteId: 'small-1', id: 'eq-1', kind: 'chiller', description: '=HYPERLINK("http://evil.example","click")', ratedKw: -12.5 },
      { siteId: 'small-1', id: 'eq-2', kind: '@pump', description: 'two lines\nsecond, with comma', ratedKw: null, serial: '+123' },
    ],
    powerQuality: {
      requirements: ['-ride-through 2 s'], equipment: [{ kind: 'UPS', kva: 50, serves: 'tills' }],
      sites: [{ siteId: 'small-1', requirements: ['-ride-through 2 s'], equipment: [{ kind: 'UPS', kva: 50, serves: 'tills' }] }],
      voltage: { status: 'not yet available' }, events: { status: 'not yet available' }, harmonics: { status: 'not yet available' },
    },
    oneLine: {
      nodes: [{ id: 'sub', kind: 'substation', name: '<b>Riverside</b>' }, { id: 't', kind: 'transformer' }, { id: 'm', kind: 'meter' }],
      edges: [{ from: 'sub', to: 't' }, { from: 't', to: 'm' }],
      levels: [['sub'], ['t'], ['m']],
    },
    outages: { status: 'not yet available', annual: [], system: [{ year: 2025, saifi: 1.1, saidi: 120.5, caidi: 109.5, maifi: 3.2 }] },
    billing: {
      bills: [{ id: 'b1', periodStart: '2026-01-01', periodEnd: '2026-01-31', amountUsd: 250, issuedOn: '2026-02-02', dueOn: '2026-02-20' }],
      payments: [{ billId: 'b1', paidOn: '2026-02-25', amountUsd: 250 }],
      averageDaysToPay: 23, latePayments: 1,
      annual: [{ year: 2026, billedUsd: 250, paidUsd: 250, bills: 1, latePayments: 1 }],
    },
    forecast: { status: 'not yet available' },
  };
}

/** The block of one item: its `# item` line through its last row, each line with its CRLF. */
function block(csv: string, item: string): string {
  const head = `# ${item}\r\n`;
  const start = csv.startsWith(head) ? 0 : csv.indexOf(`\r\n\r\n${head}`) + 4;
  if (start < 4 && !csv.startsWith(head)) throw new Error(`no block ${item}`);
  const end = csv.indexOf('\r\n\r\n', start);
  return end === -1 ? csv.slice(start) : csv.slice(start, end + 2);
}

t.test('CSV: the electric monthly block, exactly', async (t) => {
  const csv = section4Csv(smallDoc());
  t.equal(block(csv, 'consumption.electric.monthly'),
    '# consumption.electric.monthly\r\n' +
    'month,kwh,peakKw,peakAt,completeness\r\n' +
    '2026-01,1930,80,2026-01-01T12:00:00Z,0.0645\r\n' +
    '2026-02,,,,0\r\n', 'null is an empty cell, never 0');
  t.equal(block(csv, 'consumption.gas.monthly'), '# consumption.gas.monthly\r\nstatus\r\nno gas interval data\r\n');
  t.equal(block(csv, 'forecast'), '# forecast\r\nstatus\r\nnot yet available\r\n');
  t.equal(block(csv, 'rateComparison'), '# rateComparison\r\nsiteId,current,cheapest,savingsUsd,incompleteMonths\r\nsmall-1,flat,flat,0,2026-01; 2026-02\r\n');
  t.equal(block(csv, 'rateComparison.monthly'),
    '# rateComparison.monthly\r\n' +
    'siteId,tariffId,month,energyUsd,demandUsd,fixedUsd,minChargeAdjustmentUsd,totalUsd,complete\r\n' +
    'small-1,flat,2026-01,193,800,0,0,993,false\r\n' +
    'small-1,flat,2026-02,0,0,0,0,0,false\r\n');
  t.equal(block(csv, 'rateComparison.billReconstruction.bills'),
    '# rateComparison.billReconstruction.bills\r\n' +
    'siteId,billId,periodStart,periodEnd,billedUsd,computedUsd,differencePct,withinTolerance,complete\r\n' +
    'small-1,b1,2026-01-01,2026-01-31,250,993,297.2,false,false\r\n');
  t.equal(block(csv, 'rateComparison.unavailable'),
    '# rateComparison.unavailable\r\nsiteId,id,code,reason\r\nsmall-1,tou-kva,KM_TARIFF_UNSUPPORTED,demandrateunit: demand unit \'kVA\' is not supported (only kW)\r\n');
  const none = section4Csv({ ...smallDoc(), rateComparison: { siteId: null, status: 'no tariffs', current: null, cheapest: null, savingsUsd: null, incompleteMonths: [], tariffs: [], unavailable: [], billReconstruction: null, otherSites: [] } });
  t.equal(block(none, 'rateComparison'), '# rateComparison\r\nstatus\r\nno tariffs\r\n');
  t.equal(block(csv, 'outages.annual'), '# outages.annual\r\nstatus\r\nnot yet available\r\n');
  t.equal(block(csv, 'outages.system'), '# outages.system\r\nyear,saifi,saidi,caidi,maifi\r\n2025,1.1,120.5,109.5,3.2\r\n');
  t.equal(block(csv, 'transformers'),
    '# transformers\r\n' +
    'id,siteId,kva,primaryKv,secondaryV,cooling,meterIds,installedOn,peakLoadPct,peakAt,hoursOverloaded,averageLoadPct,completeness,' +
    'equivalentAgingFactor,lossOfLifeHours,maintenance.last.date,maintenance.last.kind,maintenance.last.result,maintenance.nextDue,maintenance.overdue,aging.status\r\n' +
    't,small-1,100,,,,m,,82.46,2026-01-01T12:00:00Z,0,41.2,0.0341,,,2025-01-31,inspection,,2026-01-31,true,not yet available\r\n');
  t.equal(block(csv, 'oneLine.edges'), '# oneLine.edges\r\nfrom,to\r\nsub,t\r\nt,m\r\n');
  t.equal(block(csv, 'billing.payments'), '# billing.payments\r\nbillId,paidOn,amountUsd\r\nb1,2026-02-25,250\r\n');
});

t.test('CSV: one block per item, in the CONTRACT order, separated by one blank line, CRLF only', async (t) => {
  const csv = section4Csv(smallDoc());
  const items = [...csv.matchAll(/(?:^|\r\n\r\n)# ([^\r\n]+)\r\n/g)].map((m) => m[1]);
  t.strictSame(items, [
    'account', 'account.sites', 'period',
    'consumption.electric', 'consumption.electric.monthly', 'consumption.electric.annual', 'consumption.electric.daily',
    'consumption.electric.profiles', 'consumption.electric.profiles.monthly', 'consumption.electric.profiles.heatMap', 'consumption.electric.profiles.durationCurve',
    'consumption.gas.monthly', 'consumption.water.monthly',
    'energyCostShare.annual', 'factors', 'factors.monthly', 'factors.annual', 'systemShare.monthly', 'systemShare.annual',
    'rateComparison', 'rateComparison.tariffs', 'rateComparison.monthly', 'rateComparison.unavailable',
    'rateComparison.billReconstruction', 'rateComparison.billReconstruction.bills', 'transformers', 'equipment',
    'powerQuality.requirements', 'powerQuality.equipment', 'powerQuality.voltage', 'powerQuality.events', 'powerQuality.harmonics',
    'oneLine.nodes', 'oneLine.edges', 'outages.annual', 'outages.system',
    'billing', 'billing.annual', 'billing.bills', 'billing.payments', 'forecast',
  ]);
  t.ok(csv.endsWith('\r\n') && !csv.endsWith('\r\n\r\n'), 'the last row ends with CRLF, and nothing follows');
  // Outside quoted fields, every line break is CRLF (the one LF here is inside a quoted description).
  const unquoted = csv.replace(/"(?:[^"]|"")*"/g, '');
  t.notMatch(unquoted, /[^\r]\n|\r[^\n]/);
  t.equal(block(csv, 'consumption.electric.profiles.monthly').split('\r\n').length - 1, 2 + 2 * 24, '24 slots for each of 2 months');
  t.match(block(csv, 'consumption.electric.profiles.monthly'), '2026-01,12,12:00,45,8,,0\r\n');
  t.notMatch(csv, /NaN|undefined|\[object Object\]/);
});

t.test('CSV cells: RFC 4180 quoting and the OWASP formula guard on text only', async (t) => {
  const cases: [unknown, string][] = [
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line1\nline2', '"line1\nline2"'],
    ['line1\r\nline2', '"line1\r\nline2"'],
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-5', "'-5"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
    [-12.5, '-12.5'],
    [0, '0'],
    [0.0645, '0.0645'],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
    [null, ''],
    [undefined, ''],
    [true, 'true'],
    [['m-1', 'm-2'], 'm-1; m-2'],
    [['=x'], "'=x"],
    [{ a: 1 }, '"{""a"":1}"'],
    ['', ''],
  ];
  for (const [input, out] of cases) t.equal(csvCell(input), out, JSON.stringify(input) ?? String(input));
  const csv = section4Csv(smallDoc());
  t.equal(block(csv, 'equipment'),
    '# equipment\r\n' +
    'siteId,id,kind,description,ratedKw,serial\r\n' +
    `small-1,eq-1,chiller,"'=HYPERLINK(""http://evil.example"",""click"")",-12.5,\r\n` +
    `small-1,eq-2,'@pump,"two lines\nsecond, with comma",,'+123\r\n`, 'extra fields get their own column; negative numbers stay numbers');
  t.equal(block(csv, 'account'), `# account\r\nid,name,segment\r\nsmall,"<script>alert(1)</script> & ""Sons""",\r\n`);
  t.equal(block(csv, 'powerQuality.requirements'), `# powerQuality.requirements\r\nsiteId,requirement\r\nsmall-1,'-ride-through 2 s\r\n`);
});

t.test('HTML: a complete page, sections in order, escaped input, charts, no junk', async (t) => {
  const html = section4Html(smallDoc());
  t.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  t.match(html, '<meta charset="utf-8">');
  t.match(html, '@media print');
  t.match(html, '<title>Section 4 energy profile: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;, 2026-01-01 to 2026-02-28</title>');
  t.strictSame([...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]), [
    '1. Consumption history and load profiles',
    '2. Energy cost as a share of facility costs',
    '3. Load and power factors',
    '4. Share of the utility&apos;s end-user consumption',
    '5. Rate comparison',
    '6. Transformers',
    '7. Equipment',
    '8. Power quality',
    '9. One-line diagram',
    '10. Outages',
    '11. Billing and payment history',
    '12. Forecast of power requirements',
  ]);
  t.notMatch(html, /<script/i, 'the account name is text, not markup');
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;');
  t.notMatch(html, /<b>Riverside/, 'node names are escaped too');
  t.notMatch(html, /NaN|undefined|\[object Object\]/);
  // Self-contained: the only URL is the SVG namespace (and the equipment text, escaped).
  const urls = [...html.matchAll(/https?:\/\/[^\s"'&<]+/g)].map((m) => m[0]);
  t.strictSame([...new Set(urls)].sort(), ['http://evil.example', 'http://www.w3.org/2000/svg']);
  t.notMatch(html, /\bsrc=|<link|@import|url\(/);

  t.equal(html.match(/<svg /g)?.length, 4, 'monthly kWh, weekday/weekend profile, duration curve, one-line');
  t.match(html, 'aria-label="Monthly electric energy"');
  t.match(html, 'aria-label="Average weekday and weekend day, 2026-01"', 'the last month with data');
  t.match(html, 'aria-label="Load-duration curve"');
  const bars = /<svg [^>]*aria-label="Monthly electric energy".*?<\/svg>/s.exec(html)![0];
  t.equal(bars.match(/<rect /g)?.length, 1, 'February (null) has no bar');
  t.match(html, oneLineSvg(oneLine([{ id: 'sub', kind: 'substation', name: '<b>Riverside</b>' }, { id: 't', kind: 'transformer', from: 'sub' }, { id: 'm', kind: 'meter', from: 't' }])));

  // Numbers: thousands separators, percentages with one decimal, money, no data as a dash.
  t.match(html, '<td class="num">1,930</td><td class="num">80</td><td>2026-01-01 12:00</td><td class="num">6.5%</td>');
  t.match(html, '<td>2026-02</td><td class="num">\u2014</td>');
  t.match(html, '<td class="num">$250.00</td><td class="num">$100,000.00</td><td class="num">0.3%</td>');
  t.match(html, '<td class="num">82.5%</td>');
  t.match(html, '<td class="num">50.3%</td><td class="num">0.8954</td>');
  t.match(html, '<td class="num">1,930</td><td class="num">500,000,000</td><td class="num">0.00039%</td>');
  t.match(html, '<td class="overdue">yes</td>');
  // Not yet available, said plainly where the document says so.
  const forecast = html.slice(html.indexOf('<section id="forecast">'));
  t.match(forecast, '<p class="status">Not yet available.</p>');
  const rate = html.slice(html.indexOf('<section id="rate-comparison">'), html.indexOf('<section id="transformers">'));
  t.match(rate, '<p class="meta">Current rate: flat.</p>');
  t.match(rate, '<td>flat</td><td>Flat &lt;10c&gt;</td><td class="num">$993.00</td>');
  t.match(rate, 'Months with missing intervals, billed on the data present: 2026-01, 2026-02.');
  t.match(rate, '<td>tou-kva</td><td>KM_TARIFF_UNSUPPORTED</td>');
  t.match(rate, '<p class="meta">Under flat: 0 of 1 bills computed within 0.4% of billed.</p>');
  t.match(rate, '<td>b1</td><td>2026-01-01</td><td>2026-01-31</td><td class="num">$250.00</td><td class="num">$993.00</td><td class="num">297.2%</td><td>no</td><td>no</td>');
  t.match(html, '<p class="status">No gas interval data.</p>');
});

t.test('HTML: a document without figures still renders every section', async (t) => {
  const html = section4Html({ account: { id: 'x', name: 'X' }, period: { from: '2026-01-01', to: '2026-01-31', timezone: 'UTC' } });
  t.equal(html.match(/<h2>/g)?.length, 12);
  t.notMatch(html, /NaN|undefined|\[object Object\]/);
  const csv = section4Csv({});
  t.notMatch(csv, /NaN|undefined|\[object Object\]/);
  t.equal(block(csv, 'forecast'), '# forecast\r\nstatus\r\nnot available\r\n');
});

t.test('percentages: one decimal; tiny shares keep two significant digits', async (t) => {
  t.equal(fmtPercent(82.46), '82.5%');
  t.equal(fmtPercent(0), '0.0%');
  t.equal(fmtPercent(1234.56), '1,234.6%');
  t.equal(fmtPercent(0.000386), '0.00039%');
  t.equal(fmtPercent(null), '\u2014');
});

t.test('SVG charts: nulls are gaps, text is escaped, no scripts', async (t) => {
  const bars = barChart([{ label: 'a', value: 1 }, { label: 'b', value: null }, { label: '<c>', value: 0 }, { label: 'd', value: Number.NaN }], { title: 'T & <x>', yLabel: 'Energy (kWh)' });
  t.equal(bars.match(/<rect /g)?.length, 2, 'a and the zero of <c>; nothing for null or NaN');
  t.match(bars, '<title>&lt;c&gt;: 0</title>');
  t.match(bars, 'aria-label="T &amp; &lt;x&gt;"');
  t.match(bars, /viewBox="0 0 720 300"/);
  t.notMatch(bars, /<script|NaN|undefined|href/);

  const lines = lineChart([{ name: 'A', values: [1, 2, null, 4, 5] }, { name: 'B', values: [1, null, 3, null, null] }], { title: 'L', yLabel: 'Demand (kW)', xLabels: ['0', '1', '2', '3', '4'] });
  t.equal(lines.match(/<polyline /g)?.length, 2, 'A breaks at its null into two lines');
  t.equal(lines.match(/<circle /g)?.length, 2, "B's lone points are dots");
  t.match(lines, '>Demand (kW)</text>');
  t.notMatch(lines, /NaN|undefined/);

  const empty = lineChart([{ name: 'A', values: [null, null] }], { title: 'E', yLabel: 'kW' });
  t.match(empty, '>No data</text>');
  t.notMatch(empty, /<polyline|<circle|NaN/);
  t.notMatch(barChart([], { title: 'E', yLabel: 'kWh' }), /NaN|Infinity|undefined/);
});
