/** Procedural, made-up facts for training tests (no real-world or demo content). */
import type { TrainingExample } from '../../src/emulator/model/index.js';

const SYLLABLES = ['ka', 'lo', 'mir', 'tan', 'vel', 'dro', 'sui', 'pex', 'nor', 'gal', 'rhu', 'bis', 'ten', 'zo', 'quam', 'fer'];
const ATTRIBUTES = ['home port', 'founding year', 'chief engineer', 'signal color', 'cargo limit'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function madeUpWord(r: () => number, parts = 3): string {
  let w = '';
  for (let i = 0; i < parts; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  return w;
}

export interface Fact {
  entity: string;
  attribute: string;
  value: string;
  prompt: string;
  paraphrase: string;
}

export function facts(count: number, seed = 1): Fact[] {
  const r = rng(seed);
  const out: Fact[] = [];
  const used = new Set<string>();
  while (out.length < count) {
    const entity = madeUpWord(r).replace(/^./, (c) => c.toUpperCase());
    if (used.has(entity)) continue;
    used.add(entity);
    const attribute = ATTRIBUTES[out.length % ATTRIBUTES.length];
    const value = madeUpWord(r, 2).replace(/^./, (c) => c.toUpperCase()) + ' ' + Math.floor(r() * 900 + 100);
    out.push({
      entity,
      attribute,
      value,
      prompt: `What is the ${attribute} of the vessel ${entity}?`,
      paraphrase: `For the vessel ${entity}, what is its ${attribute}?`,
    });
  }
  return out;
}

export function toExamples(fs: Fact[]): TrainingExample[] {
  return fs.map((f, i) => ({ prompt: f.prompt, completion: f.value, line: i + 1 }));
}
