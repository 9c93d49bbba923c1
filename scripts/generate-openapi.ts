// Writes openapi/openapi.json from the route schemas. Generated: never edit the JSON by hand
// (test/api/openapi.drift.test.ts fails when the committed file differs from what this writes).
import { writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '../src/api/openapi-document.js';

const target = new URL('../openapi/openapi.json', import.meta.url);
await writeFile(target, await buildOpenApiDocument());
process.stdout.write(`wrote ${target.pathname}\n`);
