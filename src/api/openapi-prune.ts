/**
 * fastify-type-provider-zod writes every registered schema twice into `components.schemas` (its output
 * form `X` and its input form `XInput`), whether or not a route refers to it. This keeps only the
 * components reachable from the paths (and from each other), so the document lists what the API uses.
 */
import type { SwaggerTransformObject } from '@fastify/swagger';

type Doc = ReturnType<SwaggerTransformObject>;

const REF_PREFIX = '#/components/schemas/';

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) collectRefs(x, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) into.add(decodeURIComponent(v.slice(REF_PREFIX.length)));
      else collectRefs(v, into);
    }
  }
}

export function pruneUnusedSchemas<T extends Doc>(doc: T): T {
  const d = doc as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = d.components?.schemas;
  if (!schemas) return doc;
  const reached = new Set<string>();
  collectRefs(d.paths, reached);
  const queue = [...reached];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const found = new Set<string>();
    collectRefs(schemas[name], found);
    for (const f of found) {
      if (!reached.has(f)) {
        reached.add(f);
        queue.push(f);
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
  return { ...doc, components: { ...d.components, schemas: kept } };
}
