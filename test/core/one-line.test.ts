import t from 'tap';
import { oneLine, oneLineSvg } from '../../src/core/one-line.js';

/**
 * A tiny XML well-formedness check (no new dependency): every tag is `<name attr="..."...>`,
 * `</name>` or self-closing, tags nest and balance under one root, and text holds no raw `<`, `>` or
 * a stray `&`.
 */
function wellFormed(xml: string): string | true {
  const stack: string[] = [];
  let roots = 0;
  for (const [i, part] of xml.split(/(<[^<>]*>)/).entries()) {
    if (i % 2 === 0) {
      if (/[<>]|&(?!(?:amp|lt|gt|quot|apos);)/.test(part)) return `bad text: ${part}`;
      continue;
    }
    const m = /^<(\/)?([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/)?>$/.exec(part);
    if (m === null) return `bad tag: ${part}`;
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) return `unbalanced </${name}>`;
    } else {
      if (stack.length === 0) roots += 1;
      if (!selfClose) stack.push(name!);
    }
  }
  return stack.length === 0 && roots === 1 ? true : `open: ${stack.join(',')}, roots: ${roots}`;
}

const contractPath = [
  { id: 'sub-12', kind: 'substation' },
  { id: 'fdr-12-3', kind: 'feeder', from: 'sub-12' },
  { id: 't-1', kind: 'transformer', from: 'fdr-12-3' },
  { id: 'm-1001', kind: 'meter', from: 't-1' },
  { id: 'acme-plant-1', kind: 'facility', from: 'm-1001' },
];

t.test('the CONTRACT supply path: a chain, one node per level', async (t) => {
  t.strictSame(oneLine(contractPath), {
    nodes: contractPath.map(({ id, kind }) => ({ id, kind })),
    edges: [
      { from: 'sub-12', to: 'fdr-12-3' }, { from: 'fdr-12-3', to: 't-1' }, { from: 't-1', to: 'm-1001' }, { from: 'm-1001', to: 'acme-plant-1' },
    ],
    levels: [['sub-12'], ['fdr-12-3'], ['t-1'], ['m-1001'], ['acme-plant-1']],
  });
});

t.test('two sources and an ATS fed twice: the level is the longest path, so edges point down', async (t) => {
  const path = [
    { id: 'ats', kind: 'ats', name: 'Main ATS', from: ['t-1', 't-2'] },
    { id: 'sub-a', kind: 'substation' },
    { id: 'sub-b', kind: 'substation' },
    { id: 'fdr-1', kind: 'feeder', from: 'sub-a' },
    { id: 't-1', kind: 'transformer', from: 'fdr-1' },
    { id: 't-2', kind: 'transformer', from: 'sub-b' },
  ];
  // sub-a, sub-b: 0; fdr-1 (from sub-a), t-2 (from sub-b): 1; t-1: 2; ats: max(2, 1) + 1 = 3
  const g = oneLine(path);
  t.strictSame(g.levels, [['sub-a', 'sub-b'], ['fdr-1', 't-2'], ['t-1'], ['ats']]);
  t.strictSame(g.nodes[0], { id: 'ats', kind: 'ats', name: 'Main ATS' });
  t.strictSame(g.edges, [
    { from: 't-1', to: 'ats' }, { from: 't-2', to: 'ats' }, { from: 'sub-a', to: 'fdr-1' }, { from: 'fdr-1', to: 't-1' }, { from: 'sub-b', to: 't-2' },
  ]);
  const svg = oneLineSvg(g);
  t.equal(wellFormed(svg), true);
  t.equal(svg.match(/<rect /g)?.length, 6);
  t.equal(svg.match(/<polygon /g)?.length, 5);
});

t.test('bad graphs are refused', async (t) => {
  t.throws(() => oneLine([{ id: 'a', kind: 'bus', from: 'nowhere' }]), RangeError);
  t.throws(() => oneLine([{ id: 'a', kind: 'bus', from: 'b' }, { id: 'b', kind: 'bus', from: 'a' }, { id: 'c', kind: 'substation' }]), RangeError);
});

t.test('SVG of the CONTRACT path: well-formed, one box per level top to bottom', async (t) => {
  const svg = oneLineSvg(oneLine(contractPath));
  t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="212" height="412" /);
  t.ok(svg.endsWith('</svg>'));
  t.equal(wellFormed(svg), true);
  // width 16 + 180 + 16 = 212; height 16 + 5 x 44 + 4 x 40 + 16 = 412; box tops at 16 + level x (44 + 40)
  t.strictSame([...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]),
    [[16, 16], [16, 100], [16, 184], [16, 268], [16, 352]]);
  // sub-12 -> fdr-12-3: from the bottom centre (106, 60) to the top centre (106, 100), the line stopping at the arrowhead
  t.match(svg, '<line x1="106" y1="60" x2="106" y2="92" stroke="#444" stroke-width="1.5"/><polygon points="106,100 102,92 110,92" fill="#444"/>');
  t.match(svg, '<text x="106" y="34" text-anchor="middle" font-weight="bold">sub-12</text>');
});

t.test('text is escaped for XML and long labels are cut', async (t) => {
  const svg = oneLineSvg(oneLine([{ id: 'a-very-long-node-identifier-indeed', kind: 'other', name: 'Plant "A" <main> & co' }]));
  t.equal(wellFormed(svg), true);
  t.match(svg, '<title>Plant &quot;A&quot; &lt;main&gt; &amp; co: a-very-long-node-identifier-indeed (other)</title>');
  t.match(svg, '>a-very-long-node-identi\u2026</text>'); // 23 characters + the ellipsis = 24
});

t.test('an empty supply path draws a note', async (t) => {
  const svg = oneLineSvg(oneLine([]));
  t.equal(wellFormed(svg), true);
  t.strictSame(oneLine([]), { nodes: [], edges: [], levels: [] });
  t.match(svg, 'No supply path recorded');
});
