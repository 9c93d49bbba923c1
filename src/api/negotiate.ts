/**
 * Proactive content negotiation on `Accept` (RFC 9110 §12.5.1) for routes that offer a few media types:
 * each offered type takes the q of the most specific media range that matches it (`application/pdf` over
 * `application/*` over `*\/*`); the highest q above 0 wins, ties go to the order of `offered`. No header
 * (or an empty one) picks the first offered type; a header that accepts none of them gives null (406).
 * Media-type parameters other than q are ignored.
 */
export function negotiate<T extends string>(accept: string | undefined, offered: readonly T[]): T | null {
  if (accept === undefined || accept.trim() === '') return offered[0] ?? null;
  const ranges: { type: string; subtype: string; q: number }[] = [];
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const m = /^([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)$/.exec(range ?? '');
    if (!m) continue;
    const qParam = params.find((p) => /^q\s*=/.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(qParam.indexOf('=') + 1).trim());
    if (!Number.isFinite(q) || q < 0 || q > 1) continue;
    ranges.push({ type: m[1]!, subtype: m[2]!, q });
  }
  let best: { type: T; q: number } | null = null;
  for (const o of offered) {
    const [type, subtype] = o.split(';')[0]!.trim().toLowerCase().split('/') as [string, string];
    let specificity = -1;
    let q = 0;
    for (const r of ranges) {
      const s = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (q > 0 && (best === null || q > best.q)) best = { type: o, q };
  }
  return best?.type ?? null;
}
