/**
 * What the whole-process benches feed `ftrag run`: a seeded eval set of N items (prompts of varied length over a
 * plain vocabulary, 1-3 word references, a category) and a config of S base systems pointed at an endpoint URL.
 * Nothing here is tuned to a model: the bench server answers from the prompt alone, and every system sees the same
 * set, so what is measured is the harness.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const VOCAB = (
  'river stone lamp orchard valve ledger harbor quartz signal meadow copper lantern archive beacon cedar delta ' +
  'ember falcon garnet hollow island juniper kettle lattice marble nickel oyster pepper quiver raven saddle ' +
  'timber umber velvet willow xenon yonder zephyr anchor bridge canyon dune fable glacier harvest indigo jasper'
).split(' ');

/** mulberry32: small, seeded, the same sequence on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One JSONL record a line: `{id, prompt, reference, category}`. */
export function evalSetLines(n: number, seed = 20): string[] {
  const r = rng(seed);
  const word = () => VOCAB[Math.floor(r() * VOCAB.length)];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 6 + Math.floor(r() * 24) }, word);
    const tail = words.slice(-3).join(' ');
    // Two thirds of the references are what the bench server will say (the prompt's last words), a third are not.
    const reference = r() < 2 / 3 ? tail : Array.from({ length: 1 + Math.floor(r() * 3) }, word).join(' ');
    lines.push(JSON.stringify({ id: `h${i}`, prompt: `${words.join(' ')}?`, reference, category: `c${i % 3}` }));
  }
  return lines;
}

/** Writes the eval set (`items` records) to `path`. */
export function writeEvalSet(path: string, items: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${evalSetLines(items).join('\n')}\n`);
  return path;
}

/** Writes `<dir>/ftrag.json`: `systems` base systems on `url`, runner concurrency `concurrency`, the eval set by absolute path. */
export function writeRunConfig(dir: string, opts: { evalSet: string; systems: number; url: string; concurrency: number }): string {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'ftrag.json');
  const systems = Array.from({ length: opts.systems }, (_, i) => ({ id: `base-${i + 1}`, kind: 'base', modelId: 'amazon.nova-micro-v1:0' }));
  const body = { name: 'harness-bench', endpoint: 'emulator', endpointUrl: opts.url, evalSet: resolve(opts.evalSet), systems, runner: { concurrency: opts.concurrency } };
  writeFileSync(config, `${JSON.stringify(body, null, 2)}\n`);
  return config;
}
