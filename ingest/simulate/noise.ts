/**
 * Hash noise for the simulator: every random-looking value is a 32-bit integer hash of its inputs
 * (murmur3's finalizer over FNV-1a keys), not a PRNG stepped over a range, so a value depends only on
 * (seed, meter, stream, x) and any split of a range reproduces it (see profile.ts).
 */

/** murmur3 fmix32: a bijective 32-bit avalanche mix. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** @internal A key for one noise stream: (seed, meter, salt). */
export function streamKey(seed: number, id: string, salt: string): number {
  return mix32(mix32(seed ^ 0x9e3779b9) ^ hashString(id) ^ mix32(hashString(salt) + 0x7f4a7c15));
}

const TWO_POW_32 = 4294967296;

/** @internal Uniform in [0, 1) for integer `x` (minutes since the epoch, a day number, ...). */
export function unit(key: number, x: number): number {
  return mix32(key ^ mix32(x + 0x632be5ab)) / TWO_POW_32;
}

/** @internal Triangular in (-1, 1), mean 0: the sum of two independent uniforms from the same stream. */
export function tri(key: number, x: number): number {
  const a = mix32(key ^ mix32(x + 0x632be5ab));
  const b = mix32(a ^ 0x5bd1e995);
  return (a + b) / TWO_POW_32 - 1;
}
