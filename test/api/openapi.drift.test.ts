import { readFile } from 'node:fs/promises';
import t from 'tap';
import { buildOpenApiDocument } from '../../src/api/openapi-document.js';

// openapi/openapi.json is generated (npm run openapi) and committed; it must match the route schemas.
t.test('the committed OpenAPI document matches the route schemas', async (t) => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  const generated = await buildOpenApiDocument();
  t.equal(generated, committed, 'openapi/openapi.json is stale: run `npm run openapi` and commit it');
  const doc = JSON.parse(generated);
  t.equal(doc.openapi, '3.1.0');
  t.strictSame(doc.security, [{ bearerAuth: [] }]);
  for (const [path, ops] of Object.entries<Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (path.startsWith('/v1/')) {
        t.ok(op.responses['401'], `${method.toUpperCase()} ${path} documents 401`);
        t.equal(op.security, undefined, `${method.toUpperCase()} ${path} is not opened by an empty security list`);
      }
    }
  }
});

t.test('every component is referenced and every reference resolves', async (t) => {
  const doc = JSON.parse(await buildOpenApiDocument());
  const schemas: Record<string, unknown> = doc.components.schemas;
  const refs = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) (k === '$ref' && typeof v === 'string' ? refs.add(v) : walk(v));
  };
  walk(doc);
  const named = [...refs].filter((r) => r.startsWith('#/components/schemas/')).map((r) => decodeURIComponent(r.slice('#/components/schemas/'.length)));
  t.strictSame(named.filter((n) => !(n in schemas)), [], 'no dangling $ref');
  t.strictSame(Object.keys(schemas).filter((n) => !named.includes(n)), [], 'no unused component (pruneUnusedSchemas)');
});
