/**
 * The one-line diagram (Section 4 item 9, CONTRACT.md "The Section 4 document" `oneLine`): the supply
 * path from transmission or substation to the facility as a graph, and a small SVG drawing of it for
 * the HTML Section 4 page.
 */

/** A supply-path node as in the bundle: `from` names the node(s) feeding this one. */
export interface SupplyPathNode {
  readonly id: string;
  readonly kind: string;
  readonly name?: string | undefined;
  readonly from?: string | readonly string[] | undefined;
}

export interface OneLineNode {
  id: string;
  kind: string;
  name?: string;
}

export interface OneLineGraph {
  /** The nodes in input order; `name` only when given. */
  nodes: OneLineNode[];
  /** One edge per feed, from the feeding node to the fed one, in node order then `from` order. */
  edges: { from: string; to: string }[];
  /** Node ids by level: level 0 holds the sources (nodes fed by none); each node sits one below its deepest feeder. */
  levels: string[][];
}

/**
 * Builds the graph. A node's level is the length of the longest path to it from a source, so every
 * edge points strictly downward even when a node has feeds of different depths. Throws RangeError on a
 * feed to an unknown node or a cycle (the bundle schema rejects both; this guards other callers).
 */
export function oneLine(supplyPath: readonly SupplyPathNode[]): OneLineGraph {
  const ids = new Set(supplyPath.map((n) => n.id));
  const nodes: OneLineNode[] = supplyPath.map((n) => (n.name === undefined ? { id: n.id, kind: n.kind } : { id: n.id, kind: n.kind, name: n.name }));
  const edges: { from: string; to: string }[] = [];
  for (const n of supplyPath) {
    const froms = n.from === undefined ? [] : typeof n.from === 'string' ? [n.from] : n.from;
    for (const f of froms) {
      if (!ids.has(f)) throw new RangeError(`supply-path node '${n.id}' is fed from unknown node '${f}'`);
      edges.push({ from: f, to: n.id });
    }
  }

  // Kahn's algorithm in input order; a node's level is settled once all its feeders are placed.
  const pending = new Map(supplyPath.map((n) => [n.id, 0]));
  for (const e of edges) pending.set(e.to, pending.get(e.to)! + 1);
  const level = new Map<string, number>();
  const queue = supplyPath.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) level.set(id, 0);
  for (let k = 0; k < queue.length; k++) {
    const id = queue[k]!;
    for (const e of edges) {
      if (e.from !== id) continue;
      level.set(e.to, Math.max(level.get(e.to) ?? 0, level.get(id)! + 1));
      const left = pending.get(e.to)! - 1;
      pending.set(e.to, left);
      if (left === 0) queue.push(e.to);
    }
  }
  if (queue.length < ids.size) throw new RangeError('the supply path has a cycle');

  const levels: string[][] = [];
  for (const n of supplyPath) (levels[level.get(n.id)!] ??= []).push(n.id);
  return { nodes, edges, levels };
}

const BOX_W = 180;
const BOX_H = 44;
const GAP_X = 24;
const GAP_Y = 40;
const MARGIN = 16;
const ARROW_LEN = 8;
const ARROW_HALF_W = 4;
/** About what fits in BOX_W at 12 px sans-serif; longer labels are cut with an ellipsis (the full text is in the box's <title>). */
const MAX_LABEL_CHARS = 24;

/** Escapes text for XML character data and attribute values. */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
const cut = (s: string): string => (s.length > MAX_LABEL_CHARS ? `${s.slice(0, MAX_LABEL_CHARS - 1)}\u2026` : s);
const num = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * Draws the graph as a self-contained SVG (no external fonts, styles or ids, so several can sit in one
 * HTML page): one box per node labelled with its id and kind, laid out by level from top to bottom and
 * centred per row, and an arrow per edge from the bottom of the feeder to the top of the fed node.
 */
export function oneLineSvg(graph: OneLineGraph): string {
  const widest = Math.max(1, ...graph.levels.map((l) => l.length));
  const width = 2 * MARGIN + widest * BOX_W + (widest - 1) * GAP_X;
  const height = graph.levels.length === 0 ? 2 * MARGIN + BOX_H : 2 * MARGIN + graph.levels.length * BOX_H + (graph.levels.length - 1) * GAP_Y;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="One-line diagram" font-family="sans-serif" font-size="12">`;
  if (graph.nodes.length === 0) {
    return `${open}<text x="${MARGIN}" y="${MARGIN + BOX_H / 2}">No supply path recorded</text></svg>`;
  }

  const at = new Map<string, { x: number; y: number }>(); // top-left corner of each box
  graph.levels.forEach((row, li) => {
    const rowW = row.length * BOX_W + (row.length - 1) * GAP_X;
    const x0 = (width - rowW) / 2;
    row.forEach((id, k) => at.set(id, { x: x0 + k * (BOX_W + GAP_X), y: MARGIN + li * (BOX_H + GAP_Y) }));
  });

  const parts: string[] = [open];
  for (const e of graph.edges) {
    const a = at.get(e.from)!;
    const b = at.get(e.to)!;
    const x1 = a.x + BOX_W / 2, y1 = a.y + BOX_H, x2 = b.x + BOX_W / 2, y2 = b.y;
    const len = Math.hypot(x2 - x1, y2 - y1);
    const ux = (x2 - x1) / len, uy = (y2 - y1) / len;
    const bx = x2 - ARROW_LEN * ux, by = y2 - ARROW_LEN * uy;
    const head = [[x2, y2], [bx - ARROW_HALF_W * uy, by + ARROW_HALF_W * ux], [bx + ARROW_HALF_W * uy, by - ARROW_HALF_W * ux]];
    parts.push(
      `<g class="edge"><line x1="${num(x1)}" y1="${num(y1)}" x2="${num(bx)}" y2="${num(by)}" stroke="#444" stroke-width="1.5"/>` +
        `<polygon points="${head.map(([x, y]) => `${num(x!)},${num(y!)}`).join(' ')}" fill="#444"/></g>`,
    );
  }
  for (const n of graph.nodes) {
    const { x, y } = at.get(n.id)!;
    const title = n.name === undefined ? `${n.id} (${n.kind})` : `${n.name}: ${n.id} (${n.kind})`;
    parts.push(
      `<g class="node"><title>${xml(title)}</title>` +
        `<rect x="${num(x)}" y="${num(y)}" width="${BOX_W}" height="${BOX_H}" rx="4" fill="#fff" stroke="#333"/>` +
        `<text x="${num(x + BOX_W / 2)}" y="${num(y + 18)}" text-anchor="middle" font-weight="bold">${xml(cut(n.id))}</text>` +
        `<text x="${num(x + BOX_W / 2)}" y="${num(y + 34)}" text-anchor="middle" fill="#555">${xml(cut(n.kind))}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
