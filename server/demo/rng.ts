// Seeded randomness for the demo company (X7). sfc32 (Chris Doty-Humphrey's Small Fast Counter)
// is fast, passes PractRand far beyond what a demo needs, and has a 128-bit state, so millions of
// draws never come near its period. Math.random is never used: the same seed must give the same
// company on every machine, in tests and in benchmarks.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Normal (Gaussian) draw via Box–Muller. */
  normal(mean?: number, sd?: number): number;
  /** Log-normal draw: exp(normal(mu, sigma)). */
  logNormal(mu: number, sigma: number): number;
  /** A new shuffled array (Fisher–Yates); the input is not changed. */
  shuffle<T>(items: readonly T[]): T[];
  /** k distinct items in random order (k clamped to the list length). */
  sample<T>(items: readonly T[], k: number): T[];
  /** A moment uniformly in [from, to). */
  date(from: Date, to: Date): Date;
  /** A random RFC 4122 version-4 UUID built from this stream (deterministic). */
  uuid(): string;
  /**
   * An independent stream derived from this stream's seed and a label. Each part of the generator
   * forks its own stream, so adding draws in one part (a new pattern, a new column) does not change
   * what every other part generates.
   */
  fork(label: string): Rng;
}

/** 32-bit FNV-1a of a string, used to mix fork labels into seeds. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** splitmix32: spreads one 32-bit seed into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number | string): Rng {
  // A string seed is also the stream's path, so its two seed halves both come from the whole string.
  return typeof seed === 'number' ? makeRng(seed >>> 0, '') : makeRng(hash32(seed), seed);
}

function makeRng(seed: number, path: string): Rng {
  // 64 bits of seed per stream: two differently based hashes of the path. One 32-bit hash made
  // streams collide (and repeat each other's UUIDs) once a demo forked a few hundred thousand.
  const lo = splitmix32(hash32(path, seed));
  const hi = splitmix32(hash32(path, (seed ^ 0x5bd1e995) >>> 0));
  let a = lo();
  let b = lo();
  let c = hi();
  let d = hi();
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: sfc32 needs a few rounds to diffuse a seeded state.
  for (let i = 0; i < 12; i++) u32();
  const next = () => u32() / 4294967296;
  let spare: number | null = null;

  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      if (!items.length) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (items) => {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [v, w] of items) {
        r -= w;
        if (r < 0) return v;
      }
      return items[items.length - 1][0];
    },
    normal: (mean = 0, sd = 1) => {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return mean + sd * z;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    logNormal: (mu, sigma) => Math.exp(rng.normal(mu, sigma)),
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    sample: (items, k) => rng.shuffle(items).slice(0, Math.max(0, Math.min(k, items.length))),
    date: (from, to) => new Date(from.getTime() + Math.floor(next() * (to.getTime() - from.getTime()))),
    uuid: () => {
      const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
      const w = [u32(), u32(), u32(), u32()];
      w[1] = (w[1] & 0xffff0fff) | 0x00004000; // version 4
      w[2] = (w[2] & 0x3fffffff) | 0x80000000; // RFC 4122 variant
      const h = w.map(hex).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    },
    fork: (label) => makeRng(seed, `${path}/${label}`),
  };
  return rng;
}
