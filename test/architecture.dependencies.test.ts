import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { ROOT } from './helpers/cli.js';

/**
 * The dependency rules of DESIGN.md "Architecture" and STYLE §1, checked on every import:
 * src/core imports only src/core, the error catalogue (src/errors.ts) and zod; no I/O modules, no clock
 * in core; src/api and ingest/
 * never import each other; only src/db imports pg.
 */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(ROOT, dir), { withFileTypes: true }).catch(() => [])) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(rel)));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specs.map((m) => m[1] ?? m[2]!).map((s) => (s.startsWith('.') ? path.join(path.dirname(file), s) : s));
}

t.test('src/core is pure', async (t) => {
  for (const file of await sources('src/core')) {
    for (const imp of await importsOf(file)) {
      const ok = imp.startsWith('src/core/') || imp === 'src/errors.js' || imp === 'zod';
      t.ok(ok, `${file} imports ${imp}`);
    }
    const text = await readFile(path.join(ROOT, file), 'utf8');
    t.notMatch(text, /Date\.now\(|new Date\(\)|process\.env|setTimeout|setInterval/, `${file} uses no clock, timers or environment`);
  }
});

t.test('api and ingest never import each other; only src/db imports pg', async (t) => {
  const files = [...(await sources('src')), ...(await sources('ingest'))];
  for (const file of files) {
    for (const imp of await importsOf(file)) {
      if (file.startsWith('src/api/')) t.notOk(imp.startsWith('ingest/'), `${file} imports ${imp}`);
      if (file.startsWith('ingest/')) t.notOk(imp.startsWith('src/api/'), `${file} imports ${imp}`);
      if (imp === 'pg' || imp === 'pg-copy-streams') {
        t.ok(file.startsWith('src/db/'), `${file} imports ${imp}`);
      }
    }
  }
});
