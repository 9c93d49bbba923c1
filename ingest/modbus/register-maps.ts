/**
 * Register maps by name: `<dir>/<name>.json`, validated with the zod schema of
 * src/core/modbus/register-map.ts and planned into block reads once. A meter's `modbus.map` names one
 * (or is "sunspec"). Files are read when first asked for and kept; a new map needs no code change.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegisterMap, planBlocks, type RegisterBlock } from '../../src/core/modbus/register-map.js';
import { formatPath } from '../../src/errors.js';

export const DEFAULT_MAPS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/registermaps');

export interface LoadedMap {
  map: RegisterMap;
  blocks: RegisterBlock[];
}

export type MapLookup = { ok: true; value: LoadedMap } | { ok: false; detail: string };

export class RegisterMaps {
  readonly #dir: string;
  readonly #cache = new Map<string, Promise<MapLookup>>();

  constructor(dir: string = DEFAULT_MAPS_DIR) {
    this.#dir = dir;
  }

  get dir(): string {
    return this.#dir;
  }

  /** The map named `name`, or why there is none. Never throws. */
  get(name: string): Promise<MapLookup> {
    let p = this.#cache.get(name);
    if (!p) {
      p = this.#load(name);
      this.#cache.set(name, p);
    }
    return p;
  }

  async #load(name: string): Promise<MapLookup> {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) return { ok: false, detail: `'${name}' is not a register map name` };
    const file = path.join(this.#dir, `${name}.json`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      const code = (err as { code?: string }).code;
      return { ok: false, detail: code === 'ENOENT' ? `no register map '${name}' in ${this.#dir}` : `${file}: ${(err as Error).message}` };
    }
    const parsed = RegisterMap.safeParse(json);
    if (!parsed.success) {
      return { ok: false, detail: `${file}: ${parsed.error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}` };
    }
    if (parsed.data.name !== name) return { ok: false, detail: `${file}: its name is '${parsed.data.name}', not '${name}'` };
    return { ok: true, value: { map: parsed.data, blocks: planBlocks(parsed.data) } };
  }
}
